"""Phrases in bulk (see :mod:`app.search.bulk`): Whoosh's phrase matching and scores
without stepping its matchers through every posting.

Whoosh matches a phrase with ``SpanNear2``: a binary tree of intersection matchers
over the words' postings, and for each document they share, the words' positions
checked in order within the slop. Here the shared documents come from the cached
postings (set intersections), positions are decoded only for those documents, and
the position check is Whoosh's own ``SpanNear2Matcher._get_spans``. A matching
document scores what the intersection tree adds up (``make_binary_tree`` order),
times the phrase's boost.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.query.spans import Span, SpanNear2

from app.search.postings import reader_cache
from app.search.scored import NONE, Scores

_get_spans = SpanNear2.SpanNear2Matcher._get_spans

CACHED_MATCHES = 1_000_000
"""Phrase matches each segment reader keeps (8 bytes a document: 8 MB at most)."""


class _Positions:
    """Stands in for a term matcher in ``_get_spans`` (which only calls ``spans()``)."""

    __slots__ = ("_spans",)

    def __init__(self, positions: list[int]) -> None:
        self._spans = [Span(p) for p in positions]

    def spans(self) -> list[Span]:
        return self._spans


def phrase_scores(segment: Any, q: wq.Phrase) -> Scores:
    """The documents of ``segment`` (an ``app.search.bulk._Segment``) that contain the
    phrase ``q``, with Whoosh's scores."""
    schema = segment.top.schema
    if q.fieldname not in schema:
        return NONE
    field = schema[q.fieldname]
    if not field.format or not field.format.supports("positions") or \
            field.format.supports("characters"):
        return segment._generic(q)  # Whoosh's error or its character spans
    words = []
    for word in q.words:
        try:
            words.append(field.to_bytes(word))
        except ValueError:
            return NONE
    postings = [segment._postings(q.fieldname, w) for w in words]
    if any(p is None for p in postings):
        return segment._generic(q)
    matched = _matches(segment, q.fieldname, words, q.slop, postings)
    if not len(matched):
        return NONE
    per_word = [segment._term(q.fieldname, w, 1.0) for w in words]
    summed = _tree_sum([t.scores[np.searchsorted(t.ids, matched)] for t in per_word])
    return Scores(matched, summed).times(q.boost)


def _matches(segment: Any, fieldname: str, words: list[bytes], slop: int,
             postings: list[Any]) -> Any:
    """The segment's documents (ascending) holding the words in order within ``slop``;
    kept on the segment's reader, whose documents never change (deleting one gives
    the segment a new reader), so paging through a phrase search decodes positions
    once."""
    cache = reader_cache(segment.reader, "_dossier_phrases")
    key = (fieldname, tuple(words), slop)
    found = cache.hit(key)
    if found is None:
        found = _find(segment, fieldname, words, slop, postings)
        cache.add(key, found, len(found))
        cache.trim(CACHED_MATCHES)
    return found


def _find(segment: Any, fieldname: str, words: list[bytes], slop: int,
          postings: list[Any]) -> Any:
    """The documents holding all the words, their positions checked as Whoosh does."""
    common = postings[0].ids
    for p in postings[1:]:
        if not len(common):
            break
        common = np.intersect1d(common, p.ids, assume_unique=True)
    if not len(common):
        return common.astype(np.int64)
    wanted = set(common.tolist())
    positions = [_read_positions(segment, fieldname, w, wanted) for w in words]
    near = SimpleNamespace(slop=slop, mindist=1, ordered=True, ms=[])
    found: list[int] = []
    for d in sorted(wanted):
        if len(words) == 2:
            matched = _two_near(positions[0][d], positions[1][d], slop)
        else:
            near.ms = [_Positions(p[d]) for p in positions]
            matched = bool(_get_spans(near))
        if matched:
            found.append(d)
    return np.array(found, np.int64)


def _two_near(first: list[int], second: list[int], slop: int) -> bool:
    """What ``_get_spans`` decides for two words (ordered, at least 1 and at most
    ``slop`` positions apart: the second word 1 to ``slop`` after the first), without
    building spans."""
    after = set(second)
    steps = range(1, slop + 1)
    return any(p + k in after for p in first for k in steps)


def _tree_sum(values: list[Any]) -> Any:
    """Sum in the association of ``whoosh.util.make_binary_tree`` (of floats, or
    element by element of arrays)."""
    if len(values) == 1:
        return values[0]
    half = len(values) // 2
    return _tree_sum(values[:half]) + _tree_sum(values[half:])


def _read_positions(segment: Any, fieldname: str, tbytes: bytes,
                    wanted: set[int]) -> dict[int, list[int]]:
    """The term's positions in the ``wanted`` documents of the segment (blocks holding
    none of them are not decoded)."""
    info = segment.term_info(fieldname, tbytes)
    if info is None:
        return {}
    reader = segment.reader
    decode = reader.schema[fieldname].format.decoder("positions")
    found: dict[int, list[int]] = {}
    if info.is_inlined():
        ids, _weights, values = info.inlined_postings()
        for d, v in zip(ids, values, strict=True):
            if d in wanted:
                found[d] = decode(v)
        return found
    m = segment.posting_blocks(info, fieldname)
    while m.is_active():
        m._read_ids()
        ids = m._ids
        if not wanted.isdisjoint(ids):
            m._read_values()
            for d, v in zip(ids, m._values, strict=True):
                if d in wanted:
                    found[d] = decode(v)
        m._next_block()
    return found
