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

- Adding a document runs each text field's analyzer as a generator of Token objects
  and Whoosh's positions format collects them word by word. For the fields analysed
  by the fused tokenizers of :mod:`app.search.analysis` (every body and title field),
  the words and their positions are collected in one loop instead
  (:meth:`~app.search.analysis._CachedTokenizer.word_positions`) and encoded by the
  field's own format, so the postings are the same bytes.

Nothing here changes which terms, positions, weights or lengths are written.
"""

from __future__ import annotations

from types import MethodType
from typing import Any

from whoosh.codec.whoosh3 import W3Codec, W3PostingsWriter
from whoosh.formats import Positions

from app.search.analysis import _CachedTokenizer

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


def _fast_items(field: Any, value: Any) -> list[tuple[bytes, int, float, bytes]] | None:
    """``field.index(value)`` for a positions field of a fused tokenizer, or None when
    the field or value is of another kind (then Whoosh's own path runs)."""
    fmt = field.format
    analyzer = field.analyzer
    if (type(fmt) is not Positions or not isinstance(analyzer, _CachedTokenizer)
            or not isinstance(value, str)):
        return None
    boost = fmt.field_boost
    encode = fmt.encode
    return [(text.encode("utf-8"), len(poses), float(len(poses)) * boost, encode(poses))
            for text, poses in analyzer.word_positions(value).items()]


def _add_document(self: Any, **fields: Any) -> None:
    """``SegmentWriter.add_document`` (Whoosh 2.7) with :func:`_fast_items` for text
    fields; the rest is Whoosh's code, kept in its order."""
    self._check_state()
    perdocwriter = self.perdocwriter
    schema = self.schema
    docnum = self.docnum
    add_post = self.pool.add
    docboost = self._doc_boost(fields)
    fieldnames = sorted(name for name in fields if not name.startswith("_"))
    self._check_fields(schema, fieldnames)
    perdocwriter.start_doc(docnum)
    try:
        for fieldname in fieldnames:
            value = fields.get(fieldname)
            if value is None:
                continue
            field = schema[fieldname]
            length = 0
            if field.indexed:
                fieldboost = self._field_boost(fields, fieldname, docboost)
                items = _fast_items(field, value)
                if items is None:
                    items = field.index(value)
                scorable = field.scorable
                for tbytes, freq, weight, vbytes in items:
                    if scorable:
                        length += freq
                    add_post((fieldname, tbytes, docnum, weight * fieldboost, vbytes))
            if field.separate_spelling() or field.vector:
                raise NotImplementedError(f"tuned writer: field {fieldname} needs spelling "
                                          "or vectors, which Dossier's schema never uses")
            customval = fields.get(f"_stored_{fieldname}", value)
            perdocwriter.add_field(fieldname, field, customval if field.stored else None,
                                   length)
            column = field.column_type
            if column and customval is not None:
                perdocwriter.add_column_value(fieldname, column,
                                              field.to_column_value(customval))
    except Exception:
        perdocwriter.cancel_doc()
        raise
    perdocwriter.finish_doc()
    self._added = True
    self.docnum += 1


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
    if not any(field.separate_spelling() or field.vector
               for _name, field in writer.schema.items()):
        writer.add_document = MethodType(_add_document, writer)
    return writer
