"""Drawing highlights: an interval index by block plus a QSyntaxHighlighter.

Formats applied by a ``QSyntaxHighlighter`` stay out of the document content (no undo
noise, no text change), and one added or removed highlight only re-runs
``rehighlightBlock`` on the blocks it covers (QT-NOTES §3: 4-12 ms instead of a full
pass). Overlaps are split into segments: each segment gets the blend of its
highlights' tints, and a dotted underline where two or more overlap. All positions in
this module are Qt (UTF-16) positions; callers convert with :mod:`app.gui.textpos`.
"""

from __future__ import annotations

import itertools
import logging
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from app.gui.colours import blend

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Mark:
    """One highlight as drawn: id, Qt span ``[start, end)`` and colour."""

    id: int
    start: int
    end: int
    colour: QColor

    @property
    def length(self) -> int:
        return self.end - self.start


class MarkIndex:
    """Marks indexed by the blocks (paragraphs) they touch, with margin lanes.

    The reader is read-only, so block boundaries never move: a mark is filed under
    every block it covers and a block's marks are a dictionary lookup.
    """

    def __init__(self, block_starts: list[int]) -> None:
        self._block_starts = block_starts or [0]
        self._marks: dict[int, Mark] = {}
        self._by_block: dict[int, list[Mark]] = {}
        self._lanes: dict[int, int] | None = None

    def __len__(self) -> int:
        return len(self._marks)

    def __contains__(self, mark_id: int) -> bool:
        return mark_id in self._marks

    def marks(self) -> list[Mark]:
        """All marks, in no particular order."""
        return list(self._marks.values())

    def get(self, mark_id: int) -> Mark | None:
        return self._marks.get(mark_id)

    def block_range(self, start: int, end: int) -> range:
        """Numbers of the blocks that the Qt span ``[start, end)`` touches."""
        first = bisect_right(self._block_starts, start) - 1
        last = bisect_right(self._block_starts, max(start, end - 1)) - 1
        return range(max(first, 0), max(last, 0) + 1)

    def add(self, mark: Mark) -> range:
        """File ``mark`` (replacing one with the same id); return the blocks to redraw."""
        old = self.remove(mark.id)
        self._marks[mark.id] = mark
        blocks = self.block_range(mark.start, mark.end)
        for number in blocks:
            self._by_block.setdefault(number, []).append(mark)
        self._lanes = None
        return _union(old, blocks)

    def remove(self, mark_id: int) -> range:
        """Forget a mark; return the blocks it covered (empty if unknown)."""
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
        return self._by_block.get(number, [])

    def at(self, pos: int) -> list[Mark]:
        """Marks covering the character at Qt position ``pos``."""
        number = bisect_right(self._block_starts, pos) - 1
        return [m for m in self.in_block(number) if m.start <= pos < m.end]

    def lanes(self) -> dict[int, int]:
        """Margin lane of every mark: overlapping marks never share a lane."""
        if self._lanes is None:
            self._lanes = assign_lanes(self._marks.values())
        return self._lanes

    def lane_count(self) -> int:
        lanes = self.lanes()
        return max(lanes.values(), default=-1) + 1


def assign_lanes(marks: Iterable[Mark]) -> dict[int, int]:
    """Greedy interval colouring: each mark takes the lowest lane free at its start."""
    lane_ends: list[int] = []
    lanes: dict[int, int] = {}
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


def block_starts(document: QTextDocument) -> list[int]:
    """Qt position of the first character of every block, in order."""
    starts = []
    block = document.begin()
    while block.isValid():
        starts.append(block.position())
        block = block.next()
    return starts


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


class HighlightRenderer(QSyntaxHighlighter):
    """Paints the marks of a :class:`MarkIndex` into one read-only document."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.index = MarkIndex([0])

    def reset(self, marks: Iterable[Mark], *, redraw: bool = True) -> None:
        """Replace every mark; redraw the whole document unless it is about to be set."""
        self.index = MarkIndex(block_starts(self.document()))
        for mark in marks:
            self.index.add(mark)
        if redraw:
            self.rehighlight()

    def set_marks_for_text(self, marks: Iterable[Mark], starts: list[int]) -> None:
        """Install marks before ``setPlainText`` (which then draws them once)."""
        self.index = MarkIndex(starts)
        for mark in marks:
            self.index.add(mark)

    def add_mark(self, mark: Mark) -> None:
        """Add or replace one mark, redrawing only the blocks it touches."""
        self._redraw(self.index.add(mark))

    def remove_mark(self, mark_id: int) -> None:
        """Remove one mark, redrawing only the blocks it covered."""
        self._redraw(self.index.remove(mark_id))

    def _redraw(self, blocks: range) -> None:
        document = self.document()
        for number in blocks:
            block = document.findBlockByNumber(number)
            if block.isValid():
                self.rehighlightBlock(block)

    def highlightBlock(self, text: str) -> None:
        """Qt callback: format the current block from the marks filed under it."""
        block = self.currentBlock()
        marks = self.index.in_block(block.blockNumber())
        if not marks:
            return
        origin = block.position()
        for a, b, active in segments(marks, origin, origin + len(text)):
            self.setFormat(a - origin, b - a, _segment_format(active))


def _segment_format(active: list[Mark]) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setBackground(blend([m.colour for m in active]))
    if len(active) >= 2:
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
        fmt.setUnderlineColor(QColor(Qt.GlobalColor.darkGray))
    return fmt
