"""File -> normalised article: txt, md, html, pdf, docx and zip archives of these.

No database access and no network: the service layer stores what this package
returns. Imports only :mod:`app.core` and the parsing libraries.

Typical use::

    for item in read_sources(paths, progress=report, cancel=token):
        if isinstance(item, IngestFailure): ...
        else: store(item)
"""

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

__all__ = [
    "MAX_COMPRESSION_RATIO",
    "MAX_FILE_BYTES",
    "MAX_ZIP_DEPTH",
    "MAX_ZIP_MEMBERS",
    "MAX_ZIP_TOTAL_BYTES",
    "SUPPORTED_SUFFIXES",
    "IngestFailure",
    "ParsedArticle",
    "detect_language",
    "discover",
    "parse_bytes",
    "parse_file",
    "read_sources",
]
