"""Exact ranking: every matching document is scored and counted, whatever the page size.

Whoosh's ``TopCollector`` prunes in two ways once its heap of the best ``limit``
documents is full. Block-quality skipping (``optimize=True``) jumps over posting
blocks whose best score cannot enter the heap, so it cannot count matches. And,
even with ``optimize=False``, every few documents it calls
``matcher.replace(minscore)``, which lets union matchers drop whole sub-queries
whose best possible score is below the heap's minimum: the documents matched only
by those sub-queries are never seen. Totals then depended on the page size
(``Kasachstan OR Tokayev``: 191 hits with a page of 20, 450 with 1,000). The
collector here keeps the heap but shows the matcher a minimum score of 0, so
nothing is pruned and the total is the number of matching documents.
"""

from __future__ import annotations

from typing import Any

from whoosh import collectors
from whoosh import query as wq
from whoosh.searching import Searcher


class ExactTopCollector(collectors.TopCollector):
    """The best ``limit`` documents of all matches, which are all scored and counted.

    Ties are broken by document number (index order), as Whoosh does, so pages are
    consistent while the index is unchanged.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(limit=limit, usequality=False)

    @property
    def minscore(self) -> float:
        """Always 0: the matcher must never drop sub-queries by their score bound."""
        return 0.0

    @minscore.setter
    def minscore(self, _value: float) -> None:
        """Ignored (Whoosh sets it to the heap's lowest score to prune with it)."""

    def _use_block_quality(self) -> bool:
        return False


def ranked(
    searcher: Searcher, q: wq.Query, offset: int, limit: int, only: wq.Query | None = None
) -> tuple[int, list[Any]]:
    """The total number of matches and the hits ranked ``offset`` to ``offset + limit``.

    ``only`` keeps only the documents it matches (a filter: it does not score).

    Returns:
        ``(total, hits)`` where ``hits`` are Whoosh :class:`~whoosh.searching.Hit`
        objects (``score``, ``docnum``, ``fields()``), best first.
    """
    wanted = max(1, offset + limit)
    if wanted >= searcher.doc_count():
        collector: Any = collectors.UnlimitedCollector()  # scores and sorts every match
    else:
        collector = ExactTopCollector(wanted)
    top = collector if only is None else collectors.FilterCollector(collector, allow=only)
    searcher.search_with_collector(q, top)
    results = top.results()
    total = len(results)
    return total, list(results[offset : offset + limit])
