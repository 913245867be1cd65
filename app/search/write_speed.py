"""CPU savings in Whoosh's segment writing that leave the files readable as before.

Applied by :func:`tune` to every writer :class:`~app.search.index.SearchIndex` opens:

- Postings skip Whoosh's sorting pool: they are grouped by field and term as
  documents are added and written term by term (:mod:`app.search.segment_postings`);
  a segment merge reads the merged segments term by term. This also stops a
  document refused halfway from leaving its first fields' postings behind (Whoosh
  pools them at once, and the next document, taking the same number, inherited them).
- Blocks of fewer than :data:`COMPRESS_FROM` postings are stored uncompressed: most
  terms have a block of one to a few postings, and ``zlib.compress`` then costs more
  (a fresh compressor per call) than it saves. Each block records its compression
  level, so readers (Whoosh's and app.search.postings) decode both kinds, and old
  indexes need no rebuild.
- Each text field of the fused tokenizers of :mod:`app.search.analysis` (every body
  and title field) is split into words once per document and value (the stemmed and
  exact fields share the split), and its words and positions are collected in one
  loop (:meth:`~app.search.analysis._CachedTokenizer.word_positions`) instead of a
  generator of Token objects, then encoded by :func:`encode_positions`.

Nothing here changes which terms, positions, weights or lengths are written:
tests/search/test_write_speed.py compares every segment file byte for byte with
Whoosh's writer (given the small-block rule).
"""

from __future__ import annotations

from operator import sub
from pickle import dumps
from types import MethodType
from typing import Any

from whoosh.codec.whoosh3 import W3Codec
from whoosh.formats import Positions
from whoosh.system import pack_uint

from app.search.analysis import _CachedTokenizer
from app.search.segment_postings import (
    COMPRESS_FROM,
    SegmentPostings,
    stored_length,
    write_postings,
)

__all__ = ["COMPRESS_FROM", "tune"]


def _flush_segment(self: Any) -> None:
    """``SegmentWriter._flush_segment`` writing the grouped postings term by term."""
    self.perdocwriter.close()
    if self.pool.current or self.pool.runs:  # every way in is replaced by tune()
        raise RuntimeError("tuned writer: postings reached Whoosh's pool")
    write_postings(self.fieldwriter, self.schema, self._dossier_postings.terms())
    self.fieldwriter.close()


def _add_postings_to_pool(self: Any, reader: Any, startdoc: int,
                          docmap: dict[int, int] | None) -> None:
    """A merged segment's postings are read from ``reader`` when flushing."""
    self._dossier_postings.add_reader(reader, startdoc, docmap)


Items = list[tuple[bytes, int, float, bytes]]


def _fast_items(field: Any, value: Any, words: dict[tuple[str, str], list[str]]) -> Items | None:
    """``field.index(value)`` for a positions field of a fused tokenizer, or None when
    the field or value is of another kind (then Whoosh's own path runs). ``words``
    keeps the document's split texts: a body and a title are each analysed by
    several fields with the same word pattern."""
    fmt = field.format
    analyzer = field.analyzer
    if (type(fmt) is not Positions or not isinstance(analyzer, _CachedTokenizer)
            or not isinstance(value, str)
            or type(fmt).encode is not _POSITIONS_ENCODE):
        return None
    key = (analyzer.pattern, value)
    split = words.get(key)
    if split is None:
        split = words[key] = analyzer.split(value)
    boost = fmt.field_boost
    return [(text.encode("utf-8"), len(poses), _weight(len(poses), boost),
             encode_positions(poses))
            for text, poses in analyzer.word_positions(value, split).items()]


def _weight(count: int, boost: float) -> float:
    """``float(count) * boost`` (Positions' weight), a shared float when it can be."""
    if boost == 1.0 and count < len(_WEIGHTS):
        return _WEIGHTS[count]
    return float(count) * boost


_WEIGHTS = [float(n) for n in range(256)]
"""A word's weight is its count as a float (times the format's boost): shared
objects for the common counts, 24 bytes less for each posting held."""


_POSITIONS_ENCODE = Positions.encode


def encode_positions(poses: list[int]) -> bytes:
    """``Positions.encode(poses)``: the count, then the pickled position deltas (a
    word's first position is its own delta; most words occur once)."""
    if len(poses) == 1:
        return _ONE + dumps(poses, 2)
    return pack_uint(len(poses)) + dumps([poses[0], *map(sub, poses[1:], poses)], 2)


_ONE = pack_uint(1)


def _add_document(self: Any, **fields: Any) -> None:
    """``SegmentWriter.add_document`` (Whoosh 2.7) with :func:`_fast_items` for text
    fields; the rest is Whoosh's code, kept in its order."""
    self._check_state()
    perdocwriter = self.perdocwriter
    schema = self.schema
    docnum = self.docnum
    grouped = self._dossier_postings
    words: dict[tuple[str, str], list[str]] = {}
    staged = []  # postings join the segment's only once the whole document is read
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
                items = _fast_items(field, value, words)
                if items is None:
                    items = list(field.index(value))
                if field.scorable:
                    length = sum(item[1] for item in items)
                staged.append((grouped.field(fieldname), items, fieldboost,
                               stored_length(length)))
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
    for terms, items, fieldboost, posting_length in staged:
        if fieldboost == 1.0:  # weight * 1.0 is weight: keep the (shared) float
            for tbytes, _freq, weight, vbytes in items:
                terms[tbytes] += (docnum, weight, vbytes, posting_length)
        else:
            for tbytes, _freq, weight, vbytes in items:
                terms[tbytes] += (docnum, weight * fieldboost, vbytes, posting_length)
    perdocwriter.finish_doc()
    self._added = True
    self.docnum += 1


def tune(writer: Any) -> Any:
    """Apply the savings to one Whoosh ``SegmentWriter`` (others pass unchanged).

    Returns ``writer``. Only writers of Whoosh's default codec with its default
    settings that never inline postings, for schemas without spelling or vectors,
    are changed; any other keeps Whoosh's own behaviour.
    """
    fieldwriter: Any = getattr(writer, "fieldwriter", None)
    codec: Any = getattr(fieldwriter, "_codec", None)
    if (type(codec) is not W3Codec or codec._inlinelimit > 1
            or not hasattr(writer, "_flush_segment")
            or any(field.separate_spelling() or field.vector
                   for _name, field in writer.schema.items())):
        return writer
    writer._dossier_postings = SegmentPostings(writer.storage, writer.schema)
    writer._flush_segment = MethodType(_flush_segment, writer)
    writer.add_postings_to_pool = MethodType(_add_postings_to_pool, writer)
    writer.add_document = MethodType(_add_document, writer)
    return writer
