"""Merging the index's segments: after bulk loads and when idle, never during a search.

Every small commit adds a segment (small commits skip merging to stay fast, see
:data:`app.search.index.MERGE_EVERY`), and each segment costs every search a matcher per
query word, a lexicon scan per wildcard and a few file reads: an index after a bulk
import and 20 single imports searched half as fast as the same index in one segment.

:func:`merge_segments` folds the small segments (at most a tenth of the largest) into
one, so its cost follows their size, not the index's; with ``full=True`` it rewrites
everything into one segment (``optimize``: about 40 s of CPU at 10,000 articles; a bulk
import in batches of 2,000 leaves five large segments, which only this joins). It
runs in the caller's thread (the indexer's, when its queue is empty) and takes only the
index's writer: searches go on with the old segments meanwhile and switch to the merged
one after the commit (a search waits only while the new segment's reader is opened).
Results and totals do not change (tested).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from whoosh.reading import SegmentReader

if TYPE_CHECKING:
    from app.search.index import SearchIndex

log = logging.getLogger(__name__)

DELETED_SHARE = 0.2
"""A large segment is merged too when at least this share of its documents is deleted
(replaced articles leave deleted copies that every search still walks)."""

SMALL_SHARE = 0.1
"""A segment is small, and merged by :func:`merge_small_segments`, if it holds at most
this share of the largest segment's documents: the merge then rewrites a small part of
the index (a bulk import leaves a few large segments, which only a full merge joins)."""


def _is_small(segment: Any, largest: int) -> bool:
    count = segment.doc_count_all()
    return bool(count <= SMALL_SHARE * largest or
                segment.deleted_count() >= DELETED_SHARE * count)


def small_segments(segments: list[Any]) -> list[Any]:
    """The segments :func:`merge_small_segments` merges (none if fewer than two)."""
    if len(segments) < 2:
        return []
    largest = max(s.doc_count_all() for s in segments)
    small = [s for s in segments if _is_small(s, largest)]
    return small if len(small) >= 2 or any(s.deleted_count() for s in small) else []


def merge_small_segments(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy: the small segments (:data:`SMALL_SHARE`, or many deletions)
    go into the new segment; returns the segments kept as they are (the ``mergetype``
    contract)."""
    merged = small_segments(list(segments))
    for segment in merged:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [s for s in segments if s not in merged]


def needs_merge(index: SearchIndex) -> bool:
    """True if the index has more than one segment or deleted documents to drop."""
    segments = index.segments()
    return len(segments) > 1 or any(s.deleted_count() for s in segments)


def merge_segments(index: SearchIndex, *, full: bool = False, timeout: float = 0.0) -> bool:
    """Merge the index's segments (see the module docstring); False if there was nothing
    to merge or the writer was busy for ``timeout`` seconds (idle work yields: try later).

    Call it from a worker thread after a bulk drain and when the indexer is idle; never
    from the GUI thread (a small merge takes tenths of a second, a full one tens of
    seconds). Searches are not blocked.

    Raises:
        SearchIndexError: the merge failed (the index is unchanged).
    """
    if not needs_merge(index) or (not full and not small_segments(index.segments())):
        return False
    merged = index.merge(None if full else merge_small_segments, timeout=timeout)
    if merged:
        log.info("search index at %s merged (%s)", index.directory, "full" if full else "small")
    return merged
