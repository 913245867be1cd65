"""A segment's words from a prefix on, read in chunks instead of two reads per word.

Whoosh's ``expand_prefix`` walks a segment's ordered term table one record at a
time: for every word a locked seek and read of its lengths, then of its bytes. A
fuzzy word lists every word with its first letter (23,000 words over the 20
segments of a 10,000-article index: 47,000 small reads, most of the first search
of ``Kurz~``). The records lie one after another in key order (``!ii`` lengths,
key, value), so here they are read 64 KB at a time and cut in memory. The
values are the words' term infos, which the wildcard's scoring needs next.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import Any

from whoosh.codec.whoosh3 import W3TermInfo, W3TermsReader
from whoosh.filedb.filetables import OrderedHashReader
from whoosh.reading import SegmentReader, TermNotFound

CHUNK = 65536
_LENGTHS = struct.Struct("!ii")  # whoosh.filedb.filetables._lengths
_FIELD_NUMBER = 2  # W3TermsReader keys: the field's number (ushort), then the word


CACHED_TERMS = 20_000
"""Term infos each segment reader keeps (document frequency and where the postings
are: the idf after a commit needs every segment's). About 300 bytes each with the
cache's entry (measured: 13 queries with wildcards at 10,020 articles kept 10,660
entries over 20 segments, 4.2 MB with their postings); all are dropped when full."""


def words_with_prefix(reader: Any, fieldname: str, prefix: str | bytes) -> Iterator[bytes]:
    """The words of ``fieldname`` starting with ``prefix``, in order, as
    ``reader.expand_prefix`` yields them."""
    for word, _raw in items_with_prefix(reader, fieldname, prefix):
        yield word


def items_with_prefix(reader: Any, fieldname: str,
                      prefix: str | bytes) -> Iterator[tuple[bytes, bytes | None]]:
    """``(word, its term info's bytes or None)`` for the words starting with
    ``prefix`` (the bytes are there for Whoosh 3 segments: see :func:`remember`)."""
    if not _chunked(reader):
        for word in reader.expand_prefix(fieldname, prefix):
            yield word, None
        return
    terms: W3TermsReader = reader._terms
    table: OrderedHashReader = terms._tindex
    start = terms._keycoder(fieldname, reader._text_to_bytes(fieldname, prefix))
    pos = table.closest_key_pos(start)
    if pos is None:
        return
    for key, value in _records(table, pos):
        if not key.startswith(start):
            return
        yield key[_FIELD_NUMBER:], value


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
        and isinstance(reader._terms._tindex, OrderedHashReader)


def _records(table: OrderedHashReader, pos: int) -> Iterator[tuple[bytes, bytes]]:
    """The ``(key, value)`` records of the table from ``pos`` on, read in chunks."""
    end = table.endofdata
    size = _LENGTHS.size
    get = table.dbfile.get
    while pos < end:
        chunk = bytes(get(pos, min(max(CHUNK, size), end - pos)))
        at = 0
        while at + size <= len(chunk):
            keylen, datalen = _LENGTHS.unpack_from(chunk, at)
            stop = at + size + keylen + datalen
            if stop > len(chunk):
                break
            yield chunk[at + size : at + size + keylen], chunk[at + size + keylen : stop]
            at = stop
        if at == 0:  # one record longer than a chunk: read it alone
            keylen, datalen = _LENGTHS.unpack(bytes(get(pos, size)))
            record = bytes(get(pos, size + keylen + datalen))
            yield record[size : size + keylen], record[size + keylen :]
            at = len(record)
        pos += at
