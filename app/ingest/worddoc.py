"""Word ``.docx`` files: paragraphs and tables in order, core properties as metadata.

A ``.docx`` is a zip, so it passes the same pre-extraction checks as an
imported archive (member count, expanded size, compression ratio) before
python-docx opens it.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from app.core.errors import IngestError
from app.ingest.article import ParsedArticle, build_article
from app.ingest.zipsafety import check_archive, member_problem

_WHAT = "Word document"
_TEMPLATE_CREATED = dt.datetime(2013, 12, 23, 23, 15, tzinfo=dt.UTC)
"""python-docx's default template carries this date and the author "python-docx"."""


def _check_package(data: bytes) -> None:
    """Refuse a .docx that is not a zip or that would expand dangerously."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise IngestError("", "not a Word document (.docx is not a zip archive)")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        check_archive(archive, _WHAT)
        for info in archive.infolist():
            problem = member_problem(info)
            if problem:
                raise IngestError("", f"{_WHAT} refused: {problem}")


def _open(data: bytes) -> docx.document.Document:
    """Open a checked .docx, translating python-docx's errors."""
    _check_package(data)
    try:
        return docx.Document(io.BytesIO(data))
    except PackageNotFoundError:
        raise IngestError("", "not a Word document (no document part)") from None
    except (KeyError, ValueError, zipfile.BadZipFile, etree.LxmlError) as exc:
        raise IngestError("", f"Word document is damaged ({exc})") from None


def _table_lines(table: Table) -> list[str]:
    """One line per table row, cells separated by tabs (merged cells once)."""
    lines = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if not cells or cells[-1] != text:
                cells.append(text)
        lines.append("\t".join(cells))
    return lines


def _body(document: docx.document.Document) -> tuple[str, str]:
    """The document text and its first Title/Heading paragraph."""
    lines: list[str] = []
    heading = ""
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
            style = block.style.name if block.style is not None else ""
            if not heading and style.startswith(("Title", "Heading")) and block.text.strip():
                heading = block.text
        elif isinstance(block, Table):
            lines.extend(_table_lines(block))
    return "\n".join(lines), heading


def _core(document: docx.document.Document) -> dict[str, str]:
    """Title, author and creation date, skipping python-docx's template defaults."""
    props = document.core_properties
    created = props.created
    is_template = created == _TEMPLATE_CREATED and props.author == "python-docx"
    return {
        "title": props.title or "",
        "author": "" if is_template else props.author or "",
        "published": "" if is_template or created is None else created.date().isoformat(),
    }


def parse_docx(data: bytes, name: str, source: str) -> ParsedArticle:
    """A Word document: body text in reading order, core properties for metadata."""
    document = _open(data)
    text, heading = _body(document)
    meta = _core(document)
    meta["title"] = meta["title"] or heading
    props = document.core_properties
    extra = {"subject": props.subject, "keywords": props.keywords, "category": props.category}
    return build_article(source=source, name=name, text=text, extra=extra, **meta)
