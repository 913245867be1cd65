"""PDF files: the text layer via pypdf, document info for metadata.

A PDF without a text layer (a scan) is refused with a reason that says so;
OCR is out of scope. pypdf's many exception types are translated into one
:class:`IngestError` naming the damage.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Mapping
from typing import Any

import pypdf
from pypdf.errors import FileNotDecryptedError, PyPdfError

from app.core.errors import IngestError
from app.ingest.article import ParsedArticle, build_article
from app.ingest.limits import MAX_PDF_PAGES

log = logging.getLogger(__name__)

_PDF_DATE = re.compile(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?")
_GENERATOR_TITLE = re.compile(
    r"^(Microsoft Word - |untitled$)|\.(docx?|pdf|rtf|odt)$", re.IGNORECASE
)
_TAIL_BYTES = 2048


def _open(data: bytes) -> pypdf.PdfReader:
    """Open ``data`` as a PDF, refusing non-PDFs, truncated files and locked files."""
    if b"%PDF-" not in data[:1024]:
        raise IngestError("", "not a PDF file (no %PDF header)")
    if b"%%EOF" not in data[-_TAIL_BYTES:]:
        raise IngestError("", "PDF is damaged (truncated)")
    reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        raise IngestError("", "PDF is encrypted with a password")
    return reader


def pdf_date(value: object) -> str:
    """Partial ISO date of a PDF date string (``D:20251106...`` -> ``2025-11-06``)."""
    match = _PDF_DATE.match(str(value or "").strip())
    if not match:
        return ""
    return "-".join(part for part in match.groups() if part)


def _metadata(reader: pypdf.PdfReader) -> dict[str, str]:
    """Title, author, date and producer from the document information dictionary."""
    info: Mapping[str, Any] = reader.metadata or {}
    title = str(info.get("/Title") or "").strip()
    return {
        "title": "" if _GENERATOR_TITLE.search(title) else title,
        "author": str(info.get("/Author") or ""),
        "published": pdf_date(info.get("/CreationDate")),
        "subject": str(info.get("/Subject") or ""),
        "keywords": str(info.get("/Keywords") or ""),
        "producer": str(info.get("/Producer") or ""),
        "creator": str(info.get("/Creator") or ""),
    }


def _text(reader: pypdf.PdfReader) -> str:
    """The text layer of every page, pages separated by a blank line."""
    if len(reader.pages) > MAX_PDF_PAGES:
        raise IngestError(
            "", f"PDF has {len(reader.pages)} pages, above the limit of {MAX_PDF_PAGES}"
        )
    return "\n\n".join((page.extract_text() or "").strip() for page in reader.pages)


def _read(data: bytes) -> tuple[str, dict[str, str]]:
    """Text and metadata of a PDF, with pypdf's errors translated."""
    try:
        reader = _open(data)
        return _text(reader), _metadata(reader)
    except IngestError:
        raise
    except FileNotDecryptedError:
        raise IngestError("", "PDF is encrypted with a password") from None
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        log.debug("pypdf failed", exc_info=True)
        raise IngestError("", f"PDF is damaged ({exc or type(exc).__name__})") from None


def parse_pdf(data: bytes, name: str, source: str) -> ParsedArticle:
    """A PDF file: its text layer, title/author/date from its document info."""
    text, meta = _read(data)
    if not text.strip():
        raise IngestError("", "no text layer (scanned PDF?)")
    extra = {key: meta.pop(key) for key in ("subject", "keywords", "producer", "creator")}
    return build_article(source=source, name=name, text=text, extra=extra, **meta)
