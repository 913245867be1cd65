"""HTML news pages: main text and metadata with trafilatura, never fetched.

trafilatura only ever sees the string read from disk (no URL is passed, so it
downloads nothing). If it finds no main text, the sanitised full text of the page
is used instead (see :mod:`app.ingest.htmltext`); only a page with no text at
all is refused.
"""

from __future__ import annotations

import logging
from typing import Any

import trafilatura

from app.core.errors import IngestError
from app.ingest.article import ParsedArticle, build_article
from app.ingest.decoding import decode_text
from app.ingest.htmltext import html_title, html_to_text

log = logging.getLogger(__name__)

_EXTRA_FIELDS = ("description", "sitename", "hostname", "categories", "tags", "license", "image")


def _extract(markup: str) -> dict[str, Any]:
    """trafilatura's main text and metadata as a dict (empty if it found nothing)."""
    try:
        document = trafilatura.bare_extraction(
            markup, with_metadata=True, include_comments=False, include_tables=True
        )
    except Exception as exc:  # trafilatura raises many types on odd markup
        log.warning("trafilatura failed (%s); using full-text fallback", exc)
        return {}
    if document is None:
        return {}
    return document.as_dict() if hasattr(document, "as_dict") else dict(document)


def _joined(value: object) -> str:
    """A metadata value as one string (lists joined with commas)."""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value if item)
    return "" if value is None else str(value)


def parse_html_page(data: bytes, name: str, source: str) -> ParsedArticle:
    """An HTML file: trafilatura's main text and metadata, or the full text as fallback."""
    decoded = decode_text(data, declared=True)
    markup = decoded.text
    if not markup.strip():
        raise IngestError("", "no text found")
    found = _extract(markup)
    text = found.get("text") or ""
    extra = {key: _joined(found.get(key)) for key in _EXTRA_FIELDS}
    if not text.strip():
        text = html_to_text(markup)
        extra["extraction"] = "full text (no main text found)"
    if not text.strip():
        raise IngestError("", "no text found in the HTML page")
    return build_article(
        source=source,
        name=name,
        text=text,
        title=found.get("title") or html_title(markup),
        url=found.get("url") or "",
        outlet=found.get("sitename") or "",
        author=found.get("author") or "",
        published=found.get("date") or "",
        extra=extra,
        notes=(decoded.note,) if decoded.note else (),
    )
