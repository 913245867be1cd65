"""Corrections of Whoosh query matchers that return wrong documents.

``AndNotMatcher`` (``a ANDNOT b``) checks at its start only whether ``a`` and ``b``
are on the same document; when ``b`` starts *before* ``a``'s first document it is
not advanced, so ``a``'s first document in a segment is returned even if ``b``
matches it ("Abkommen -Vertrag" found an article titled "Abkommens Minister
Verträge"). :class:`AndNot` is ``whoosh.query.AndNot`` with a matcher that
advances ``b`` first.
"""

from __future__ import annotations

from typing import Any

from whoosh import matching
from whoosh import query as wq


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
