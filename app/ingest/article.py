"""What ingest produces: a parsed article or a per-file failure.

:func:`build_article` is the one place where converter output becomes a
:class:`ParsedArticle`, so every format gets the same normalisation, fallbacks
(title from text, date from text, outlet from URL) and language detection.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from app.core.dates import parse_partial_date
from app.core.errors import IngestError, ValidationError
from app.core.text import normalise_text
from app.ingest.language import detect_language
from app.ingest.textmeta import find_date, find_title, split_outlet_suffix


@dataclass(frozen=True, slots=True)
class ParsedArticle:
    """One article read from a file, ready to be stored.

    ``text`` has been through :func:`app.core.text.normalise_text` and is never
    empty. ``published`` is a partial date (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``)
    or ``""``. ``source`` is a display path; zip members read ``a.zip!dir/b.html``.
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


@dataclass(frozen=True, slots=True)
class IngestFailure:
    """One input that could not be imported, with a one-sentence reason."""

    source: str
    reason: str


_SPACES = re.compile(r"\s+")


def clean_field(value: object) -> str:
    """Collapse whitespace of a metadata value and apply NFC; ``None`` gives ``""``."""
    if value is None:
        return ""
    text = _SPACES.sub(" ", str(value)).strip()
    return unicodedata.normalize("NFC", text.replace("\x00", ""))


def outlet_from_url(url: str) -> str:
    """Hostname of ``url`` without ``www.``, as the outlet of last resort."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def valid_date(value: str) -> str:
    """``value`` if it is a partial date Dossier accepts, else ``""``."""
    value = clean_field(value)[:10]
    if not value:
        return ""
    try:
        return parse_partial_date(value)
    except ValidationError:
        return ""


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
    extra: dict[str, object] | None = None,
) -> ParsedArticle:
    """Normalise converter output into a :class:`ParsedArticle`.

    Metadata wins over guesses from the text: the title falls back to the first
    meaningful line, the date to a date in the first lines, the outlet to the
    URL's hostname.

    Raises:
        IngestError: the text is empty after normalisation ("no text found").
    """
    body = normalise_text(text).strip()
    if not body:
        raise IngestError(source, "no text found")
    title, suffix_outlet = split_outlet_suffix(clean_field(title) or find_title(body))
    url = clean_field(url)
    return ParsedArticle(
        source=source,
        original_name=PurePosixPath(name.replace("\\", "/")).name,
        title=title or PurePosixPath(name).stem,
        text=body,
        language=detect_language(body),
        outlet=clean_field(outlet) or suffix_outlet or outlet_from_url(url),
        url=url,
        author=clean_field(author),
        published=valid_date(published) or find_date(body),
        extra={k: clean_field(v) for k, v in (extra or {}).items() if clean_field(v)},
    )
