"""A new segment's postings written term by term, without Whoosh's posting pool.

Whoosh's writer puts every posting (term x document: ~480,000 for 1,028 articles in
Dossier's schema) into a sorting pool as a tuple, sorts them all (spilling runs to
disk past the pool's memory limit), and then hands them one by one to the field
writer, which buffers each in a block through several Python calls and asks the
per-document reader for the posting's field length. A profile of importing 1,028
articles spent half of its CPU time there.

Here the writer groups its postings by field and term as it adds documents
(:class:`SegmentPostings`), and a segment merge hands over its readers instead of
their postings; the flush then walks the terms in order, reading each merged
segment's posting list whole, and encodes every term's blocks at once
(:func:`write_postings`). The bytes are Whoosh's: the same pickled blocks, block
headers, compression rule (:data:`COMPRESS_FROM`), term infos and term table, so
Whoosh and :mod:`app.search.postings` read the segments as before
(tests/search/test_write_speed.py compares the files byte for byte).

Memory: the new documents' postings of one writer are held (one batch of at most
2,000 articles in Dossier: about 65 MB); merged segments are read one term at a time,
through two :data:`WINDOW` buffers each.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import struct
import zlib
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterator
from operator import sub
from pickle import dumps
from typing import Any

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.reading import SegmentReader
from whoosh.system import pack_int, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

from app.search.postings import block_weights, is_w3, length_column, raw_blocks

COMPRESS_FROM = 8
"""Posting blocks with fewer postings than this are not compressed (a fresh zlib
compressor per call costs more than it saves on a few postings)."""

Postings = list[Any]
"""A term's postings as one flat list, four items each: document number, weight,
encoded value, field length (or None), as Whoosh's field writer receives them.
(Four list slots cost 32 bytes a posting; a tuple each would add 56 more.)"""

SLOTS = 4

Terms = Iterator[tuple[str, bytes, Postings]]

_STORED_LENGTH = [0] + [byte_to_length(b) for b in range(1, 256)]
"""A stored length byte's length: what the field writer reads back per posting."""


def stored_length(length: int) -> int | None:
    """The field length a posting gets in the segment: Whoosh stores lengths as one
    byte (lossy above a few dozen) and the field writer reads them back from there;
    a zero length is not stored (None)."""
    return _STORED_LENGTH[length_to_byte(length)] if length else None


class SegmentPostings:
    """A writer's postings, grouped by field and term, in document order.

    Sources come in document-number order: groups of added documents and merged
    segment readers (whose documents are numbered from where the writer stood).
    """

    def __init__(self, storage: Any, schema: Any) -> None:
        self._storage = storage
        self._schema = schema
        self._sources: list[Callable[[], Terms]] = []  # each gives its terms when flushing
        self._added: dict[str, defaultdict[bytes, Postings]] = {}

    def field(self, fieldname: str) -> defaultdict[bytes, Postings]:
        """The term -> postings map of the documents being added, for one field."""
        terms = self._added.get(fieldname)
        if terms is None:
            terms = self._added[fieldname] = defaultdict(list)
        return terms

    def add_reader(self, reader: Any, basedoc: int, docmap: dict[int, int] | None) -> None:
        """Take a merged segment's postings from ``reader`` when flushing: document
        ``d`` becomes ``docmap[d]`` (deleted documents are not in it) or
        ``basedoc + d`` when the segment has no deletions."""
        self._close_group()
        segment = reader.segment() if callable(getattr(reader, "segment", None)) else None
        if segment is None:  # not a segment on disk: its postings are taken now
            taken = list(_generic_reader_terms(reader, basedoc, docmap))
            self._sources.append(lambda: iter(taken))
        else:  # Whoosh closes the reader at once: the segment is opened again to flush
            check = getattr(reader, "check_interrupt", None)
            self._sources.append(functools.partial(
                _segment_terms, self._storage, self._schema, segment, basedoc, docmap, check))

    def terms(self) -> Terms:
        """Every (field, term, postings) of the segment in the field writer's order:
        by field name, then term bytes; postings by document number."""
        self._close_group()
        streams = [source() for source in self._sources]
        if len(streams) == 1:
            yield from streams[0]
            return
        # Sources hold consecutive document numbers, in order: a term's postings are
        # the concatenation of its postings in each source, taken in source order.
        merged = heapq.merge(*(_ranked(stream, rank) for rank, stream in enumerate(streams)))
        for (fieldname, text), group in itertools.groupby(merged, key=_term_of):
            parts = [postings for _key, postings in group]
            yield fieldname, text, (parts[0] if len(parts) == 1
                                    else [item for part in parts for item in part])

    def _close_group(self) -> None:
        if self._added:
            self._sources.append(functools.partial(_added_terms, self._added))
            self._added = {}


def _ranked(stream: Terms, rank: int) -> Iterator[tuple[tuple[str, bytes, int], Postings]]:
    """A source's terms keyed for merging (the rank orders a term's sources)."""
    for fieldname, text, postings in stream:
        yield (fieldname, text, rank), postings


def _term_of(item: tuple[tuple[str, bytes, int], Postings]) -> tuple[str, bytes]:
    return item[0][0], item[0][1]


def _added_terms(fields: dict[str, defaultdict[bytes, Postings]]) -> Terms:
    for fieldname in sorted(fields):
        terms = fields[fieldname]
        for text in sorted(terms):
            yield fieldname, text, terms[text]


def _segment_terms(storage: Any, schema: Any, segment: Any, basedoc: int,
                   docmap: dict[int, int] | None,
                   check: Callable[[], None] | None) -> Terms:
    """A merged segment's terms; ``check`` (the reader's ``check_interrupt``, if it
    had one) is called every :data:`CHECK_EVERY` terms and may raise to stop."""
    reader = SegmentReader(storage, schema, segment)
    try:
        terms = _reader_terms(reader, basedoc, docmap)
        if check is None:
            yield from terms
            return
        for n, term in enumerate(terms):
            if n % CHECK_EVERY == 0:
                check()
            yield term
    finally:
        reader.close()


CHECK_EVERY = 256
"""Terms of a merged segment between two calls of its interrupt check."""


def _reader_terms(reader: Any, basedoc: int, docmap: dict[int, int] | None) -> Terms:
    """A merged segment's postings, term by term, renumbered for the new segment.

    Each posting keeps its weight and value; its length is the segment's stored
    length as the new segment stores it again (what Whoosh's merge writes). The
    term table and the postings are read in file order, :data:`WINDOW` bytes at a
    time (Whoosh reads each term's key, value and posting blocks separately)."""
    if not is_w3(reader):
        yield from _generic_reader_terms(reader, basedoc, docmap)
        return
    schema = reader.schema
    deleted = reader.deleted_docs_set
    postfile = _Window(reader._terms._postfile)
    fixed_sizes: dict[str, int | None] = {}
    for fieldname, text, value in _term_entries(reader._terms):
        if fieldname not in schema:
            continue
        fixed = fixed_sizes.get(fieldname, -2)
        if fixed == -2:
            fixed = fixed_sizes[fieldname] = schema[fieldname].format.fixed_value_size()
        if value[0]:  # postings inlined in the term info (Whoosh's inlinelimit > 1)
            ids, weights, values = W3TermInfo.from_bytes(value).inlined_postings()
        else:
            offset, length = _EXTENT(value, _TERM_INFO_SIZE)
            ids, weights, values = decode_postings(postfile.get(offset, length), fixed)
        lengths = length_column(reader, fieldname)
        if docmap is None and not deleted and lengths is not None:  # the common case
            postings = [item for d, w, v in zip(ids, weights, values, strict=True)
                        for item in (basedoc + d, w, v, _RESTORED[lengths[d]])]
        else:
            lens: Any = (itertools.repeat(None) if lengths is None
                         else [_RESTORED[lengths[d]] for d in ids])
            numbers = ((basedoc + d for d in ids) if docmap is None  # no deletions: no map
                       else (docmap[d] if d not in deleted else -1 for d in ids))
            postings = [item for d, new, w, v, n
                        in zip(ids, numbers, weights, values, lens, strict=False)
                        if d not in deleted for item in (new, w, v, n)]
        if postings:
            yield fieldname, text, postings


_RESTORED = [None] + [stored_length(byte_to_length(b)) for b in range(1, 256)]
"""A merged segment's length byte as the new segment's posting length: Whoosh's merge
reads the length back (None for 0) and stores it again."""

WINDOW = 1 << 20
"""Bytes read at a time from a merged segment's term table and postings (two windows per
merged segment are held during a merge)."""

_TERM_INFO_SIZE = struct.calcsize("!BfIBBfII")
_EXTENT = struct.Struct("!qi").unpack_from  # after the fixed part: offset, length
_KEY_VALUE_SIZES = struct.Struct("!ii").unpack
_FIELD_ID = struct.Struct("!H").unpack


class _Window:
    """Forward reads of one file through a buffer of :data:`WINDOW` bytes."""

    def __init__(self, dbfile: Any) -> None:
        self._file = dbfile
        self._start = 0
        self._data = b""

    def get(self, position: int, length: int) -> bytes:
        offset = position - self._start
        if offset < 0 or offset + length > len(self._data):
            self._data = self._file.get(position, max(WINDOW, length))
            self._start, offset = position, 0
            if len(self._data) < length:
                raise EOFError(f"segment file ends before byte {position + length}")
        return self._data[offset:offset + length]


def _term_entries(terms_reader: Any) -> Iterator[tuple[str, bytes, bytes]]:
    """(field name, term bytes, term info bytes) of a Whoosh 3 term table, in order."""
    tindex = terms_reader._tindex
    names = terms_reader._fieldunmap
    window = _Window(tindex.dbfile)
    position, end = tindex.startofdata, tindex.endofdata
    while position < end:
        key_size, value_size = _KEY_VALUE_SIZES(window.get(position, 8))
        entry = window.get(position + 8, key_size + value_size)
        position += 8 + key_size + value_size
        yield names[_FIELD_ID(entry[:2])[0]], entry[2:key_size], entry[key_size:]


def decode_postings(data: bytes, fixed: int | None) -> tuple[list[int], list[Any], list[Any]]:
    """A term's (ids, weights, values) from its posting bytes, as Whoosh's posting
    reader gives them (``fixed``: the format's fixed value size)."""
    ids: list[int] = []
    weights: list[Any] = []
    values: list[Any] = []
    for count, deltas, stored_weights, stored_values in raw_blocks(data):
        ids.extend(itertools.accumulate(deltas))
        weights.extend(block_weights(count, stored_weights))
        if fixed is None or fixed < 0:
            values.extend(stored_values)
        elif fixed == 0:
            values.extend(itertools.repeat(None, count))
        else:
            values.extend(stored_values[i:i + fixed]
                          for i in range(0, len(stored_values), fixed))
    return ids, weights, values


def _generic_reader_terms(reader: Any, basedoc: int, docmap: dict[int, int] | None) -> Terms:
    """Another kind of segment: Whoosh's own posting stream, grouped by term."""
    schema = reader.schema
    items = reader.iter_postings()
    for (fieldname, text), group in itertools.groupby(items, key=lambda p: (p[0], p[1])):
        if fieldname not in schema:
            continue
        postings: Postings = []
        for _f, _t, docnum, weight, value in group:
            newdoc = docmap[docnum] if docmap is not None else basedoc + docnum
            length = reader.doc_field_length(docnum, fieldname)
            postings += (newdoc, weight, value, stored_length(length) if length else None)
        if postings:
            yield fieldname, text, postings


# --------------------------------------------------------------------------- writing
def write_postings(fieldwriter: Any, schema: Any, terms: Terms) -> None:
    """Write ``terms`` through Whoosh 3's field writer ``fieldwriter``: each term's
    blocks encoded as its postings writer would, one write per term."""
    codec = fieldwriter._codec
    blocklimit: int = codec._blocklimit
    compression: int = codec._compression
    postfile = fieldwriter._postfile
    tindex = fieldwriter._tindex
    offset = postfile.tell()
    current = None
    fixed: int | None = None
    fieldid = b""
    pending: list[tuple[bytes, bytes]] = []
    for fieldname, text, postings in terms:
        if fieldname != current:
            if current is not None:
                fieldwriter.finish_field()
            fieldobj = schema[fieldname]
            fieldwriter.start_field(fieldname, fieldobj)
            fixed = fieldobj.format.fixed_value_size()
            fieldid = pack_ushort(fieldwriter._fieldid)
            current = fieldname
        data, info = encode_term(postings, fixed, compression, blocklimit)
        postfile.write(data)
        pending.append((fieldid + text, info + _pack_extent(offset, len(data))))
        offset += len(data)
        if len(pending) >= 4096:
            add_terms(tindex, pending)
            pending = []
    add_terms(tindex, pending)
    if current is not None:
        fieldwriter.finish_field()


_TERM_INFO = struct.Struct("!BfIBBfII").pack  # W3TermInfo's fixed part
_pack_extent = struct.Struct("!qi").pack  # offset (pack_long) and length (pack_int)
_KEY_VALUE_LENGTHS = struct.Struct("!ii").pack  # filetables' _lengths


def add_terms(tindex: Any, items: list[tuple[bytes, bytes]]) -> None:
    """``OrderedHashWriter.add`` for many (key, value) pairs in order, written at once
    (the same bytes, positions, hash buckets and index)."""
    if not items:
        return
    dbfile = tindex.dbfile
    position = dbfile.tell()
    index_append = tindex.index.append
    buckets = tindex.buckets
    hashfn = tindex.hashfn
    last = tindex.lastkey
    chunks: list[bytes] = []
    for key, value in items:
        if key <= last:
            raise ValueError(f"Keys must increase: {last!r}..{key!r}")
        index_append(position)
        head = _KEY_VALUE_LENGTHS(len(key), len(value))
        chunks += (head, key, value)
        h = hashfn(key)
        buckets[h & 255].append((h, position))
        position += len(head) + len(key) + len(value)
        last = key
    dbfile.write(b"".join(chunks))
    tindex.lastkey = last


def encode_term(postings: Postings, fixed: int | None, compression: int,
                blocklimit: int) -> tuple[bytes, bytes]:
    """A term's posting list as Whoosh 3's postings writer writes it, and the fixed
    part of its term info (``W3TermInfo.to_bytes`` without the extent).
    ``fixed``: the format's fixed value size."""
    count = len(postings) // SLOTS
    if count == 1:  # most terms of a new segment
        return _encode_one(postings, fixed)
    chunks = [WHOOSH3_HEADER_MAGIC]
    # W3TermInfo's statistics, added block by block in its order
    total: Any = 0
    minlength: Any = None
    maxlength = 0
    maxweight: Any = 0
    for start in range(0, count, blocklimit):
        if count <= blocklimit:
            block = postings
        else:
            block = postings[start * SLOTS:(start + blocklimit) * SLOTS]
        ids = tuple(block[0::SLOTS])
        raw_weights = block[1::SLOTS]
        values = tuple(block[2::SLOTS])
        lengths = block[3::SLOTS]
        size = len(ids)
        weights = array("f", raw_weights)
        if None in lengths or 0 in lengths:
            known = [n for n in lengths if n]
            low = min(known) if known else None
            high = max(known) if known else 0
        else:
            low, high = min(lengths), max(lengths)
        top = max(raw_weights)
        if not top > 0:  # the writer starts from 0 and keeps a greater weight
            top = 0
        total += sum(weights)
        minlength = low if minlength is None else min(minlength, low)
        maxlength = max(maxlength, high)
        maxweight = max(maxweight, top)
        if size == 1:
            deltas: tuple[int, ...] = ids
        else:
            deltas = (ids[0], *map(sub, ids[1:], ids))
        data = dumps((deltas, _mini_weights(weights, size), _mini_values(values, fixed)), 2)
        level = compression if size >= COMPRESS_FROM else 0
        if level:
            data = zlib.compress(data, level)
        header = dumps((size, ids[-1], top, level, length_to_byte(low), length_to_byte(high)), 2)
        length = len(header) + len(data)
        chunks += (pack_int(-length if start + blocklimit >= count else length), header, data)
    info = _TERM_INFO(False, total, count, 0 if minlength is None else length_to_byte(minlength),
                      length_to_byte(maxlength), maxweight, postings[0], postings[-SLOTS])
    return b"".join(chunks), info


def _encode_one(posting: Postings, fixed: int | None) -> tuple[bytes, bytes]:
    """:func:`encode_term` for a term with one posting (one uncompressed block)."""
    docnum, weight, value, length = posting
    stored = array("f", (weight,))[0]  # the block keeps weights as 32-bit floats
    values = (value,) if value else ()
    data = dumps(((docnum,), None if stored == 1.0 else stored,
                  values if fixed is None or fixed < 0 else None if fixed == 0
                  else b"".join(values)), 2)
    top = weight if weight > 0 else 0
    size = length_to_byte(length) if length else 0
    header = dumps((1, docnum, top, 0, size, size), 2)
    info = _TERM_INFO(False, 0 + stored, 1, size, size, top, docnum, docnum)
    return b"".join((WHOOSH3_HEADER_MAGIC, pack_int(-len(header) - len(data)), header,
                     data)), info


def _mini_weights(weights: array[float], size: int) -> Any:
    if weights.count(1.0) == size:
        return None
    first = weights[0]
    if weights.count(first) == size:
        return first
    return tuple(weights)


def _mini_values(values: tuple[Any, ...], fixed: int | None) -> Any:
    if not all(values):  # the writer keeps only non-empty values
        values = tuple(v for v in values if v)
    if fixed is None or fixed < 0:
        return values
    if fixed == 0:
        return None
    return b"".join(values)
