"""A segment's postings for bulk scoring (see :mod:`app.search.bulk`): read whole,
kept on the segment's reader.

A term's posting list is read with one read (its extent from the term info) and its
blocks decoded from memory (ids and weights, into numpy arrays; positions are never
unpickled: see :func:`_ids_weights`), deleted documents dropped, and each posting's
field-length byte attached from the segment's length column (read once). A segment's
postings never change (a changed segment gets a new reader), so the reader keeps them,
least recently used first out.
"""

from __future__ import annotations

import re
import zlib
from array import array
from collections import OrderedDict
from collections.abc import Iterator
from io import BytesIO
from itertools import pairwise, repeat
from pickle import load, loads
from typing import Any, NamedTuple

import numpy as np
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

CACHED_POSTINGS = 2_000_000
"""Postings each segment reader keeps between queries: 9 bytes each (a 32-bit id, a
32-bit weight when that holds it exactly, else 64-bit, and a field-length byte), so at
most 18 MB per segment. A segment holds only its own documents' postings, so over all
segments the bound is about that of one segment. The 40 benchmark queries touch
572,000 postings (5 MB) at 100,000 articles, so a session's searches stay cached."""


class Postings(NamedTuple):
    """A term's live postings in one segment, in document order."""

    ids: Any
    """Segment document numbers (numpy int32, ascending)."""
    weights: Any
    """Whoosh's weights (term frequencies times field boost), as Whoosh reads them."""
    lens: Any
    """Each document's field-length byte (numpy uint8), or None: no length column."""


NO_POSTINGS = Postings(np.zeros(0, np.int32), np.zeros(0, np.float32), None)


def is_w3(reader: Any) -> bool:
    """Whether ``reader`` is a Whoosh 3 segment (what this module can read)."""
    return isinstance(reader, SegmentReader) and isinstance(reader._terms, W3TermsReader)


def postings(reader: Any, fieldname: str, tbytes: bytes) -> Postings | None:
    """A term's live postings in this segment (empty if the term is not in it), or
    None if the segment is not a Whoosh 3 segment (then the caller uses Whoosh's
    matcher). Cached on the reader (LRU)."""
    found = postings_of(reader, fieldname, [tbytes])
    return None if found is None else found[0]


def postings_of(reader: Any, fieldname: str, words: list[bytes]) -> list[Postings] | None:
    """:func:`postings` of each of ``words`` (distinct), those not cached read together:
    a wildcard's words in a segment are hundreds of short lists, and numpy's cost per
    call was most of reading each alone."""
    if not is_w3(reader):
        return None
    cache = reader_cache(reader, "_dossier_postings")
    found: dict[bytes, Postings] = {}
    for word in words:
        hit = cache.hit((fieldname, word))
        if hit is not None:
            found[word] = hit
    missing = [w for w in words if w not in found]
    if missing:
        for word, read in zip(missing, _read_postings(reader, fieldname, missing), strict=True):
            found[word] = read
            cache.add((fieldname, word), read, len(read.ids))
        cache.trim(CACHED_POSTINGS)
    return [found[w] for w in words]


class SizedLRU(OrderedDict[Any, tuple[Any, int]]):
    """Least recently used first out, bounded by how many items (postings, documents)
    its entries hold together; an entry costs one more than its items (an empty one
    costs one)."""

    size = 0

    def hit(self, key: Any) -> Any | None:
        """The entry's value, now the most recently used; None if there is none."""
        entry = self.get(key)
        if entry is None:
            return None
        self.move_to_end(key)
        return entry[0]

    def add(self, key: Any, value: Any, items: int) -> None:
        self[key] = (value, items)
        self.size += 1 + items

    def trim(self, limit: int) -> None:
        """Drop the least recently used entries until at most ``limit`` items are held
        (one entry stays, however large)."""
        while self.size > limit and len(self) > 1:
            _key, (_value, items) = self.popitem(last=False)
            self.size -= 1 + items


def reader_cache(reader: Any, name: str) -> SizedLRU:
    """The :class:`SizedLRU` kept on a segment's reader under ``name`` (a segment's
    contents never change: a changed segment gets a new reader)."""
    cache = reader.__dict__.get(name)
    if cache is None:
        cache = reader.__dict__[name] = SizedLRU()
    return cache


def doc_frequency(reader: Any, fieldname: str, tbytes: bytes) -> int:
    """The segment's document frequency of a term (deleted documents included, as
    Whoosh counts it)."""
    if not is_w3(reader):
        return int(reader.doc_frequency(fieldname, tbytes))
    info = term_info(reader, fieldname, tbytes)
    return 0 if info is None else int(info.doc_frequency())


def _read_postings(reader: Any, fieldname: str, words: list[bytes]) -> list[Postings]:
    """Read terms' postings block by block (ids and weights only; positions are never
    unpickled), drop deleted documents and attach each one's length byte."""
    blocks = _Blocks()
    sizes = []
    for word in words:
        before = blocks.size
        info = term_info(reader, fieldname, word)
        if info is not None and info.is_inlined():
            ids_t, weights_t, _values = info.inlined_postings()
            blocks.add_ids(ids_t, weights_t)
        elif info is not None:
            blocks.add_list(_posting_bytes(reader, info))
        sizes.append(blocks.size - before)
    ids, weights = blocks.arrays()
    deleted = reader.deleted_docs_set
    if deleted:
        keep = ~np.isin(ids, np.fromiter(deleted, np.int32, len(deleted)))
        starts = np.concatenate(([0], np.cumsum(sizes)))
        sizes = np.diff(np.concatenate(([0], np.cumsum(keep)))[starts]).tolist()
        ids, weights = ids[keep], weights[keep]
    lengths = length_column(reader, fieldname)
    lens = None if lengths is None else np.frombuffer(lengths, np.uint8)[ids]
    if len(words) == 1:
        return [Postings(ids, weights, lens)]
    out = []
    at = 0
    for size in sizes:  # copies: a cached term must not keep the whole batch alive
        end = at + size
        out.append(Postings(ids[at:end].copy(), weights[at:end].copy(),
                            None if lens is None else lens[at:end].copy()))
        at = end
    return out


class _Blocks:
    """Posting blocks gathered as flat lists, turned into arrays in one go."""

    def __init__(self) -> None:
        self.deltas: list[int] = []
        self.weights: list[float] = []
        self.counts: list[int] = []
        self.size = 0

    def add_list(self, data: bytes) -> None:
        """Every block of a posting list (Whoosh 3 bytes)."""
        for count, deltas, stored, _values in raw_blocks(data, values=False):
            self.deltas.extend(deltas)
            self.weights.extend(block_weights(count, stored))
            self.counts.append(count)
            self.size += count

    def add_ids(self, ids: Any, weights: Any) -> None:
        """An inlined posting list: its ids as they are (a block whose first delta is
        its first id)."""
        if ids:
            self.deltas.append(ids[0])
            self.deltas.extend(b - a for a, b in pairwise(ids))
            self.weights.extend(weights)
            self.counts.append(len(ids))
            self.size += len(ids)

    def arrays(self) -> tuple[Any, Any]:
        """The ids (numpy int32) and weights (see :func:`_compact`) of all blocks."""
        if not self.counts:
            return NO_POSTINGS.ids, NO_POSTINGS.weights
        # each block's first delta is its first id: a running sum over all blocks, minus
        # the sum carried over from the blocks before
        ids = np.cumsum(np.array(self.deltas, np.int64))
        ends = np.cumsum(self.counts)
        carried = np.zeros(len(self.counts), np.int64)
        carried[1:] = ids[ends[:-1] - 1]
        ids -= np.repeat(carried, self.counts)
        return ids.astype(np.int32), _compact(np.array(self.weights, np.float64))


def raw_blocks(data: bytes, values: bool = True) -> Iterator[tuple[int, Any, Any, Any]]:
    """Each block of a term's posting list (Whoosh 3 bytes) as ``(count, id deltas,
    weights, values)``, still minified as the writer stored them; decoded without
    Whoosh's reader objects (whose Python loop over the id deltas was most of a long
    list's first read). Shared by search and by segment merging.

    With ``values=False`` the values (positions) are not decoded and come as None:
    see :func:`_ids_weights`."""
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
        if level:
            block = zlib.decompress(block)
        if not values:
            found = _ids_weights(block, count)
            if found is not None:
                yield count, found[0], found[1], None
                continue
        deltas, weights, stored_values = loads(block)
        yield count, deltas, weights, stored_values


_OP_INT = rb"(?:K.|M..|J....)"  # BININT1, BININT2, BININT: a document number or delta
_OP_FLOAT = rb"(?:G.{8})"  # BINFLOAT


def _tuple_of(item: bytes) -> bytes:
    """A pickled tuple of ``item``s: EMPTY_TUPLE, one to three items then TUPLE1 to
    TUPLE3 (exactly as many), or MARK, the items, TUPLE."""
    return (rb"(?:\)|" + item + rb"\x85|" + item + rb"{2}\x86|" + item + rb"{3}\x87|\(" +
            item + rb"*t)")


_IDS_WEIGHTS = re.compile(
    rb"\x80\x02"  # PROTO 2
    + _tuple_of(_OP_INT)  # the id deltas
    + rb"(?:q.|r....)?"  # BINPUT / LONG_BINPUT: the tuple into the memo
    + rb"(?:" + _tuple_of(_OP_FLOAT) + rb"|" + _OP_FLOAT + rb"|N)",  # the weights
    re.S)
"""The start of a block's pickle up to the end of its weights. A block is what Whoosh 3's
posting writer (and ours, byte for byte) pickles: ``(deltas, weights, values)``, a
tuple of ints, then None, one float or a tuple of floats, then the values. Each opcode
has a fixed length and each tuple takes exactly its items, so in that form a match is
the pickle's own parse of the first two items (a tuple of floats is tried before a
lone float, which would be its first item)."""


def _ids_weights(block: bytes, count: int) -> tuple[Any, Any] | None:
    """A block's id deltas and weights without unpickling its values: the values of a
    positional field are a bytes object per posting, pickled as a call each, and cost
    15 of the 16 ms of a 12,000-posting list's first read. The pickle is cut after
    the weights and closed as a pair. None when the block does not start in the
    writer's form or disagrees with its header's ``count`` (then it is unpickled
    whole)."""
    match = _IDS_WEIGHTS.match(block)
    if match is None:
        return None
    deltas, weights = loads(block[: match.end()] + b"\x86.")  # TUPLE2, STOP
    if len(deltas) != count or (isinstance(weights, tuple) and len(weights) != count):
        return None
    return deltas, weights


def block_weights(count: int, weights: Any) -> Any:
    """A block's weights as Whoosh's reader gives them: 1.0 each when none were stored,
    one 32-bit float repeated, or the stored tuple."""
    if weights is None:
        return repeat(1.0, count)
    if isinstance(weights, float):
        return repeat(array("f", (weights,))[0], count)
    return weights


def _compact(weights: Any) -> Any:
    """The weights as 32-bit floats when that keeps every one exactly (term counts
    always are), else as they are: scoring widens them back to the same doubles."""
    narrow = weights.astype(np.float32)
    return narrow if np.array_equal(narrow, weights) else weights


def posting_blocks(reader: Any, info: Any, fieldname: str) -> W3LeafMatcher:
    """A Whoosh 3 posting reader over the term's whole posting list, read in one go
    (Whoosh reads each block's header, info and data separately: a dozen small reads
    per term and segment, most of a wildcard's first search)."""
    data = _posting_bytes(reader, info)
    return W3LeafMatcher(BufferFile(data), 0, len(data), reader.schema[fieldname].format)


def _posting_bytes(reader: Any, info: Any) -> bytes:
    """A term's whole posting list (not inlined), with one read."""
    offset, length = info.extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes leaves it as struct's tuple
        length = length[0]
    return bytes(reader._terms._postfile.get(offset, length))


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
