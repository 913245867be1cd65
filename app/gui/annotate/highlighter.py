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

import logging
from collections.abc import Iterable, Iterator

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import (
    QColor,
    QTextBlock,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextLayout,
)

from app.gui.annotate.mark_index import (
    IS_EVIDENCE,
    IS_MENTION,
    Interval,
    Mark,
    MarkIndex,
    assign_lanes,
    segments,
)
from app.gui.common.colours import blend

__all__ = ["IS_EVIDENCE", "IS_MENTION", "MENTION_COLOUR", "HighlightRenderer", "Interval",
           "Mark", "MarkIndex", "assign_lanes", "segments"]

log = logging.getLogger(__name__)

FORMAT_CACHE = 512
"""Distinct segment formats kept (one per combination of overlapping colours)."""

MENTION_COLOUR = QColor("#283593")
"""Underline of actor mentions: dark indigo, distinct from the grey overlap dots."""


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
