"""CPU savings in Whoosh's segment writing that leave the files readable as before.

A profile of importing 1,028 articles (tests/bench/bench_core.py "ours") spent most of
its index time in Whoosh's commit, and two costs there are pure overhead:

- For every posting (term x document, ~480,000 here) Whoosh looks up the document's
  field length in the per-document column it has just written, through four Python
  calls and a file read. A segment has one length per (field, document), so the
  lengths are remembered after the first look-up.
- Every posting list block is zlib-compressed, and most terms have a block of one to
  a few postings: ``zlib.compress`` then costs more (a fresh compressor per call) than
  it saves bytes. Whoosh meant to skip compressing tiny blocks (a comment says so) but
  the check is overwritten. Blocks with fewer than :data:`COMPRESS_FROM` postings are
  stored uncompressed; each block records its compression level, so readers (Whoosh's
  and app.search.postings) decode both kinds, and old indexes need no rebuild.

Nothing here changes which terms, positions, weights or lengths are written.
"""

from __future__ import annotations

from types import MethodType
from typing import Any

from whoosh.codec.whoosh3 import W3Codec, W3PostingsWriter

COMPRESS_FROM = 8
"""Posting blocks with fewer postings than this are not compressed."""


class _Lengths:
    """A per-document reader whose field lengths are remembered per (document, field)."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._known: dict[tuple[int, str], int] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        key = (docnum, fieldname)
        length = self._known.get(key)
        if length is None:
            length = self._known[key] = self._reader.doc_field_length(docnum, fieldname,
                                                                      default)
        return length


class _PostingsWriter(W3PostingsWriter):
    """Whoosh's postings writer, not compressing blocks of few postings."""

    def _write_block(self, last: bool = False) -> None:
        if len(self._ids) >= COMPRESS_FROM:
            super()._write_block(last)
            return
        level: int = getattr(self, "_compression")  # noqa: B009  (set by Whoosh, untyped)
        self._compression = 0
        try:
            super()._write_block(last)
        finally:
            self._compression = level


class _Codec(W3Codec):
    """The default codec (same settings), handing out :class:`_PostingsWriter`."""

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> Any:
        return _PostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                               compression=self._compression,
                               inlinelimit=self._inlinelimit)


def _flush_segment(self: Any) -> None:
    """``SegmentWriter._flush_segment`` with remembered field lengths."""
    self.perdocwriter.close()
    pdr = self.per_document_reader() if self.codec.length_stats else None
    lengths = _Lengths(pdr) if pdr is not None else None
    self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
    self.fieldwriter.close()
    if pdr is not None:
        pdr.close()


def tune(writer: Any) -> Any:
    """Apply the savings to one Whoosh ``SegmentWriter`` (others pass unchanged).

    Returns ``writer``. Only writers using Whoosh's default codec are changed, so a
    codec with other settings keeps its own behaviour.
    """
    fieldwriter: Any = getattr(writer, "fieldwriter", None)
    codec: Any = getattr(fieldwriter, "_codec", None)
    if type(codec) is not W3Codec or not hasattr(writer, "_flush_segment"):
        return writer
    fieldwriter._codec = _Codec(blocklimit=codec._blocklimit, compression=codec._compression,
                                inlinelimit=codec._inlinelimit)
    writer._flush_segment = MethodType(_flush_segment, writer)
    return writer
