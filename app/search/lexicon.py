"""A segment's words with a prefix, read in one go instead of two reads per word.

Whoosh's ``expand_prefix`` walks a segment's ordered term table one record at a
time: for every word a locked seek and read of its lengths, then of its bytes. A
fuzzy word lists every word with its first letter (51,000 words of one field at
100,000 articles). The table ends with an array of its records' positions in key
order, so the range of keys with a prefix is found by binary search in it, the
records in that range are read with one read, and their lengths (``!ii``: key,
value) are decoded for all of them at once with numpy before the keys are cut out.
The values are the words' term infos, which the wildcard's scoring needs next.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import W3TermInfo, W3TermsReader
from whoosh.filedb.filetables import OrderedHashReader
from whoosh.reading import SegmentReader, TermNotFound

_LENGTHS_SIZE = 8  # whoosh.filedb.filetables._lengths: "!ii", key and value lengths
_FIELD_NUMBER = 2  # W3TermsReader keys: the field's number (ushort), then the word
_POSITION_TYPES = {"B": ">u1", "H": ">u2", "i": ">i4", "I": ">u4", "q": ">i8"}
"""OrderedHashReader's position array types (StructFile reads them big-endian)."""


CACHED_TERMS = 20_000
"""Term infos each segment reader keeps (document frequency and where the postings
are: the idf after a commit needs every segment's). About 300 bytes each with the
cache's entry (measured: 13 queries with wildcards at 10,020 articles kept 10,660
entries over 20 segments, 4.2 MB with their postings); all are dropped when full."""


def words_with_prefix(reader: Any, fieldname: str, prefix: str | bytes,
                      lengths: tuple[int, int] | None = None) -> list[bytes]:
    """The words of ``fieldname`` starting with ``prefix``, in order, as
    ``reader.expand_prefix`` yields them; with ``lengths``, only the words of that
    many bytes (bounds included), picked before any is cut out of the table."""
    if not _chunked(reader):
        words = list(reader.expand_prefix(fieldname, prefix))
        if lengths is not None:
            words = [w for w in words if lengths[0] <= len(w) <= lengths[1]]
        return words
    data, keys, keylen, _datalen = _range(reader, fieldname, prefix)
    if lengths is not None:
        size = keylen - _FIELD_NUMBER
        keep = (size >= lengths[0]) & (size <= lengths[1])
        keys, keylen = keys[keep], keylen[keep]
    return [data[k:e] for k, e in
            zip((keys + _FIELD_NUMBER).tolist(), (keys + keylen).tolist(), strict=True)]


def items_with_prefix(reader: Any, fieldname: str,
                      prefix: str | bytes) -> list[tuple[bytes, bytes | None]]:
    """``(word, its term info's bytes or None)`` for the words starting with
    ``prefix`` (the bytes are there for Whoosh 3 segments: see :func:`remember`)."""
    if not _chunked(reader):
        return [(word, None) for word in reader.expand_prefix(fieldname, prefix)]
    data, keys, keylen, datalen = _range(reader, fieldname, prefix)
    values = keys + keylen
    return [(data[k:v], data[v:e]) for k, v, e in zip(
        (keys + _FIELD_NUMBER).tolist(), values.tolist(), (values + datalen).tolist(),
        strict=True)]


def remember(reader: Any, fieldname: str, word: bytes, raw: bytes | None) -> None:
    """Keep a word's term info (from :func:`items_with_prefix`) in the reader's cache,
    so that scoring the word needs no look-up."""
    if raw is not None:
        cache = _term_cache(reader)
        if (fieldname, word) not in cache:
            cache[(fieldname, word)] = W3TermInfo.from_bytes(raw)


def term_info(reader: Any, fieldname: str, tbytes: bytes) -> Any | None:
    """A Whoosh 3 segment's term info (None if the term is not in it), kept on the
    reader: the idf, the postings and a phrase's positions all need it, and each
    look-up is several small reads of the segment's hash table."""
    cache = _term_cache(reader)
    key = (fieldname, tbytes)
    if key in cache:
        return cache[key]
    try:
        info = reader._terms.term_info(fieldname, tbytes)
    except (KeyError, TermNotFound):
        info = None
    cache[key] = info
    return info


def note_absent(reader: Any, fieldname: str, word: bytes) -> None:
    """Record that the segment lacks ``word`` (known from a complete expansion)."""
    _term_cache(reader).setdefault((fieldname, word), None)


def _term_cache(reader: Any) -> dict[tuple[str, bytes], Any]:
    cache: dict[tuple[str, bytes], Any] = reader.__dict__.setdefault("_dossier_terms", {})
    if len(cache) >= CACHED_TERMS:
        cache.clear()
    return cache


def _chunked(reader: Any) -> bool:
    return isinstance(reader, SegmentReader) and isinstance(reader._terms, W3TermsReader) \
        and isinstance(reader._terms._tindex, OrderedHashReader) \
        and reader._terms._tindex.extras.get("indextype") in _POSITION_TYPES


def _range(reader: Any, fieldname: str, prefix: str | bytes) -> tuple[bytes, Any, Any, Any]:
    """The records of every key of ``fieldname`` starting with ``prefix``: the bytes
    read, and for each record in key order where its key starts in them, the key's
    length (with the field number) and the value's length."""
    terms: W3TermsReader = reader._terms
    table: OrderedHashReader = terms._tindex
    start = terms._keycoder(fieldname, reader._text_to_bytes(fieldname, prefix))
    positions = _positions(table)
    first = _bisect(table, positions, start)
    end = _successor(start)
    stop = len(positions) if end is None else _bisect(table, positions, end, first)
    if first >= stop:
        nothing = np.zeros(0, np.int64)
        return b"", nothing, nothing, nothing
    at = positions[first:stop].astype(np.int64)
    base, last = int(at.min()), int(at.max())
    tail = np.frombuffer(bytes(table.dbfile.get(last, _LENGTHS_SIZE)), ">i4")
    data = bytes(table.dbfile.get(base, last - base + _LENGTHS_SIZE + int(tail.sum())))
    raw = np.frombuffer(data, np.uint8)
    at -= base
    return data, at + _LENGTHS_SIZE, _int32_at(raw, at), _int32_at(raw, at + 4)


def _int32_at(raw: Any, at: Any) -> Any:
    """The big-endian 32-bit integers starting at byte offsets ``at`` of ``raw``."""
    value = raw[at].astype(np.int64) << 24
    for shift, k in ((16, 1), (8, 2), (0, 3)):
        value |= raw[at + k].astype(np.int64) << shift
    return value


def _positions(table: OrderedHashReader) -> Any:
    """The table's array of record positions in key order (read once, kept on it)."""
    found = table.__dict__.get("_dossier_positions")
    if found is None:
        dtype = np.dtype(_POSITION_TYPES[table.extras["indextype"]])
        data = bytes(table.dbfile.get(table.indexbase, table.indexlen * dtype.itemsize))
        found = table.__dict__["_dossier_positions"] = np.frombuffer(data, dtype)
    return found


def _bisect(table: OrderedHashReader, positions: Any, key: bytes, lo: int = 0) -> int:
    """The index in ``positions`` of the first key not less than ``key``."""
    hi = len(positions)
    while lo < hi:
        mid = (lo + hi) // 2
        if table.key_at(int(positions[mid])) < key:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _successor(prefix: bytes) -> bytes | None:
    """The least byte string greater than every string starting with ``prefix``
    (None: no such string, the prefix is all 0xff bytes)."""
    stripped = prefix.rstrip(b"\xff")
    if not stripped:
        return None
    return stripped[:-1] + bytes([stripped[-1] + 1])
