"""Activating highlights in a reader: a click (or Enter) on a passage, repeated clicks
going round the highlights that overlap there; the margin's bars use the same."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QTextCursor

from app.gui.reader.overlays import ReaderOverlays


class ReaderClicks(ReaderOverlays):
    """Which highlight is active, chosen by clicks and Enter.

    Signals:
        highlightActivated(int): a highlight was clicked or chosen with Enter (0: none).
    """

    highlightActivated = Signal(int)

    _cycle: tuple[tuple[int, ...], int] = ((), 0)  # the last spot's highlights, the chosen

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """A plain click (no selection made) activates a highlight there: the innermost;
        clicking the same overlap again goes on to the next one, round."""
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and not self.textCursor().hasSelection():
            pos = self.cursorForPosition(event.position().toPoint()).position()
            self.activate_among(self.highlights_at_qt(pos))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter activates the highlight at the caret (again: the next one overlapping)."""
        if not self._is_editing and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            cursor = self.textCursor()
            pos = cursor.selectionStart() if cursor.hasSelection() else cursor.position()
            self.activate_among(self.highlights_at_qt(pos))
            return
        super().keyPressEvent(event)

    def activate_among(self, ids: Sequence[int]) -> int:
        """Activate one of the highlights ``ids`` (innermost first) found at one spot: the
        first, or the one after the last activated if the spot has the same highlights
        (repeated clicks cycle through an overlap). Returns its id (0: none there)."""
        ids = tuple(ids)
        if not ids:
            self._cycle = ((), 0)
            self.highlightActivated.emit(0)
            return 0
        seen, last = self._cycle
        chosen = ids[(ids.index(last) + 1) % len(ids)] if seen == ids and last in ids else ids[0]
        self._cycle = (ids, chosen)
        self.activate_highlight(chosen)
        return chosen

    def activate_highlight(self, highlight_id: int) -> None:
        """Select a highlight's passage without scrolling and announce it (the window's
        inspector shows it)."""
        mark = self.renderer.index.get(highlight_id)
        if mark is not None and not self._is_editing:
            bar = self.verticalScrollBar()
            value = bar.value()
            cursor = self.textCursor()
            cursor.setPosition(mark.end)
            cursor.setPosition(mark.start, QTextCursor.MoveMode.KeepAnchor)
            self.setTextCursor(cursor)
            bar.setValue(value)  # setTextCursor scrolls to the caret: the click stays put
        self.highlightActivated.emit(highlight_id)
