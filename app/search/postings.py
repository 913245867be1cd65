"""A segment's postings for bulk scoring (see :mod:`app.search.bulk`): read whole,
kept on the segment's reader.

A term's posting list is read with one read (its extent from the term info) and its
blocks decoded from memory (ids and weights; positions are never decoded), deleted
documents dropped, and each posting's field-length byte attached from the segment's
length column (read once). A segment's postings never change (a changed segment gets
a new reader), so the reader keeps them, least recently used first out.
"""

from __future__ import annotations

import zlib
from array import array
from collections import OrderedDict
from collections.abc import Iterator
from io import BytesIO
from itertools import accumulate, repeat
from pickle import load, loads
from typing import Any

from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3LeafMatcher,
    W3TermsReader,
    _lenfield,
)
from whoosh.filedb.structfile import BufferFile
from whoosh.reading import SegmentReader
from whoosh.system import unpack_int

from app.search.lexicon import term_info

CACHED_POSTINGS = 250_000
"""Postings each segment reader keeps between queries (13 bytes each: id, weight as
a double, as Whoosh reads it, and field-length byte; about 3.5 MB per segment at most,
with the term infos of :data:`app.search.lexicon.CACHED_TERMS` about 10 MB: the
indexer keeps a handful of segments, and the 100,000-article memory target is 500 MB)."""


def is_w3(reader: Any) -> bool:
    """Whether ``reader`` is a Whoosh 3 segment (what this module can read)."""
    return isinstance(reader, SegmentReader) and isinstance(reader._terms, W3TermsReader)


def postings(reader: Any, fieldname: str, tbytes: bytes) -> tuple[Any, Any, Any] | None:
    """``(ids, weights, length bytes)`` of a term's live postings in this segment
    (empty if the term is not in it), or None if the segment is not a Whoosh 3
    segment (then the caller uses Whoosh's matcher). Cached on the reader (LRU)."""
    if not is_w3(reader):
        return None
    cache = _postings_cache(reader)
    key = (fieldname, tbytes)
    hit = cache.get(key)
    if hit is not None:
        cache.move_to_end(key)
        return hit
    found = _read_postings(reader, fieldname, tbytes)
    cache[key] = found
    cache.size += 1 + len(found[0])  # an absent term costs an entry too
    while cache.size > CACHED_POSTINGS and len(cache) > 1:
        _old, dropped = cache.popitem(last=False)
        cache.size -= 1 + len(dropped[0])
    return found


class _LRU(OrderedDict[tuple[str, bytes], tuple[Any, Any, Any]]):
    """An LRU dict that knows how many postings it holds."""

    size = 0


def doc_frequency(reader: Any, fieldname: str, tbytes: bytes) -> int:
    """The segment's document frequency of a term (deleted documents included, as
    Whoosh counts it)."""
    if not is_w3(reader):
        return int(reader.doc_frequency(fieldname, tbytes))
    info = term_info(reader, fieldname, tbytes)
    return 0 if info is None else int(info.doc_frequency())


def _postings_cache(reader: Any) -> Any:
    cache = reader.__dict__.get("_dossier_postings")
    if cache is None:
        cache = reader.__dict__["_dossier_postings"] = _LRU()
    return cache


def _read_postings(reader: Any, fieldname: str, tbytes: bytes) -> tuple[Any, Any, Any]:
    """Read a term's postings block by block (ids and weights only; positions are
    never decoded), drop deleted documents and attach each one's length byte."""
    info = term_info(reader, fieldname, tbytes)
    if info is None:
        return array("I"), array("d"), b""
    if info.is_inlined():
        ids_t, weights_t, _values = info.inlined_postings()
        ids, weights = array("I", ids_t), array("d", weights_t)
    else:
        offset, length = info.extent()
        if isinstance(length, tuple):  # W3TermInfo.from_bytes leaves it as struct's tuple
            length = length[0]
        ids, weights = decode_ids_weights(reader._terms._postfile.get(offset, length))
    deleted = reader.deleted_docs_set
    if deleted:
        keep = [i for i, d in enumerate(ids) if d not in deleted]
        ids = array("I", (ids[i] for i in keep))
        weights = array("d", (weights[i] for i in keep))
    lengths = length_column(reader, fieldname)
    lens = None if lengths is None else bytes(map(lengths.__getitem__, ids))
    return ids, weights, lens


def raw_blocks(data: bytes) -> Iterator[tuple[int, tuple[int, ...], Any, Any]]:
    """Each block of a term's posting list (Whoosh 3 bytes) as ``(count, id deltas,
    weights, values)``, still minified as the writer stored them; decoded without
    Whoosh's reader objects (whose Python loop over the id deltas was most of a long
    list's first read). Shared by search and by segment merging."""
    stream = BytesIO(data)
    if stream.read(4) != WHOOSH3_HEADER_MAGIC:
        raise ValueError("not a Whoosh 3 posting list")
    last = False
    while not last:
        (length,) = unpack_int(stream.read(4))
        last = length < 0
        end = stream.tell() + abs(length)
        count, _maxid, _maxweight, level, _low, _high = load(stream)
        block = stream.read(end - stream.tell())
        deltas, weights, values = loads(zlib.decompress(block) if level else block)
        yield count, deltas, weights, values


def block_weights(count: int, weights: Any) -> Any:
    """A block's weights as Whoosh's reader gives them: 1.0 each when none were stored,
    one 32-bit float repeated, or the stored tuple."""
    if weights is None:
        return repeat(1.0, count)
    if isinstance(weights, float):
        return repeat(array("f", (weights,))[0], count)
    return weights


def decode_ids_weights(data: bytes) -> tuple[array[int], array[float]]:
    """The ids and weights of a term's posting list, as Whoosh's reader gives them."""
    ids: array[int] = array("I")
    weights: array[float] = array("d")
    for count, deltas, stored, _values in raw_blocks(data):
        ids.extend(accumulate(deltas))
        weights.extend(block_weights(count, stored))
    return ids, weights


def posting_blocks(reader: Any, info: Any, fieldname: str) -> W3LeafMatcher:
    """A Whoosh 3 posting reader over the term's whole posting list, read in one go
    (Whoosh reads each block's header, info and data separately: a dozen small reads
    per term and segment, most of a wildcard's first search)."""
    offset, length = info.extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes leaves it as struct's tuple
        length = length[0]
    data = reader._terms._postfile.get(offset, length)
    return W3LeafMatcher(BufferFile(data), 0, length, reader.schema[fieldname].format)


def length_column(reader: Any, fieldname: str) -> bytes | None:
    """The segment's field-length column as one bytes object (one read, cached)."""
    columns = reader.__dict__.setdefault("_dossier_lengths", {})
    if fieldname in columns:
        return columns[fieldname]
    perdoc = reader._perdoc
    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:
        columns[fieldname] = None
        return None
    doc_count = perdoc.doc_count_all()
    count = min(column._count, doc_count)
    data = column._dbfile.get(column._basepos, count) if count else b""
    default = column._default & 0xFF
    columns[fieldname] = data = bytes(data) + bytes([default]) * (doc_count - count)
    return data
