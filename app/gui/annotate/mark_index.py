"""Highlights as marks and the interval index the reader files them in, by text block.

No Qt text classes here (a mark's colour is its only Qt value): the index decides which
blocks an added or removed highlight touches, which marks cover a position and each mark's
margin lane;
:mod:`app.gui.annotate.highlighter` turns a block's marks into formats. Positions are Qt
(UTF-16) positions; callers convert with :mod:`app.gui.common.textpos`.
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple, Protocol

from PySide6.QtGui import QColor

IS_MENTION = 1
"""Mark flag: the highlight names an actor (drawn with a solid underline)."""
IS_EVIDENCE = 2
"""Mark flag: the highlight is evidence for an agreement (the reader's margin marks it)."""
class Mark(NamedTuple):
    """One highlight as drawn: id, Qt span ``[start, end)``, colour and ``IS_*`` flags.

    A named tuple, not a frozen dataclass: opening an article builds one per highlight,
    and a frozen dataclass cost 2 µs each (1,000 highlights: 2 ms of CPU against 0.4 ms).
    Immutable all the same; change one with ``_replace``.
    """

    id: int
    start: int
    end: int
    colour: QColor
    flags: int = 0

    @property
    def is_mention(self) -> bool:
        return bool(self.flags & IS_MENTION)

    @property
    def is_evidence(self) -> bool:
        return bool(self.flags & IS_EVIDENCE)

    @property
    def length(self) -> int:
        return self.end - self.start


class Interval(Protocol):
    """What lanes are assigned from: a mark, or a stored span (code points)."""

    @property
    def id(self) -> int: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


class MarkIndex:
    """Marks indexed by the blocks (paragraphs) they touch, with margin lanes.

    The reader is read-only, so block boundaries never move: a mark is filed under
    every block it covers and a block's marks are a dictionary lookup.

    Marks can be filed later (:meth:`defer`): opening a long article files those of
    the first screen and the rest as the text is laid out. Every reader asking about
    a block gets its marks filed first, anything asking about all marks gets all.
    """

    def __init__(self, block_starts: list[int]) -> None:
        self._block_starts = block_starts or [0]
        self._marks: dict[int, Mark] = {}
        self._by_block: defaultdict[int, list[Mark]] = defaultdict(list)
        self._lanes: dict[int, int] | None = None
        self._lane_ends: list[int] = []  # end of the last mark in each lane
        self._pending: Iterator[Mark] | None = None  # sorted by start, after every filed
        self._next: Mark | None = None  # the first pending mark
        self._lane_floor = 0  # lanes of all marks, filed or not, while some are pending
        self.on_filed: Callable[[set[int]], None] | None = None  # blocks of later marks

    def __len__(self) -> int:
        self.file_pending()
        return len(self._marks)

    def __contains__(self, mark_id: int) -> bool:
        self.file_pending()
        return mark_id in self._marks

    def marks(self) -> list[Mark]:
        """All marks, in no particular order."""
        self.file_pending()
        return list(self._marks.values())

    def get(self, mark_id: int) -> Mark | None:
        self.file_pending()
        return self._marks.get(mark_id)

    # -- filing later ------------------------------------------------------------

    def defer(self, marks: Iterator[Mark], lane_count: int) -> None:
        """File ``marks`` when asked for: they must be sorted by start and start at or
        after every mark filed so far (so the lanes of those stay as they are);
        ``lane_count`` counts the lanes of all marks (the margin's width)."""
        self.file_pending()
        self._next = next(marks, None)
        self._pending = marks if self._next is not None else None
        self._lane_floor = lane_count

    @property
    def has_pending(self) -> bool:
        """True while some marks wait to be filed."""
        return self._pending is not None

    def file_through_block(self, number: int) -> None:
        """File the waiting marks that can touch blocks up to ``number``."""
        if self._pending is not None:
            following = number + 1
            starts = self._block_starts
            self.file_pending(starts[following] if following < len(starts) else None)

    def file_pending(self, before: int | None = None) -> None:
        """File the waiting marks starting before Qt position ``before`` (all: None)."""
        if self._pending is None:
            return
        batch, mark, pending = [], self._next, self._pending
        while mark is not None and (before is None or mark.start < before):
            batch.append(mark)
            mark = next(pending, None)
        self._next = mark
        if mark is None:
            self._pending = None
        if batch:
            blocks = self._file(batch)
            if self._lanes is not None:  # they start after every filed mark: go on
                assign_lanes(batch, self._lane_ends, self._lanes)
            if self.on_filed is not None:
                self.on_filed(blocks)

    def block_starts(self) -> list[int]:
        """Qt position where each block begins (shared, do not modify)."""
        return self._block_starts

    def marked_blocks(self) -> list[int]:
        """Numbers of the blocks at least one mark touches."""
        self.file_pending()
        return list(self._by_block)

    def add_all(self, marks: Iterable[Mark]) -> None:
        """File many marks at once (a known id replaces its mark).

        :meth:`block_range` inlined: on opening an article this runs once per
        highlight, and the method call, ``range`` and ``setdefault`` per mark were
        a third of the cost of opening.
        """
        self.file_pending()
        self._file(marks)
        self._lanes = None

    def _file(self, marks: Iterable[Mark]) -> set[int]:
        """File marks under their blocks; the numbers of those blocks."""
        by_block, known, starts = self._by_block, self._marks, self._block_starts
        touched: set[int] = set()
        for mark in marks:
            if mark.id in known:
                touched.update(self.add(mark))
                continue
            known[mark.id] = mark
            first = bisect_right(starts, mark.start) or 1  # block first - 1 holds the start
            last = bisect_right(starts, mark.end - 1, first)
            if last <= first:  # most marks lie inside one paragraph
                by_block[first - 1].append(mark)
                touched.add(first - 1)
            else:
                for number in range(first - 1, last):
                    by_block[number].append(mark)
                touched.update(range(first - 1, last))
        return touched

    def block_range(self, start: int, end: int) -> range:
        """Numbers of the blocks that the Qt span ``[start, end)`` touches."""
        first = bisect_right(self._block_starts, start) - 1
        last = bisect_right(self._block_starts, max(start, end - 1)) - 1
        return range(max(first, 0), max(last, 0) + 1)

    def add(self, mark: Mark) -> range:
        """File ``mark`` (replacing one with the same id); return the blocks to redraw."""
        self.file_pending()
        old = self.remove(mark.id)
        self._marks[mark.id] = mark
        blocks = self.block_range(mark.start, mark.end)
        for number in blocks:
            self._by_block.setdefault(number, []).append(mark)
        self._lanes = None
        return _union(old, blocks)

    def remove(self, mark_id: int) -> range:
        """Forget a mark; return the blocks it covered (empty if unknown)."""
        self.file_pending()
        mark = self._marks.pop(mark_id, None)
        if mark is None:
            return range(0)
        blocks = self.block_range(mark.start, mark.end)
        for number in blocks:
            kept = [m for m in self._by_block.get(number, ()) if m.id != mark_id]
            if kept:
                self._by_block[number] = kept
            else:
                self._by_block.pop(number, None)
        self._lanes = None
        return blocks

    def in_block(self, number: int) -> list[Mark]:
        """Marks touching block ``number``."""
        self.file_through_block(number)
        return self._by_block.get(number, [])

    def at(self, pos: int) -> list[Mark]:
        """Marks covering the character at Qt position ``pos``."""
        number = bisect_right(self._block_starts, pos) - 1
        return [m for m in self.in_block(number) if m.start <= pos < m.end]

    def lanes(self) -> dict[int, int]:
        """Margin lane of every filed mark: overlapping marks never share a lane.

        Marks waiting to be filed start after every filed one, so the lanes of the
        filed ones are those they keep once all are filed (greedy by start).
        """
        if self._lanes is None:
            self._lane_ends = []
            self._lanes = assign_lanes(self._marks.values(), self._lane_ends)
        return self._lanes

    def lane_count(self) -> int:
        lanes = self.lanes()
        count = max(lanes.values(), default=-1) + 1
        return max(count, self._lane_floor) if self._pending is not None else count


def assign_lanes(marks: Iterable[Interval], lane_ends: list[int] | None = None,
                 lanes: dict[int, int] | None = None) -> dict[int, int]:
    """Greedy interval colouring: each mark takes the lowest lane free at its start.

    ``lane_ends`` (the end of the last mark in each lane) and ``lanes`` continue an
    assignment of marks that all start before these; both are updated in place.
    """
    lane_ends = [] if lane_ends is None else lane_ends
    lanes = {} if lanes is None else lanes
    for mark in sorted(marks, key=lambda m: (m.start, -m.end, m.id)):
        for lane, end in enumerate(lane_ends):
            if end <= mark.start:
                lane_ends[lane] = mark.end
                lanes[mark.id] = lane
                break
        else:
            lanes[mark.id] = len(lane_ends)
            lane_ends.append(mark.end)
    return lanes


def _union(a: range, b: range) -> range:
    if not a:
        return b
    if not b:
        return a
    return range(min(a.start, b.start), max(a.stop, b.stop))


def segments(marks: list[Mark], lo: int, hi: int) -> list[tuple[int, int, list[Mark]]]:
    """Split ``[lo, hi)`` at every mark boundary; keep pieces covered by some mark."""
    cuts = {lo, hi}
    for m in marks:
        cuts.add(min(max(m.start, lo), hi))
        cuts.add(min(max(m.end, lo), hi))
    ordered = sorted(cuts)
    pieces = []
    for a, b in itertools.pairwise(ordered):
        active = [m for m in marks if m.start <= a and m.end >= b]
        if active and b > a:
            pieces.append((a, b, active))
    return pieces
