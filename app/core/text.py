"""Text normalisation and span selectors.

Every stored article text has been through :func:`normalise_text` exactly once, at
import. Every span in Dossier is ``[start, end)`` counted in **code points** of that
stored text (Python ``str`` indices). Qt's UTF-16 positions are converted in
``app/gui/common/textpos.py`` and nowhere else.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

from app.core.errors import ValidationError

QUOTE_CONTEXT = 32
"""Code points of prefix/suffix context stored with each highlight."""

_DROPPED = "\x00\ufeff\ufdd0\ufdd1"
_DROP = dict.fromkeys(map(ord, _DROPPED))


def normalise_text(raw: str) -> str:
    """Return ``raw`` as Dossier stores it.

    Strips BOMs and NULs (and U+FDD0/U+FDD1, which Qt treats as block separators),
    turns ``\\r\\n`` and lone ``\\r`` into ``\\n``, and applies Unicode NFC. The
    result is what all offsets refer to.
    """
    # str.translate looks up every character (0.2 s for 500 KB); the characters to drop
    # are rare, and four substring searches run at C speed.
    text = raw.translate(_DROP) if any(ch in raw for ch in _DROPPED) else raw
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def text_sha256(text: str) -> str:
    """Hex sha256 of the UTF-8 encoding of ``text``."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_key(text: str) -> str:
    """Hash used to detect duplicate articles: whitespace-insensitive, case-sensitive."""
    return text_sha256(" ".join(text.split()))


@dataclass(frozen=True, slots=True)
class TextQuote:
    """W3C TextQuoteSelector: the quoted text plus context on both sides."""

    exact: str
    prefix: str
    suffix: str


def check_span(text: str, start: int, end: int) -> None:
    """Raise :class:`ValidationError` unless ``0 <= start < end <= len(text)``."""
    if not 0 <= start < end <= len(text):
        raise ValidationError(
            f"span [{start}, {end}) is not inside a text of {len(text)} code points"
        )


def quote(text: str, start: int, end: int, context: int = QUOTE_CONTEXT) -> TextQuote:
    """The TextQuote selector of ``text[start:end]`` (code points)."""
    check_span(text, start, end)
    return TextQuote(
        exact=text[start:end],
        prefix=text[max(0, start - context) : start],
        suffix=text[end : end + context],
    )
