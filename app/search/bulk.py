"""Exact ranking in bulk: whole posting lists scored as arrays.

Whoosh scores a query by stepping a tree of matchers one posting at a time: every
posting costs several Python method calls per tree level, a locked seek and read of
its field length, and a block re-read per segment. A search here is exact anyway
(every match is scored and counted, see :mod:`app.search.ranking`), so nothing is
gained by stepping: each term's postings are read whole (ids and weights of each
block, one read of the field-length column per segment) and scored as numpy arrays,
AND/OR/NOT combine sorted arrays of document numbers and scores
(:class:`app.search.scored.Scores`), and the page is picked by a partial sort. In
Python, one score per posting in a list comprehension and a dictionary per term was
most of a search at 100,000 articles (170 ms of "Polizei Wien"); numpy's element-wise
``+ - * /`` on doubles round exactly as Python's floats do, so nothing else changes.

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
:data:`app.search.postings.CACHED_POSTINGS` postings (least recently used first out),
and the documents matching each phrase it was asked for.
"""

from __future__ import annotations

from math import log
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh import scoring
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.util.numeric import byte_to_length

from app.search import matchers
from app.search.bulk_phrases import phrase_scores
from app.search.expansion import _Expansion
from app.search.lexicon import note_absent, term_info
from app.search.postings import (
    Postings,
    doc_frequency,
    is_w3,
    posting_blocks,
    postings,
    postings_of,
)
from app.search.scored import NONE, Scores

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
    docs: list[Any] = []
    values: list[Any] = []
    shared: dict[Any, Any] = {}  # per-field statistics of the whole index, for every segment
    for sub, base in searcher.leaf_searchers():
        segment = _Segment(searcher, sub, shared)
        found = segment.scored(q)
        if only is not None and len(found):
            found = found.where(segment.member(found.ids, segment.docs(only)))
        docs.append(found.ids + base)
        values.append(found.scores)
    if not docs:
        return 0, []
    ids, scores = np.concatenate(docs), np.concatenate(values)
    page = _top(ids, scores, offset + limit)[offset:]
    return len(ids), list(zip(scores[page].tolist(), ids[page].tolist(), strict=True))


def _top(ids: Any, scores: Any, wanted: int) -> Any:
    """Indexes of the ``wanted`` best: highest score first, equal scores by document
    number. Only the documents scoring at least the ``wanted``-th best score are
    sorted (all those tied with it too, so ties are broken by number, not by chance)."""
    if wanted <= 0:
        return ids[:0]
    if wanted < len(ids):
        kth = np.partition(scores, len(ids) - wanted)[len(ids) - wanted]
        candidates = np.flatnonzero(scores >= kth)
    else:
        candidates = np.arange(len(ids))
    order = np.lexsort((ids[candidates], -scores[candidates]))
    return candidates[order[:wanted]]


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
            if len(scores):
                scores = scores.where(~self.member(scores.ids, self.docs(q.b)))
            return scores
        if q is wq.NullQuery or kind is type(wq.NullQuery):
            return NONE
        if kind is wq.Every and q.fieldname in (None, "", "*"):
            # every live document, scored as Whoosh's ListMatcher weighs it (a query
            # of only "-word" is Every minus the word)
            ids = self._live()
            return Scores(ids, np.full(len(ids), float(q.boost or 1.0)))
        return self._generic(q)

    def _live(self) -> Any:
        """The segment's live document numbers."""
        if not is_w3(self.reader):
            return np.fromiter(self.reader.all_doc_ids(), np.int64)
        ids = np.arange(self.doc_count, dtype=np.int64)
        deleted = self.reader.deleted_docs_set
        if deleted:
            ids = ids[~self.member(ids, np.fromiter(deleted, np.int64, len(deleted)))]
        return ids

    def member(self, ids: Any, of: Any) -> Any:
        """For each of ``ids``, whether it is in ``of`` (document numbers of the segment)."""
        mask = np.zeros(self.doc_count, bool)
        mask[of] = True
        return mask[ids]

    def _term(self, fieldname: str, text: Any, boost: float) -> Scores:
        looked_up = self._lookup(fieldname, text)
        if looked_up is None:
            return NONE
        field, tbytes = looked_up
        found = self._postings(fieldname, tbytes) if field.scorable else None
        if found is None:
            return self._generic(wq.Term(fieldname, text, boost=boost))
        if not len(found.ids):
            return NONE
        scores = self._bm25(fieldname, self._idf(fieldname, tbytes), found.weights, found.lens)
        return Scores(found.ids.astype(np.int64), scores).times(boost)

    def _lookup(self, fieldname: str, text: Any) -> tuple[Any, bytes] | None:
        """The field and the term's bytes; None if the schema has no such field or
        the text is no term of it."""
        if fieldname not in self.top.schema:
            return None
        field = self.top.schema[fieldname]
        try:
            return field, field.to_bytes(text)
        except ValueError:
            return None

    def _bm25(self, fieldname: str, idf: Any, weights: Any, lens: Any) -> Any:
        """``bm25`` of each posting: ``idf`` (one, or one per posting) times the
        term-frequency part, with the field's length norm (Whoosh's length of 1 where
        the field has no length column)."""
        avgfl, norm = self._field_stats(fieldname)
        k1p1 = self.K1 + 1
        w = weights.astype(np.float64)  # the doubles Whoosh reads
        if lens is None:
            one = self.K1 * ((1 - self.B) + self.B * 1 / avgfl)
            return idf * ((w * k1p1) / (w + one))
        return idf * ((w * k1p1) / (w + norm[lens]))

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

    def _field_stats(self, fieldname: str) -> tuple[float, Any]:
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
            return NONE
        if len(words) == 1:
            return self._term(q.fieldname, words[0], q.boost)
        found = self._words(q.fieldname, words)
        if found is None:
            return self._sum([self._term(q.fieldname, w, 1.0) for w in words], q.boost)
        ids, scores = found
        if q.boost != 1.0:
            scores = scores * q.boost
        # added per document in word order, from 0.0, as _sum adds the words' scores
        summed = np.bincount(ids, weights=scores, minlength=self.doc_count)
        matched = np.flatnonzero(np.bincount(ids, minlength=self.doc_count))
        return Scores(matched, summed[matched])

    def _words(self, fieldname: str, words: list[bytes]) -> tuple[Any, Any] | None:
        """Each word's documents and scores (as :meth:`_term` with boost 1), one word
        after the other in two arrays, scored in one go: a wildcard has hundreds of
        words, and numpy's cost per call on each word's few postings was most of it.
        None where :meth:`_term` would not score in bulk."""
        if fieldname not in self.top.schema or not self.top.schema[fieldname].scorable:
            return None
        found = postings_of(self.reader, fieldname, words)
        if found is None:
            return None
        counts = [len(p.ids) for p in found]
        ids = np.concatenate([p.ids for p in found]).astype(np.int64)
        weights = np.concatenate([p.weights.astype(np.float64) for p in found])
        idf = np.repeat([self._idf(fieldname, word) for word in words], counts)
        # all from the segment's one length column for the field, or none has one
        lens = None if found[0].lens is None else np.concatenate([p.lens for p in found])
        return ids, self._bm25(fieldname, idf, weights, lens)

    def _or(self, q: Any) -> Scores:
        subs = q.subqueries
        if not subs:
            return NONE
        if len(subs) == 1:  # Whoosh uses the child's matcher alone (its boost too)
            return self.scored(subs[0])
        if q.scale:
            return self._generic(q)
        children = [self.scored(s) for s in subs]
        if _preloaded(q, len(subs), self.doc_count):
            return self._sum(children, q.boost)
        return self._sum(children, 1.0).times(q.boost)

    def _and(self, q: Any) -> Scores:
        subs = q.subqueries
        if not subs:
            return NONE
        if len(subs) == 1:
            return self.scored(subs[0])
        children = [self.scored(s) for s in subs]
        smallest = min(children, key=len)
        common = smallest.ids
        for child in children:
            if not len(common):
                return NONE
            if child is not smallest:
                common = common[self.member(common, child.ids)]
        if not len(common):
            return NONE
        summed = np.zeros(len(common))
        for child in children:  # query order (for two children the order is moot)
            summed += child.scores[np.searchsorted(child.ids, common)]
        return Scores(common, summed).times(q.boost)

    def _sum(self, children: list[Scores], boost: float) -> Scores:
        """Children's scores times ``boost`` added in child order, from 0.0 (ArrayUnion's
        sums): into an array over the segment's documents, each child's documents once."""
        children = [c for c in children if len(c)]
        if not children:
            return NONE
        dense = np.zeros(self.doc_count)
        matched = np.zeros(self.doc_count, bool)
        for child in children:
            dense[child.ids] += child.scores if boost == 1.0 else child.scores * boost
            matched[child.ids] = True
        ids = np.flatnonzero(matched)
        return Scores(ids, dense[ids])

    def _generic(self, q: Any) -> Scores:
        """Whoosh's own matcher, stepped through: for phrases, ranges, ``Every``..."""
        m = q.matcher(self.sub, self.context)
        scores: dict[int, float] = {}
        while m.is_active():
            scores[m.id()] = m.score()
            m.next()
        return Scores.of(scores)

    # ------------------------------------------------------------------ unscored
    def docs(self, q: Any) -> Any:
        """The documents of the segment matching ``q``, ascending (no scores: NOT and
        filters)."""
        kind = type(q)
        if kind is wq.Term:
            return self._term_docs(q)
        if kind in (wq.And, wq.Phrase) or isinstance(q, _Expansion) or kind in _ANDNOTS:
            return self.scored(q).ids
        if kind in _ORS:
            matched = np.zeros(self.doc_count, bool)
            for sub in q.subqueries:
                matched[self.docs(sub)] = True
            return np.flatnonzero(matched)
        m = q.matcher(self.sub, self.sub.boolean_context())
        found = sorted(m.all_ids()) if m.is_active() else []
        return np.array(found, np.int64)

    def _term_docs(self, q: wq.Term) -> Any:
        """A term's documents from its postings, scorable field or not: the search
        service filters every search by kind, and stepping Whoosh's matcher over the
        100,000 postings of ``kind:article`` was 170 ms of each search."""
        looked_up = self._lookup(q.fieldname, q.text)
        if looked_up is None:
            return NONE.ids
        found = self._postings(q.fieldname, looked_up[1])
        if found is None:
            return self.scored(q).ids
        return found.ids.astype(np.int64)

    # ------------------------------------------------------------------ postings
    def posting_blocks(self, info: Any, fieldname: str) -> W3LeafMatcher:
        """See :func:`app.search.postings.posting_blocks`."""
        return posting_blocks(self.reader, info, fieldname)

    def term_info(self, fieldname: str, tbytes: bytes) -> Any | None:
        """The term's info in this (Whoosh 3) segment, None if absent (see
        :func:`app.search.lexicon.term_info`)."""
        return term_info(self.reader, fieldname, tbytes)

    def _postings(self, fieldname: str, tbytes: bytes) -> Postings | None:
        """See :func:`app.search.postings.postings`."""
        return postings(self.reader, fieldname, tbytes)


def _preloaded(q: Any, count: int, doc_count: int) -> bool:
    """Whoosh's choice of the preloaded (array) OR, for a search context that does not
    need the current match (``Or._matcher``; :class:`app.search.matchers.Or` keeps it)."""
    if q.matcher_type != q.AUTO_MATCHER:
        return bool(q.matcher_type == q.ARRAY_MATCHER)
    return not (count < q.TOO_MANY_CLAUSES and (q.scale or count == 2 or doc_count > 5000))


_NORMS: dict[tuple[float, float, float], Any] = {}


def _norms(B: float, K1: float, avgfl: float) -> Any:
    """``K1 * ((1 - B) + B * fl / avgfl)`` for every length byte (as ``bm25`` computes
    it, in Python's doubles), as a numpy array to index by length bytes."""
    key = (B, K1, avgfl)
    table = _NORMS.get(key)
    if table is None:
        if len(_NORMS) > 256:
            _NORMS.clear()
        table = _NORMS[key] = np.array([K1 * ((1 - B) + B * byte_to_length(b) / avgfl)
                                        for b in range(256)])
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
