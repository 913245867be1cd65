"""Corrections of Whoosh query matchers: wrong documents, and a slow union.

``AndNotMatcher`` (``a ANDNOT b``) checks at its start only whether ``a`` and ``b``
are on the same document; when ``b`` starts *before* ``a``'s first document it is
not advanced, so ``a``'s first document in a segment is returned even if ``b``
matches it ("Abkommen -Vertrag" found an article titled "Abkommens Minister
Verträge"). :class:`AndNot` is ``whoosh.query.AndNot`` with a matcher that
advances ``b`` first.

``ArrayUnionMatcher`` (the "preloaded" OR Whoosh picks for segments under 5,000
documents and for wildcard expansions) allocated and cleared a 2,048-slot array in
Python for every segment and every OR, even a one-document segment: on an index of a
bulk import and 20 single imports that was 40 % of all search time. :class:`Or` is
``whoosh.query.Or`` with :class:`ArrayUnion`, which sizes the array to the segment and
clears it in C; it adds the same scores in the same order (same results, same floats).
"""

from __future__ import annotations

from array import array
from typing import Any

from whoosh import matching
from whoosh import query as wq
from whoosh.matching.combo import ArrayUnionMatcher, CombinationMatcher


class _AndNotMatcher(matching.AndNotMatcher):
    """``AndNotMatcher`` that also skips ``a``'s first document when ``b`` is behind it."""

    def _find_first(self) -> None:
        if self.a.is_active() and self.b.is_active():
            self._find_next()  # advances b to a's document, then a past b's documents


class AndNot(wq.AndNot):
    """Documents matching ``a`` and not ``b``, scored by ``a`` (see the module docstring)."""

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        scored = self.a.matcher(searcher, context)
        excluded = self.b.matcher(searcher, searcher.boolean_context())
        return _AndNotMatcher(scored, excluded)


class ArrayUnion(ArrayUnionMatcher):
    """``ArrayUnionMatcher`` with an array no larger than the segment, cleared in C."""

    def __init__(self, submatchers: list[Any], doccount: int, boost: float = 1.0,
                 scored: bool = True, partsize: int = 2048) -> None:
        CombinationMatcher.__init__(self, submatchers, boost=boost)
        self._scored = scored
        self._doccount = doccount
        self._partsize = max(1, min(partsize or doccount, doccount))
        self._zeros = array("d", bytes(8 * self._partsize))
        self._a = array("d", self._zeros)
        self._docnum = self._min_id()
        self._read_part()

    def _read_part(self) -> None:
        """Whoosh's ``_read_part`` (same sums, same order) with a C-level clear."""
        scored, boost = self._scored, self._boost
        offset = self._docnum
        limit = min(offset + self._partsize, self._doccount)
        a = self._a
        a[:] = self._zeros
        for m in self._submatchers:
            while m.is_active() and m.id() < limit:
                if scored:
                    a[m.id() - offset] += m.score() * boost
                else:
                    a[m.id() - offset] = 1
                m.next()
        self._offset = offset
        self._limit = limit


class Or(wq.Or):
    """``whoosh.query.Or`` whose preloaded variant uses :class:`ArrayUnion`; Whoosh's
    choice between it and a tree of union matchers is kept."""

    def _matcher(self, subs: list[Any], searcher: Any, context: Any) -> Any:
        if self._preloaded(subs, searcher, context):
            scored = context.weighting is not None if context else True
            matchers = [sub.matcher(searcher, context) for sub in subs]
            return ArrayUnion(matchers, searcher.doc_count_all(), boost=self.boost,
                              scored=scored)
        return super()._matcher(subs, searcher, context)

    def _preloaded(self, subs: list[Any], searcher: Any, context: Any) -> bool:
        """Whoosh's rule (``Or._matcher``) for the preloaded union."""
        if self.matcher_type != self.AUTO_MATCHER:
            return bool(self.matcher_type == self.ARRAY_MATCHER)
        needs_current = context.needs_current if context else True
        return not (len(subs) < self.TOO_MANY_CLAUSES and (
            needs_current or self.scale or len(subs) == 2 or searcher.doc_count_all() > 5000))
