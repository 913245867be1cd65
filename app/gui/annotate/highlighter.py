"""Drawing highlights: an interval index by block plus a lazy block formatter.

Formats go into each block's ``QTextLayout`` (as a ``QSyntaxHighlighter`` does), so
they stay out of the document content (no undo noise, no text change); one added or
removed highlight only re-runs ``rehighlightBlock`` on the blocks it covers (QT-NOTES
§3: 4-12 ms instead of a full pass), and opening an article formats only the blocks on
screen (the rest when they scroll into view). Overlaps are split into segments: each
segment gets the blend of its highlights' tints, and a dotted underline where two or
more overlap; a passage marked as an actor mention gets a solid underline in
:data:`MENTION_COLOUR` instead (it wins over the overlap underline). All positions in
this module are Qt (UTF-16) positions; callers convert with :mod:`app.gui.common.textpos`.
"""

from __future__ import annotations

import itertools
import logging
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple, Protocol

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import (
    QColor,
    QTextBlock,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextLayout,
)

from app.gui.common.colours import blend

log = logging.getLogger(__name__)

FORMAT_CACHE = 512
"""Distinct segment formats kept (one per combination of overlapping colours)."""

IS_MENTION = 1
"""Mark flag: the highlight names an actor (drawn with a solid underline)."""
IS_EVIDENCE = 2
"""Mark flag: the highlight is evidence for an agreement (the reader's margin marks it)."""
MENTION_COLOUR = QColor("#283593")
"""Underline of actor mentions: dark indigo, distinct from the grey overlap dots."""


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


class HighlightRenderer(QObject):
    """Paints the marks of a :class:`MarkIndex` into the block layouts of one document.

    It works like a ``QSyntaxHighlighter`` (formats go into ``QTextLayout.setFormats``
    and stay out of the document content) but lazily: a block is formatted only when
    the view asks for it, normally because it is about to be painted. A syntax
    highlighter re-runs on every block during ``setPlainText`` (830 Python callbacks on
    a 500 KB article, 3 ms even when they do nothing, 30 ms with 1,000 highlights); here
    opening an article formats only the dozen blocks on screen.
    """

    def __init__(self, document: QTextDocument, parent: QObject | None = None) -> None:
        super().__init__(document if parent is None else parent)
        self._document = document
        self.index = MarkIndex([0])
        self._stale: set[int] = set()  # blocks whose formats lag behind the index
        self._formats: dict[tuple[int, ...], QTextCharFormat] = {}

    def document(self) -> QTextDocument:
        return self._document

    def set_document(self, document: QTextDocument) -> None:
        """Draw into ``document`` from now on (a reader shows each article in a new one);
        call :meth:`install` for its text before it is shown."""
        self._document = document

    def install(self, marks: Iterable[Mark], starts: list[int],
                later: Iterator[Mark] | None = None, lane_count: int = 0) -> None:
        """Index marks for a text about to be set (``starts``: its Qt block starts);
        ``later``: marks sorted by start after all of ``marks``, filed as their blocks
        are asked for (``lane_count``: the lanes of all).

        Nothing is drawn: blocks are formatted by :meth:`ensure` as they are shown.
        """
        self.index = MarkIndex(starts)
        self.index.add_all(marks)
        self._stale = set(self.index.marked_blocks())
        if later is not None:
            self.index.on_filed = self._mark_stale
            self.index.defer(later, lane_count)

    def _mark_stale(self, blocks: set[int]) -> None:
        """Blocks touched by marks filed later wait for formatting (none was formatted
        yet: formatting a block files its marks first)."""
        self._stale |= blocks

    def reset(self, marks: Iterable[Mark]) -> None:
        """Replace every mark of the text shown; blocks are redrawn as they are shown."""
        old = self.index
        drawn = set(old.marked_blocks()) - self._stale
        self.index = MarkIndex(old.block_starts())
        self.index.add_all(marks)
        self._stale = drawn | set(self.index.marked_blocks())

    def stale_blocks(self) -> set[int]:
        """Numbers of the blocks not yet formatted from the current marks."""
        self.index.file_pending()
        return set(self._stale)

    def stale_before(self, limit: int) -> list[int]:
        """Blocks before block ``limit`` waiting for formats, ascending (marks filed
        later are not filed for this)."""
        return sorted(n for n in self._stale if n < limit)

    @property
    def has_stale_blocks(self) -> bool:
        """True while some block still waits to be formatted (cheap, called per paint)."""
        return bool(self._stale) or self.index.has_pending

    def ensure(self, numbers: Iterable[int]) -> None:
        """Format those of the blocks ``numbers`` whose formats are out of date.

        All in one edit block, and the blocks that were laid out already are marked
        dirty in one call covering them all: on opening a 500 KB article that takes the
        on-screen formatting from 4.4 to 1.5 ms (one ``markContentsDirty`` per block
        costs a re-layout pass each).
        """
        numbers = list(numbers)
        if numbers and self.index.has_pending:
            self.index.file_through_block(max(numbers))
        stale = [n for n in numbers if n in self._stale]
        if not stale:
            return
        dirty_from, dirty_to = -1, -1
        cursor = QTextCursor(self._document)
        cursor.beginEditBlock()
        try:
            for number in stale:
                block = self._document.findBlockByNumber(number)
                if not block.isValid():
                    self._stale.discard(number)
                elif self._format_block(block):
                    start = block.position()
                    dirty_from = start if dirty_from < 0 else min(dirty_from, start)
                    dirty_to = max(dirty_to, start + block.length())
            if dirty_from >= 0:  # once for the lot: each call costs ~0.4 ms of re-layout
                self._document.markContentsDirty(dirty_from, dirty_to - dirty_from)
        finally:
            cursor.endEditBlock()

    def add_mark(self, mark: Mark) -> None:
        """Add or replace one mark, redrawing only the blocks it touches."""
        self._redraw(self.index.add(mark))

    def remove_mark(self, mark_id: int) -> None:
        """Remove one mark, redrawing only the blocks it covered."""
        self._redraw(self.index.remove(mark_id))

    def rehighlight(self) -> None:
        """Format every block now (slow on long articles: tests and full repaints only)."""
        block = self._document.begin()
        while block.isValid():
            self.rehighlightBlock(block)
            block = block.next()

    def _redraw(self, blocks: range) -> None:
        """Redraw drawn blocks now; stale ones wait until they are shown."""
        document = self._document
        for number in blocks:
            if number in self._stale:
                continue
            block = document.findBlockByNumber(number)
            if block.isValid():
                self.rehighlightBlock(block)

    def rehighlightBlock(self, block: QTextBlock) -> None:
        """Format one block from the marks filed under it and have Qt re-lay it out."""
        if self._format_block(block):
            self._document.markContentsDirty(block.position(), block.length())

    def _format_block(self, block: QTextBlock) -> bool:
        """Set one block's formats; True if it was laid out and must be laid out again."""
        number = block.blockNumber()
        self._stale.discard(number)
        layout = block.layout()
        origin = block.position()
        ranges = []
        for a, b, active in segments(self.index.in_block(number), origin,
                                     origin + block.length() - 1):
            piece = QTextLayout.FormatRange()
            piece.start, piece.length, piece.format = a - origin, b - a, self._format(active)
            ranges.append(piece)
        if not ranges and not layout.formats():
            return False
        is_laid_out = layout.lineCount() > 0  # setFormats drops the lines: ask first
        layout.setFormats(ranges)
        return is_laid_out  # if not, Qt lays it out later, with the formats

    def _format(self, active: list[Mark]) -> QTextCharFormat:
        is_mention = any(m.flags & IS_MENTION for m in active)
        key = (is_mention, *sorted(m.colour.rgba() for m in active))
        fmt = self._formats.get(key)
        if fmt is None:
            if len(self._formats) > FORMAT_CACHE:
                self._formats.clear()
            fmt = self._formats[key] = _segment_format(active, is_mention)
        return fmt


def _segment_format(active: list[Mark], is_mention: bool) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setBackground(blend([m.colour for m in active]))
    if is_mention:
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
        fmt.setUnderlineColor(MENTION_COLOUR)
    elif len(active) >= 2:
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
        fmt.setUnderlineColor(QColor(Qt.GlobalColor.darkGray))
    return fmt
