"""Language detection with lingua, restricted to the languages Dossier's users read.

The detector is built once, lazily, in low-accuracy mode: with seven languages it
takes about 12 MB instead of about 190 MB for the high-accuracy models, and on
article-length text (hundreds of characters and more) the result is the same.
"""

from __future__ import annotations

import logging
import threading

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

log = logging.getLogger(__name__)

LANGUAGES = (
    Language.GERMAN,
    Language.ENGLISH,
    Language.RUSSIAN,
    Language.FRENCH,
    Language.SPANISH,
    Language.ITALIAN,
    Language.TURKISH,
)
MIN_LETTERS = 20
"""Texts with fewer letters than this get ``""``: too short to tell."""

SAMPLE_CHARS = 500
"""Only the start of a text is examined; an article does not switch language."""

_detector: LanguageDetector | None = None
_lock = threading.Lock()


def _get_detector() -> LanguageDetector:
    """The shared detector, built on first use (thread-safe)."""
    global _detector
    with _lock:
        if _detector is None:
            log.debug("building language detector for %d languages", len(LANGUAGES))
            builder = LanguageDetectorBuilder.from_languages(*LANGUAGES)
            _detector = builder.with_low_accuracy_mode().build()
        return _detector


def detect_language(text: str) -> str:
    """ISO 639-1 code of the language of ``text`` (``"de"``, ``"en"``, ...), or ``""``.

    ``""`` means the text is too short or no supported language fits.
    """
    sample = text[:SAMPLE_CHARS]
    if sum(map(str.isalpha, sample)) < MIN_LETTERS:
        return ""
    language = _get_detector().detect_language_of(sample)
    if language is None:
        return ""
    return language.iso_code_639_1.name.lower()
