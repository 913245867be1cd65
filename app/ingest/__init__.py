"""File -> normalised article: txt, md, html, pdf, docx and zip archives of these.

No database access and no network: the service layer stores what this package
returns. Imports only :mod:`app.core` and the parsing libraries.

Typical use::

    for item in read_sources(paths, progress=report, cancel=token, on_skip=skipped.append):
        if isinstance(item, IngestFailure): ...  # could not be imported: say why
        else: store(item)                        # item.notes and item.trim: report them
    # skipped: SkippedEntry per folder entry not imported (pipe, .jpg, link to a folder)
"""

from app.core.import_notes import SkippedEntry, TrimSuggestion
from app.ingest.article import IngestFailure, ParsedArticle
from app.ingest.formats import SUPPORTED_SUFFIXES, parse_bytes
from app.ingest.language import detect_language
from app.ingest.limits import (
    MAX_COMPRESSION_RATIO,
    MAX_FILE_BYTES,
    MAX_ZIP_DEPTH,
    MAX_ZIP_MEMBERS,
    MAX_ZIP_TOTAL_BYTES,
)
from app.ingest.reader import discover, parse_file, read_sources
from app.ingest.walk import discover_all, display_path

__all__ = [
    "MAX_COMPRESSION_RATIO",
    "MAX_FILE_BYTES",
    "MAX_ZIP_DEPTH",
    "MAX_ZIP_MEMBERS",
    "MAX_ZIP_TOTAL_BYTES",
    "SUPPORTED_SUFFIXES",
    "IngestFailure",
    "ParsedArticle",
    "SkippedEntry",
    "TrimSuggestion",
    "detect_language",
    "discover",
    "discover_all",
    "display_path",
    "parse_bytes",
    "parse_file",
    "read_sources",
]
