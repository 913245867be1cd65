"""Which converter reads which file type, and :func:`parse_bytes`, the single dispatch.

Every converter has the signature ``(data, name, source) -> ParsedArticle`` and
raises :class:`IngestError`; its errors are re-raised here with the source filled in.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import PurePosixPath

from app.core.errors import IngestError
from app.ingest.article import ParsedArticle
from app.ingest.htmlpage import parse_html_page
from app.ingest.limits import MAX_FILE_BYTES, human_size
from app.ingest.pdfdoc import parse_pdf
from app.ingest.plaintext import parse_markdown, parse_text
from app.ingest.worddoc import parse_docx

log = logging.getLogger(__name__)

Converter = Callable[[bytes, str, str], ParsedArticle]

CONVERTERS: dict[str, Converter] = {
    ".txt": parse_text,
    ".md": parse_markdown,
    ".markdown": parse_markdown,
    ".html": parse_html_page,
    ".htm": parse_html_page,
    ".xhtml": parse_html_page,
    ".pdf": parse_pdf,
    ".docx": parse_docx,
}
ARCHIVE_SUFFIX = ".zip"
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(CONVERTERS) | {ARCHIVE_SUFFIX}


def suffix_of(name: str) -> str:
    """Lower-case suffix of a file or member name (``"A.HTML"`` -> ``".html"``)."""
    return PurePosixPath(name.replace("\\", "/")).suffix.lower()


def check_size(size: int, source: str) -> None:
    """Refuse input larger than :data:`MAX_FILE_BYTES`, naming both sizes."""
    if size > MAX_FILE_BYTES:
        raise IngestError(
            source,
            f"file is {human_size(size)}, above the {human_size(MAX_FILE_BYTES)} limit",
        )


def parse_bytes(name: str, data: bytes, source: str = "") -> ParsedArticle:
    """Parse one file's content, choosing the converter by the suffix of ``name``.

    Args:
        name: file name (its suffix selects the format).
        data: the whole file content.
        source: display path for messages and the article; defaults to ``name``.

    Raises:
        IngestError: the file cannot be imported; ``reason`` says why.
    """
    source = source or name
    suffix = suffix_of(name)
    if suffix == ARCHIVE_SUFFIX:
        raise IngestError(source, "a zip archive holds many articles: use parse_file")
    converter = CONVERTERS.get(suffix)
    if converter is None:
        raise IngestError(source, f"unsupported file type '{suffix or name}'")
    check_size(len(data), source)
    try:
        return converter(data, name, source)
    except IngestError as exc:
        raise IngestError(source, exc.reason) from None
    except RecursionError:
        raise IngestError(source, "file is nested too deeply to be read") from None
    except Exception as exc:  # a library bug in one file must not stop a whole import
        log.exception("unexpected error reading %s", source)
        raise IngestError(source, f"could not be read ({type(exc).__name__}: {exc})") from None
