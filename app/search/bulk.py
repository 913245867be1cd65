"""Exact ranking in bulk: whole posting lists scored with list operations.

Whoosh scores a query by stepping a tree of matchers one posting at a time: every
posting costs several Python method calls per tree level, a locked seek and read of
its field length, and a block re-read per segment. A search here is exact anyway
(every match is scored and counted, see :mod:`app.search.ranking`), so nothing is
gained by stepping: each term's postings are read whole (ids and weights of each
block, one read of the field-length column per segment) and scored with one list
comprehension, and AND/OR/NOT combine per-document score dictionaries.

The scores are Whoosh's BM25F scores, computed with the same floating-point
operations in the same order, so pages and totals equal Whoosh's unpruned search:

- a term scores ``idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))``
  (``whoosh.scoring.bm25``; the part that depends on the field length is computed
  once per length byte), times the term's boost;
- an OR that Whoosh would "preload" (:class:`app.search.matchers.ArrayUnion`) adds
  each child's score times the OR's boost in child order, from 0.0; an OR of two
  adds the two (``UnionMatcher``); an AND adds its children's scores; a NOT keeps the
  scores of its positive side. Whoosh sums an OR of three or more children in a
  segment of over 5,000 documents, and an AND of three or more, in a tree ordered by
  posting-list sizes; here they are added in query order, which can differ from
  Whoosh in the last bit of a score (never in which documents match or the total);
- a phrase is checked on the documents holding all its words
  (:mod:`app.search.bulk_phrases`); a query of only ``-word`` starts from the live
  documents (``Every``); any other query (date ranges, ...) is run through its Whoosh
  matcher and its per-document scores are combined the same way.

A segment's postings never change (a changed segment gets a new reader), so each
leaf reader keeps the postings of the terms it was asked for, up to
:data:`app.search.postings.CACHED_POSTINGS` postings (least recently used first out).
"""

from __future__ import annotations

import heapq
from math import log
from typing import Any

from whoosh import query as wq
from whoosh import scoring
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.util.numeric import byte_to_length

from app.search import matchers
from app.search.bulk_phrases import phrase_scores
from app.search.expansion import _Expansion
from app.search.lexicon import note_absent, term_info
from app.search.postings import doc_frequency, is_w3, posting_blocks, postings

Scores = dict[int, float]
"""Segment document number -> score."""

_ORS = (wq.Or, matchers.Or)
_ANDNOTS = (wq.AndNot, matchers.AndNot)


def supports(searcher: Any) -> bool:
    """Whether :func:`bulk_ranked` reproduces this searcher's scoring (plain BM25F)."""
    weighting = searcher.weighting
    return type(weighting) is scoring.BM25F and not weighting._field_B and \
        not weighting.use_final and scoring.BM25F.idf is scoring.WeightingModel.idf


def bulk_ranked(searcher: Any, q: wq.Query, offset: int, limit: int,
                only: wq.Query | None = None) -> tuple[int, list[tuple[float, int]]]:
    """The number of documents matching ``q`` (and ``only``, a filter) and the
    ``(score, docnum)`` pairs ranked ``offset`` to ``offset + limit``: best score
    first, equal scores by document number (as Whoosh's collectors order them)."""
    matches: list[tuple[int, float]] = []
    shared: dict[Any, Any] = {}  # per-field statistics of the whole index, for every segment
    for sub, base in searcher.leaf_searchers():
        segment = _Segment(searcher, sub, shared)
        scores = segment.scored(q)
        if only is not None and scores:
            allowed = segment.docs(only)
            scores = {d: s for d, s in scores.items() if d in allowed}
        matches.extend((base + d, s) for d, s in scores.items())
    wanted = offset + limit
    if wanted >= len(matches):
        ranked = sorted(matches, key=_rank_key)
    else:
        ranked = heapq.nsmallest(wanted, matches, key=_rank_key)
    return len(matches), [(s, d) for d, s in ranked[offset:wanted]]


def _rank_key(item: tuple[int, float]) -> tuple[float, int]:
    return -item[1], item[0]


class _Segment:
    """Evaluates queries over one segment (a leaf searcher of ``top``)."""

    def __init__(self, top: Any, sub: Any, shared: dict[Any, Any]) -> None:
        self.top = top
        self.shared = shared
        self.sub = sub
        self.reader = sub.reader()
        self.doc_count = sub.doc_count_all()
        weighting = top.weighting
        self.B, self.K1 = weighting.B, weighting.K1
        self.context = top.context()

    # ------------------------------------------------------------------ scored
    def scored(self, q: Any) -> Scores:
        """Every document of the segment matching ``q``, with its Whoosh score."""
        kind = type(q)
        if kind is wq.Term:
            return self._term(q.fieldname, q.text, q.boost)
        if isinstance(q, _Expansion):
            return self._expansion(q)
        if kind in _ORS:
            return self._or(q)
        if kind is wq.And:
            return self._and(q)
        if kind is wq.Phrase:
            return phrase_scores(self, q)
        if kind in _ANDNOTS:
            scores = self.scored(q.a)
            if scores:
                excluded = self.docs(q.b)
                scores = {d: s for d, s in scores.items() if d not in excluded}
            return scores
        if q is wq.NullQuery or kind is type(wq.NullQuery):
            return {}
        if kind is wq.Every and q.fieldname in (None, "", "*"):
            # every live document, scored as Whoosh's ListMatcher weighs it (a query
            # of only "-word" is Every minus the word)
            return dict.fromkeys(self.reader.all_doc_ids(), q.boost or 1.0)
        return self._generic(q)

    def _term(self, fieldname: str, text: Any, boost: float) -> Scores:
        if fieldname not in self.top.schema:
            return {}
        field = self.top.schema[fieldname]
        try:
            tbytes = field.to_bytes(text)
        except ValueError:
            return {}
        if not field.scorable:
            return self._generic(wq.Term(fieldname, text, boost=boost))
        found = self._postings(fieldname, tbytes)
        if found is None:
            return self._generic(wq.Term(fieldname, text, boost=boost))
        ids, weights, lens = found
        if not ids:
            return {}
        idf = self._idf(fieldname, tbytes)
        avgfl, norm = self._field_stats(fieldname)
        k1p1 = self.K1 + 1
        if lens is None:  # no length column: Whoosh's default length of 1
            one = self.K1 * ((1 - self.B) + self.B * 1 / avgfl)
            scores = [idf * ((w * k1p1) / (w + one)) for w in weights]
        else:
            scores = [idf * ((w * k1p1) / (w + norm[n]))
                      for w, n in zip(weights, lens, strict=True)]
        if boost != 1.0:
            scores = [s * boost for s in scores]
        return dict(zip(ids, scores, strict=True))

    def _idf(self, fieldname: str, tbytes: bytes) -> float:
        """``Searcher.idf`` with each segment's document frequency of the term kept on
        its reader: after a commit only the new segment is asked (Whoosh asks every
        segment again, a hash-table look-up in each, for every term)."""
        cache = self.top._idf_cache
        key = (fieldname, tbytes)
        idf = cache.get(key)
        if idf is None:
            n = sum(doc_frequency(leaf, fieldname, tbytes)
                    for leaf, _offset in self.top.reader().leaf_readers())
            dc = self.top.doc_count_all()
            idf = cache[key] = log(dc / (n + 1)) + 1  # WeightingModel.idf
        return float(idf)

    def _field_stats(self, fieldname: str) -> tuple[float, list[float]]:
        """The field's average length over the index and its ``_norms`` table."""
        stats = self.shared.get(fieldname)
        if stats is None:
            avgfl = self.top.avg_field_length(fieldname) or 1
            stats = self.shared[fieldname] = (avgfl, _norms(self.B, self.K1, avgfl))
        return stats

    def _expansion(self, q: Any) -> Scores:
        """A wildcard or fuzzy word: as :meth:`_Expansion.matcher` scores it."""
        leaves = [leaf for leaf, _offset in self.top.reader().leaf_readers()]
        q._expand_leaves(leaves)
        words = q._btexts(self.reader)
        if ("expanded", id(q)) not in self.shared:  # once per query, for all segments
            self.shared["expanded", id(q)] = True
            _note_absent(q, leaves)
        if not words:
            return {}
        if len(words) == 1:
            return self._term(q.fieldname, words[0], q.boost)
        return self._sum([self._term(q.fieldname, w, 1.0) for w in words], q.boost)

    def _or(self, q: Any) -> Scores:
        subs = q.subqueries
        if not subs:
            return {}
        if len(subs) == 1:  # Whoosh uses the child's matcher alone (its boost too)
            return self.scored(subs[0])
        if q.scale:
            return self._generic(q)
        children = [self.scored(s) for s in subs]
        if _preloaded(q, len(subs), self.doc_count):
            return self._sum(children, q.boost)
        summed = self._sum(children, 1.0)
        return _boosted(summed, q.boost)

    def _and(self, q: Any) -> Scores:
        subs = q.subqueries
        if not subs:
            return {}
        if len(subs) == 1:
            return self.scored(subs[0])
        children: list[Scores] = [self.scored(s) for s in subs]
        smallest = children[0]
        for child in children:
            if len(child) < len(smallest):
                smallest = child
        common = set(smallest)
        for child in children:
            common.intersection_update(child)
            if not common:
                return {}
        summed = dict.fromkeys(sorted(common), 0.0)
        for child in children:  # query order (for two children the order is moot)
            for d in summed:
                summed[d] += child[d]
        return _boosted(summed, q.boost)

    @staticmethod
    def _sum(children: list[Scores], boost: float) -> Scores:
        """Children's scores times ``boost`` added in child order (ArrayUnion's sums)."""
        total: Scores = {}
        get = total.get
        for child in children:
            if boost == 1.0:
                for d, s in child.items():
                    total[d] = get(d, 0.0) + s
            else:
                for d, s in child.items():
                    total[d] = get(d, 0.0) + s * boost
        return total

    def _generic(self, q: Any) -> Scores:
        """Whoosh's own matcher, stepped through: for phrases, ranges, ``Every``..."""
        m = q.matcher(self.sub, self.context)
        scores: Scores = {}
        while m.is_active():
            scores[m.id()] = m.score()
            m.next()
        return scores

    # ------------------------------------------------------------------ unscored
    def docs(self, q: Any) -> set[int]:
        """The documents of the segment matching ``q`` (no scores: NOT and filters)."""
        kind = type(q)
        if kind in (wq.Term, wq.And, wq.Phrase) or isinstance(q, _Expansion) or \
                kind in _ANDNOTS:
            return set(self.scored(q))
        if kind in _ORS:
            found: set[int] = set()
            for sub in q.subqueries:
                found.update(self.docs(sub))
            return found
        m = q.matcher(self.sub, self.sub.boolean_context())
        return set(m.all_ids()) if m.is_active() else set()

    # ------------------------------------------------------------------ postings
    def posting_blocks(self, info: Any, fieldname: str) -> W3LeafMatcher:
        """See :func:`app.search.postings.posting_blocks`."""
        return posting_blocks(self.reader, info, fieldname)

    def term_info(self, fieldname: str, tbytes: bytes) -> Any | None:
        """The term's info in this (Whoosh 3) segment, None if absent (see
        :func:`app.search.lexicon.term_info`)."""
        return term_info(self.reader, fieldname, tbytes)

    def _postings(self, fieldname: str, tbytes: bytes) -> tuple[Any, Any, Any] | None:
        """See :func:`app.search.postings.postings`."""
        return postings(self.reader, fieldname, tbytes)


def _preloaded(q: Any, count: int, doc_count: int) -> bool:
    """Whoosh's choice of the preloaded (array) OR, for a search context that does not
    need the current match (``Or._matcher``; :class:`app.search.matchers.Or` keeps it)."""
    if q.matcher_type != q.AUTO_MATCHER:
        return bool(q.matcher_type == q.ARRAY_MATCHER)
    return not (count < q.TOO_MANY_CLAUSES and (q.scale or count == 2 or doc_count > 5000))


def _boosted(scores: Scores, boost: float) -> Scores:
    if boost == 1.0:
        return scores
    return {d: s * boost for d, s in scores.items()}


_NORMS: dict[tuple[float, float, float], list[float]] = {}


def _norms(B: float, K1: float, avgfl: float) -> list[float]:
    """``K1 * ((1 - B) + B * fl / avgfl)`` for every length byte (as ``bm25`` computes it)."""
    key = (B, K1, avgfl)
    table = _NORMS.get(key)
    if table is None:
        if len(_NORMS) > 256:
            _NORMS.clear()
        table = _NORMS[key] = [K1 * ((1 - B) + B * byte_to_length(b) / avgfl)
                               for b in range(256)]
    return table


def _note_absent(q: Any, leaves: list[Any]) -> None:
    """Record in each segment's term cache the expansions of ``q`` it lacks: every
    segment's words for the pattern are known, so the idf of a word needs no look-up
    in the segments without it (most segments, after a few single imports)."""
    expanded = [(leaf, set(q._btexts(leaf))) for leaf in leaves
                if is_w3(leaf)]
    every = set().union(*(words for _leaf, words in expanded))
    for leaf, words in expanded:
        for word in every:
            if word not in words:
                note_absent(leaf, q.fieldname, word)
