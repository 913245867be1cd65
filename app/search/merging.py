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

:func:`fold_segments` is the cheap fold the indexer runs after every drain that
committed: a logarithmic policy (segments grouped by size in powers of
:data:`FOLD_FACTOR`; a full group is merged with everything smaller), so the segment
count stays about ``FOLD_FACTOR - 1`` per size level however many single edits arrive,
and each document is rewritten once per level. :func:`idle_merge` is what the indexer
runs when no change came for a while: everything into one segment, or, when the
largest segment dwarfs the rest, everything else into one (a tenth of the cost).
Every merge here may be given an ``interrupt`` event: set, it stops the merge between
two documents or postings and leaves the index as it was (the new changes a colleague
just made must not wait for a long merge).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Protocol

from whoosh.reading import SegmentReader

from app.core.errors import SearchIndexError

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

FOLD_FACTOR = 4
"""Segments whose live document counts share ``floor(log_4(count))`` form a size level;
:func:`fold_segments` merges a level once it holds this many."""

FOLD_MAX_DOCS = 2000
"""The most live documents one fold after a drain may rewrite (a larger group waits for
the idle merge)."""

QUICK_FOLD_DOCS = 16
"""A fold of at most this many live documents is quick and the indexer may let it
finish; a larger one yields to new changes. (Measured: 31 one- and two-note segments,
66 documents, 1.4 s of CPU; Whoosh copies a segment term by term, about 1 ms a term, so
four one-article segments cost about a second.)"""

INTERRUPT_EVERY = 64
"""Documents or postings copied between two looks at the interrupt event."""

Policy = Callable[[Any, list[Any]], list[Any]]


class Interrupt(Protocol):
    """What a merge looks at to stop early: a ``threading.Event`` or alike."""

    def is_set(self) -> bool: ...


class MergeInterrupted(Exception):
    """Raised inside a merge whose interrupt event was set (the writer is cancelled)."""


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
    return _merging(small_segments(list(segments)))(writer, segments)


def _level(segment: Any) -> int:
    return int(math.log(max(1, segment.doc_count()), FOLD_FACTOR))


def fold_group(segments: list[Any]) -> list[Any]:
    """The segments :func:`fold_segments` merges: the lowest size level holding
    :data:`FOLD_FACTOR` segments, with every smaller segment (none if no level is full,
    or if the group holds more than :data:`FOLD_MAX_DOCS` live documents)."""
    levels: dict[int, int] = {}
    for segment in segments:
        levels[_level(segment)] = levels.get(_level(segment), 0) + 1
    full = [level for level, count in levels.items() if count >= FOLD_FACTOR]
    if not full:
        return []
    group = [s for s in segments if _level(s) <= min(full)]
    return group if sum(s.doc_count() for s in group) <= FOLD_MAX_DOCS else []


def quick_group(segments: list[Any]) -> list[Any]:
    """The smallest segments holding together at most :data:`QUICK_FOLD_DOCS` live
    documents (none if fewer than two): a fold that is cheap whatever the sizes."""
    group: list[Any] = []
    for segment in sorted(segments, key=lambda s: s.doc_count()):
        if sum(s.doc_count() for s in group) + segment.doc_count() > QUICK_FOLD_DOCS:
            break
        group.append(segment)
    return group if len(group) >= 2 else []


def idle_group(segments: list[Any]) -> list[Any] | None:
    """What :func:`idle_merge` merges: None for everything (the rest is at least
    :data:`SMALL_SHARE` of the largest segment, or the largest has many deletions), else
    every segment but the largest ([] if that is one clean segment)."""
    if not segments:
        return []
    largest = max(segments, key=lambda s: s.doc_count_all())
    rest = [s for s in segments if s is not largest]
    others = sum(s.doc_count_all() for s in rest)
    if (others >= SMALL_SHARE * largest.doc_count_all()
            or largest.deleted_count() >= DELETED_SHARE * largest.doc_count_all()):
        return None if len(segments) > 1 or largest.deleted_count() else []
    return rest if len(rest) > 1 or any(s.deleted_count() for s in rest) else []


def _merging(chosen: list[Any], interrupt: Interrupt | None = None) -> Policy:
    """A Whoosh merge policy that merges ``chosen`` into the new segment (stopping with
    :class:`MergeInterrupted` once ``interrupt`` is set) and keeps the others."""
    ids = {s.segment_id() for s in chosen}

    def policy(writer: Any, segments: list[Any]) -> list[Any]:
        for segment in segments:
            if segment.segment_id() in ids:
                _check(interrupt)
                reader = SegmentReader(writer.storage, writer.schema, segment)
                try:
                    writer.add_reader(reader if interrupt is None
                                      else _Interruptible(reader, interrupt))
                finally:
                    reader.close()
        _check(interrupt)
        return [s for s in segments if s.segment_id() not in ids]
    return policy


def _check(interrupt: Interrupt | None) -> None:
    if interrupt is not None and interrupt.is_set():
        raise MergeInterrupted


class _Interruptible:
    """A segment reader whose documents and postings stop coming once ``interrupt`` is
    set: the two loops of ``SegmentWriter.add_reader`` that copy a segment."""

    def __init__(self, reader: Any, interrupt: Interrupt) -> None:
        self._reader = reader
        self._interrupt = interrupt

    def __getattr__(self, name: str) -> Any:
        return getattr(self._reader, name)

    def iter_docs(self) -> Iterator[Any]:
        return self._checked(self._reader.iter_docs())

    def iter_postings(self) -> Iterator[Any]:
        return self._checked(self._reader.iter_postings())

    def check_interrupt(self) -> None:
        """Raise :class:`MergeInterrupted` if the interrupt is set: the tuned writer
        (app.search.segment_postings) calls it while it copies the segment's terms."""
        _check(self._interrupt)

    def _checked(self, items: Iterator[Any]) -> Iterator[Any]:
        for n, item in enumerate(items):
            if n % INTERRUPT_EVERY == 0:
                _check(self._interrupt)
            yield item


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


def fold_segments(index: SearchIndex, interrupt: Interrupt | None = None,
                  interrupt_long: Interrupt | None = None) -> bool:
    """Merge the lowest full size level (see :func:`fold_group`); False if no level is
    full, the writer is busy, or an interrupt was set (the index is then unchanged):
    ``interrupt`` stops any fold, ``interrupt_long`` only one of more than
    :data:`QUICK_FOLD_DOCS` documents. Run after every drain; keeps the segment count
    logarithmic."""
    group = fold_group(index.segments())
    if not group:
        return False
    if sum(s.doc_count() for s in group) > QUICK_FOLD_DOCS and interrupt_long is not None:
        interrupt = AnyOf(interrupt, interrupt_long)
    return _merge(index, group, interrupt, "fold")


def quick_fold(index: SearchIndex, interrupt: Interrupt | None = None) -> bool:
    """Merge the :func:`quick_group`; False if there is none, the writer is busy or
    ``interrupt`` was set."""
    group = quick_group(index.segments())
    return bool(group) and _merge(index, group, interrupt, "quick fold")


def idle_merge(index: SearchIndex, interrupt: Interrupt | None = None) -> bool:
    """Merge what :func:`idle_group` says (usually everything into one segment); False if
    there was nothing to merge, the writer was busy or ``interrupt`` was set."""
    segments = index.segments()
    group = idle_group(segments)
    if group == []:
        return False
    return _merge(index, segments if group is None else group, interrupt,
                  "full" if group is None else "all but the largest")


class AnyOf:
    """Set when either of two interrupts is."""

    def __init__(self, first: Interrupt | None, second: Interrupt) -> None:
        self._events = [e for e in (first, second) if e is not None]

    def is_set(self) -> bool:
        return any(e.is_set() for e in self._events)


def _merge(index: SearchIndex, group: list[Any], interrupt: Interrupt | None,
           what: str) -> bool:
    try:
        merged = index.merge(_merging(group, interrupt))
    except SearchIndexError as error:
        if isinstance(error.__cause__, MergeInterrupted):
            log.debug("search index merge (%s) interrupted: new changes first", what)
            return False
        raise
    if merged:
        log.info("search index at %s merged (%s, %s segments)", index.directory, what,
                 len(group))
    return merged
