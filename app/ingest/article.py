"""What ingest produces: a parsed article or a per-file failure.

:func:`build_article` is the one place where converter output becomes a
:class:`ParsedArticle`, so every format gets the same normalisation, fallbacks
(title from text, date from text, outlet from URL) and language detection.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from app.core.dates import parse_partial_date
from app.core.errors import IngestError, ValidationError
from app.core.import_notes import TrimSuggestion
from app.core.text import normalise_text
from app.ingest.headline import find_title, leading_furniture
from app.ingest.language import detect_language
from app.ingest.textmeta import find_date, split_outlet_suffix


@dataclass(frozen=True, slots=True)
class ParsedArticle:
    """One article read from a file, ready to be stored.

    ``text`` has been through :func:`app.core.text.normalise_text` and is never
    empty. ``published`` is a partial date (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``)
    or ``""``. ``source`` is a display path; zip members read ``a.zip!dir/b.html``.
    ``notes`` are one-line remarks for the import report (an assumed encoding, a
    metadata date that was refused); ``trim`` offers page furniture for removal.
    """

    source: str
    original_name: str
    title: str
    text: str
    language: str
    outlet: str
    url: str
    author: str
    published: str
    extra: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    trim: TrimSuggestion | None = None


def with_note(article: ParsedArticle, note: str) -> ParsedArticle:
    """``article`` with one more note for the import report."""
    return replace(article, notes=(*article.notes, note))


@dataclass(frozen=True, slots=True)
class IngestFailure:
    """One input that could not be imported, with a one-sentence reason."""

    source: str
    reason: str


_SPACES = re.compile(r"\s+")
_SURROGATES = re.compile("[\ud800-\udfff]")


def clean_field(value: object) -> str:
    """Collapse whitespace of a metadata value and apply NFC; ``None`` gives ``""``.

    Lone surrogates (from a file name or a library's decoding) become U+FFFD: the
    database cannot store them, and one such value used to abort a whole import.
    """
    if value is None:
        return ""
    text = _SURROGATES.sub("\ufffd", _SPACES.sub(" ", str(value)).strip())
    return unicodedata.normalize("NFC", text.replace("\x00", ""))


def outlet_from_url(url: str) -> str:
    """Hostname of ``url`` without ``www.``, as the outlet of last resort."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def checked_date(value: str) -> tuple[str, str]:
    """A metadata date as ``(partial date, "")``, or ``("", note)`` if it is not real.

    Timestamps are cut to their date (``2025-11-06T10:00`` -> ``2025-11-06``). A value
    such as ``2025-00`` or ``0000`` is refused by the one parser,
    :func:`app.core.dates.parse_partial_date`, and reported: stored, it would break
    every later search.
    """
    value = clean_field(value)
    if not value:
        return "", ""
    try:
        return parse_partial_date(value[:10]), ""
    except ValidationError:
        spelled = find_date(value)  # "6. November 2025", "Nov. 6, 2025"
        if spelled:
            return spelled, ""
    shown = value if len(value) <= 40 else value[:39] + "…"
    return "", f"date {shown!r} is not a real date; stored as unknown"


def build_article(
    *,
    source: str,
    name: str,
    text: str,
    title: str = "",
    url: str = "",
    outlet: str = "",
    author: str = "",
    published: str = "",
    extra: Mapping[str, object] | None = None,
    notes: Sequence[str] = (),
) -> ParsedArticle:
    """Normalise converter output into a :class:`ParsedArticle`.

    Metadata wins over guesses from the text: the title falls back to the first
    meaningful line, the date to a date in the first lines, the outlet to the
    URL's hostname. A metadata date that is not a real date is stored as unknown
    (not guessed from the text) and reported in ``notes``, as is page furniture above
    the headline (``trim``).

    Raises:
        IngestError: the text is empty after normalisation ("no text found").
    """
    body = normalise_text(text).strip()
    if not body:
        raise IngestError(source, "no text found")
    title, suffix_outlet = split_outlet_suffix(clean_field(title) or find_title(body))
    url = clean_field(url)
    date, date_note = checked_date(published)
    trim = leading_furniture(body)
    notes = [*notes, date_note] if date_note else list(notes)
    if trim is not None:
        notes.append(trim.describe())
    return ParsedArticle(
        source=source,
        original_name=PurePosixPath(name.replace("\\", "/")).name,
        title=title or PurePosixPath(name).stem,
        text=body,
        language=detect_language(body),
        outlet=clean_field(outlet) or suffix_outlet or outlet_from_url(url),
        url=url,
        author=clean_field(author),
        published=date or ("" if date_note else find_date(body)),
        extra={k: clean_field(v) for k, v in (extra or {}).items() if clean_field(v)},
        notes=tuple(notes),
        trim=trim,
    )
