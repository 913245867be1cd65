"""Geometry of a reader's laid-out text: where spans sit, which blocks and highlights
are on screen, selecting and scrolling to code-point spans, and the search-hit outlines
painted over the text.

Qt lays a long text out lazily; everything here asks only for blocks already laid out,
unless a caller needs a position (then Qt lays out up to there, once per document).
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QRectF, QTimer
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QTextBlock, QTextCursor, QTextLine
from PySide6.QtWidgets import QTextEdit

from app.gui.annotate.highlighter import HighlightRenderer, Mark
from app.gui.common.textpos import TextPositions

LAYOUT_STEP_MS = 10
"""Interval of the background layout steps (Qt's own lazy layout uses 10 ms too)."""
LAYOUT_BUDGET_S = 0.004
"""Time one background layout step may take before yielding to painting and input."""
LAYOUT_STRIDE = 8
"""Blocks laid out per request within a step."""


def _is_laid_out(block: QTextBlock) -> bool:
    """True if Qt has laid the block out (asking its rectangle then costs nothing)."""
    return block.layout().lineCount() > 0

class ReaderLayout(QTextEdit):
    """Span geometry, visible blocks and selection of a reader (the base of ReaderView)."""

    renderer: HighlightRenderer
    _positions: TextPositions
    _hits: list[tuple[int, int]]  # Qt spans, sorted
    _hit_index: int
    _is_editing: bool
    layout_timer: QTimer  # runs _layout_step until the whole text is laid out
    _extents: dict[tuple[int, int, int], tuple[float, float]]  # see mark_extent

    def y_of(self, cp: int) -> float:
        """Document y (pixels, the scrollbar's unit) of the line holding code point ``cp``.

        Lays the text out up to there if Qt has not yet (once per document).
        """
        pos = self._positions.to_qt(cp)
        rects = self.span_rects(pos, pos + 1)
        return rects[0].center().y() if rects else 0.0

    def selected_span(self) -> tuple[int, int] | None:
        """Code-point span of the current selection, or None."""
        cursor = self.textCursor()
        if self._is_editing or not cursor.hasSelection():  # edited: positions are stale
            return None
        start, end = self._positions.span_from_qt(cursor.selectionStart(), cursor.selectionEnd())
        return (start, end) if end > start else None

    def select_span(self, start: int, end: int) -> None:
        """Select the code-point span ``[start, end)`` and centre it in the view (a hit or
        passage opened from search or the inspector never sits at the pane's edge)."""
        qs, qe = self._positions.span_to_qt(start, end)
        cursor = self.textCursor()
        cursor.setPosition(qs)
        cursor.setPosition(qe, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self._scroll_to_qt(qs, qe, centre=True)

    def scroll_to_span(self, start: int, end: int) -> None:
        """Scroll so the code-point span sits in the upper third of the view."""
        self._scroll_to_qt(*self._positions.span_to_qt(start, end))

    def _scroll_to_qt(self, start: int, end: int, *, centre: bool = False) -> None:
        rects = self.span_rects(start, max(end, start + 1))
        if not rects:
            return
        bar = self.verticalScrollBar()
        top, bottom = rects[0].top(), rects[-1].bottom()
        height = self.viewport().height()
        if centre:
            bar.setValue(int(top - max(0.0, height - (bottom - top)) / 2))
        elif top < bar.value() or bottom > bar.value() + height:
            bar.setValue(int(top - height / 3))

    def highlight_ids_at(self, cp: int) -> list[int]:
        """Ids of highlights covering code point ``cp``, innermost (shortest) first."""
        marks = self.renderer.index.at(self._positions.to_qt(cp))
        return [m.id for m in sorted(marks, key=lambda m: (m.length, m.id))]

    def highlights_at_qt(self, pos: int) -> list[int]:
        """Highlights at a Qt cursor position (the char after it, else the one before),
        innermost (shortest) first."""
        index = self.renderer.index
        marks = index.at(pos) or (index.at(pos - 1) if pos > 0 else [])
        return [m.id for m in sorted(marks, key=lambda m: (m.length, m.id))]

    def highlight_at_qt(self, pos: int) -> int:
        """Innermost highlight at a Qt cursor position (0: none)."""
        ids = self.highlights_at_qt(pos)
        return ids[0] if ids else 0


    def span_rects(self, start: int, end: int) -> list[QRectF]:
        """Document-coordinate rectangles covering the Qt span ``[start, end)``, per line."""
        document = self.document()
        layout = document.documentLayout()
        rects: list[QRectF] = []
        block = document.findBlock(start)
        while block.isValid() and block.position() < end:
            origin = layout.blockBoundingRect(block).topLeft()
            base = block.position()
            a = max(start, base) - base
            b = min(end, base + block.length() - 1) - base
            text_layout = block.layout()
            for i in range(text_layout.lineCount()):
                line = text_layout.lineAt(i)
                lo, hi = line.textStart(), line.textStart() + line.textLength()
                if (hi <= a or lo >= b) and not (a == b == lo):
                    continue
                x1, x2 = _x_at(line, max(a, lo)), _x_at(line, min(b, hi))
                rects.append(
                    QRectF(origin.x() + min(x1, x2), origin.y() + line.y(),
                           max(abs(x2 - x1), 2.0), line.height())
                )
            block = block.next()
        return rects

    def mark_extent(self, mark: Mark) -> tuple[float, float]:
        """Top and bottom (document coordinates) of the lines a mark covers.

        The margin asks this for every visible highlight on every paint: the lines of
        its first and last characters are looked up directly (``span_rects`` measured
        the x of every line between, 3 ms a frame while scrolling); a span starting or
        ending at a line break, or in a block not laid out, takes the general way.
        Extents found directly are kept until the layout changes (:meth:`watch_layout`):
        the look-ups were 35 µs a line, 1.8 ms of each paint of the margin.
        """
        key = (mark.id, mark.start, mark.end)
        known = self._extents.get(key)
        if known is not None:
            return known
        first = self._line_box(mark.start)
        last = self._line_box(mark.end - 1) if mark.end - 1 > mark.start else first
        if first is not None and last is not None:
            self._extents[key] = first[0], last[1]
            return first[0], last[1]
        rects = self.span_rects(mark.start, mark.end)
        if not rects:
            return 0.0, 0.0
        return rects[0].top(), rects[-1].bottom()

    def watch_layout(self) -> None:
        """Forget kept extents whenever the document's layout or text changes (a
        resize, a zoom, an edit, formats laying a block out again, the lazy layout going
        on); call for each new document."""
        self._extents.clear()
        document = self.document()
        layout = document.documentLayout()
        layout.update.connect(self._forget_extents)
        layout.updateBlock.connect(self._forget_extents)
        layout.documentSizeChanged.connect(self._forget_extents)
        document.contentsChange.connect(self._forget_extents)

    def _forget_extents(self, *_args: object) -> None:
        self._extents.clear()

    def _line_box(self, pos: int) -> tuple[float, float] | None:
        """Top and bottom of the laid-out line holding the character at Qt position
        ``pos``; None at a block's end (the paragraph separator) or if not laid out."""
        block = self.document().findBlock(pos)
        offset = pos - block.position()
        if not 0 <= offset < block.length() - 1:
            return None
        line = block.layout().lineForTextPosition(offset)
        if not line.isValid():
            return None
        top = self.document().documentLayout().blockBoundingRect(block).top() + line.y()
        return top, top + line.height()

    def visible_blocks(self) -> range:
        """Numbers of the blocks at least partly inside the viewport.

        A binary search over the rectangles of blocks already laid out. QTextEdit lays
        a long text out lazily (the first screen in ``setPlainText``, the rest in idle
        chunks); asking for the rectangle of a block not laid out yet would force the
        layout up to it (about 60 ms on 500 KB), and ``cursorForPosition`` costs up to
        a millisecond. Painting lays out every visible block first, so during a paint
        the answer is exact.
        """
        document = self.document()
        layout = document.documentLayout()
        top = self.verticalScrollBar().value()
        bottom = top + self.viewport().height()
        lo, hi = 0, document.blockCount() - 1
        while lo < hi:
            mid = (lo + hi) // 2
            block = document.findBlockByNumber(mid)
            if _is_laid_out(block) and layout.blockBoundingRect(block).bottom() <= top:
                lo = mid + 1
            else:
                hi = mid
        block = document.findBlockByNumber(lo)
        last = lo
        while (block.isValid() and _is_laid_out(block)
               and layout.blockBoundingRect(block).top() < bottom):
            last = block.blockNumber()
            block = block.next()
        return range(lo, last + 1)

    def visible_marks(self) -> list[Mark]:
        """Marks touching a visible block, each once."""
        seen: dict[int, Mark] = {}
        for number in self.visible_blocks():
            for mark in self.renderer.index.in_block(number):
                seen.setdefault(mark.id, mark)
        return list(seen.values())

    def _layout_step(self) -> None:
        """Lay out the next blocks of the text (a few ms a step) until the end is reached,
        each block with its highlight formats.

        Qt lays a long text out lazily in timer steps itself, but stops for good once a
        block it had laid out is laid out again (the highlight formats of the blocks on
        screen do that): without these steps a long article with highlights could not be
        scrolled past the part laid out so far (found by bench_reader's scroll frames).
        Formats go in before a block's layout (free); set when the block scrolls into
        view they re-laid it out within that frame. The blocks Qt laid out itself, before
        their formats, are formatted here too, a few a step, so scrolling finds every
        block ready.
        """
        document = self.document()
        is_done = _is_laid_out(document.lastBlock())
        block = QTextBlock() if is_done else self._first_unlaid_block()
        self._format_laid_out(document.blockCount() if is_done else block.blockNumber())
        if is_done:
            self.renderer.index.file_pending()  # laid out without this timer (a resize)
            if not self.renderer.has_stale_blocks:
                self.layout_timer.stop()
            return
        deadline = time.perf_counter() + LAYOUT_BUDGET_S
        last = document.blockCount() - 1
        while block.isValid() and time.perf_counter() < deadline:
            target = document.findBlockByNumber(min(block.blockNumber() + LAYOUT_STRIDE, last))
            end = target.position() + target.length() - 1
            self.renderer.ensure(range(block.blockNumber(), target.blockNumber() + 1))
            # Qt believes it is done: asking for a rectangle would not lay anything out,
            # a (formats-only) change of these blocks does
            document.markContentsDirty(block.position(), end - block.position())
            block = target.next()

    def _format_laid_out(self, limit: int) -> None:
        """Format a few of the blocks before block ``limit`` still waiting for their
        highlights (laid out already: each is laid out again, here rather than while
        it scrolls into view)."""
        renderer = self.renderer
        if renderer.has_stale_blocks:
            renderer.ensure(renderer.stale_before(limit)[:LAYOUT_STRIDE])

    def _first_unlaid_block(self) -> QTextBlock:
        """The first block Qt has not laid out (laid-out blocks form a prefix)."""
        document = self.document()
        lo, hi = 0, document.blockCount() - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if _is_laid_out(document.findBlockByNumber(mid)):
                lo = mid + 1
            else:
                hi = mid
        return document.findBlockByNumber(lo)

    def _draw_visible(self) -> None:
        """Format the highlights of the blocks on screen that are not drawn yet."""
        if self.renderer.has_stale_blocks:
            self.renderer.ensure(self.visible_blocks())

    def paintEvent(self, event: QPaintEvent) -> None:
        """Paint the text, then outline boxes around the visible search hits.

        Blocks scrolled into view get their highlight formats first (usually done
        already on scrolling; this catches every other way of becoming visible).
        """
        self._draw_visible()
        super().paintEvent(event)
        if not self._hits:
            return
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        dx = -self.horizontalScrollBar().value()
        dy = -self.verticalScrollBar().value()
        visible = self.visible_blocks()
        for i, (start, end) in enumerate(self._hits):
            block = self.document().findBlock(start).blockNumber()
            if block > visible.stop:
                break
            if self.document().findBlock(max(start, end - 1)).blockNumber() < visible.start:
                continue
            current = i == self._hit_index
            pen = QPen(QColor("#e65100" if current else "#1565c0"), 2.0 if current else 1.2)
            painter.setPen(pen)
            for rect in self.span_rects(start, end):
                painter.drawRoundedRect(rect.translated(dx, dy).adjusted(-1, 0, 1, 0), 2, 2)
        painter.end()


def _x_at(line: QTextLine, position: int) -> float:
    """The x of a cursor at ``position`` in ``line`` (PySide6 returns ``(x, position)``;
    its stubs say ``object``)."""
    result: Any = line.cursorToX(position)
    return float(result[0])
