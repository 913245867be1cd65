"""Merging the index's segments: after bulk loads and when idle, never during a search.

Every small commit adds a segment (small commits skip merging to stay fast, see
:data:`app.search.index.MERGE_EVERY`), and each segment costs every search a matcher per
query word, a lexicon scan per wildcard and a few file reads: an index after a bulk
import and 20 single imports searched half as fast as the same index in one segment.

:func:`merge_segments` folds the small segments into one (keeping the largest as it is,
so the cost follows the size of the small ones, not the index), or with ``full=True``
rewrites everything into one segment (``optimize``: about 40 s at 10,000 articles). It
runs in the caller's thread (the indexer's, when its queue is empty) and takes only the
index's writer: searches go on with the old segments and switch to the merged one when
it is committed (the new reader is opened before the searcher is swapped, so no search
waits for the merge). Results and totals do not change (tested).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from whoosh.reading import SegmentReader

if TYPE_CHECKING:
    from app.search.index import SearchIndex

log = logging.getLogger(__name__)

DELETED_SHARE = 0.2
"""The largest segment is merged too when at least this share of its documents is
deleted (replaced articles leave deleted copies that every search still walks)."""


def merge_small_segments(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy: every segment but the largest goes into the new segment.

    The largest stays unless many of its documents are deleted (:data:`DELETED_SHARE`).
    Returns the segments kept as they are (Whoosh's ``mergetype`` contract).
    """
    if len(segments) < 2:
        return list(segments)
    largest = max(segments, key=lambda s: s.doc_count_all())
    keep = [] if largest.deleted_count() >= DELETED_SHARE * largest.doc_count_all() \
        else [largest]
    for segment in segments:
        if segment in keep:
            continue
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return keep


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
    if not needs_merge(index):
        return False
    if not full and len(index.segments()) < 2 and not _largest_has_many_deletions(index):
        return False
    policy = None if full else merge_small_segments
    merged = index.merge(policy, timeout=timeout)
    if merged:
        log.info("search index at %s merged (%s)", index.directory, "full" if full else "small")
    return merged


def _largest_has_many_deletions(index: SearchIndex) -> bool:
    segments = index.segments()
    largest = max(segments, key=lambda s: s.doc_count_all())
    return bool(largest.deleted_count() >= DELETED_SHARE * largest.doc_count_all())
