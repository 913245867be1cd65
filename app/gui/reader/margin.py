"""The margin lane beside a reader's text: one coloured bar per highlight, lanes for
overlaps, and a right-hand column marking agreement evidence by stance. Clicking a bar
selects its highlight."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QHelpEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QToolTip, QWidget

from app.gui.annotate.highlighter import Mark

if TYPE_CHECKING:
    from app.gui.reader.view import ReaderView

LANE_WIDTH = 4
"""Pixel width of one margin lane."""
MAX_LANES = 8
"""Lanes drawn at most; deeper overlaps share the last lane (the text still blends)."""
LANE_STEP = 4
"""Lanes the margin has room for until more overlap."""
EVIDENCE_WIDTH = 8
"""Pixel width of the margin column that marks agreement evidence."""
STANCE_COLOURS = {"supports": "#2e7d32", "contradicts": "#c62828", "mentions": "#757575"}
"""Colour of an evidence marker by stance (a conflicting stance wins: see ``_stance``)."""


class MarginBar(QWidget):
    """Left margin of a reader: one coloured stripe per highlight, lanes for overlaps."""

    def __init__(self, reader: ReaderView) -> None:
        super().__init__(reader)
        self._reader = reader
        self.setCursor(Qt.CursorShape.PointingHandCursor)  # bars are clickable

    def lanes_shown(self) -> int:
        return min(self._reader.renderer.index.lane_count(), MAX_LANES)

    def sizeHint(self) -> QSize:
        """Room for 4 lanes, or MAX_LANES when more overlap.

        The width changes in one step only: every change of the viewport margin makes
        Qt lay out the whole document again (30-90 ms on 500 KB).
        """
        return QSize(self._lanes_width() + EVIDENCE_WIDTH, 0)

    def _lanes_width(self) -> int:
        lanes = LANE_STEP if self.lanes_shown() <= LANE_STEP else MAX_LANES
        return 4 + lanes * (LANE_WIDTH + 1)

    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw the stripes of the highlights in the visible blocks only, and evidence
        markers in the right column."""
        painter = QPainter(self)
        painter.fillRect(event.rect(), self.palette().window())
        visible = self._reader.visible_marks()  # first: files marks filed late, if any
        lanes = self._reader.renderer.index.lanes()
        offset = self._reader.verticalScrollBar().value()
        for mark in visible:
            lane = min(lanes.get(mark.id, 0), MAX_LANES - 1)
            top, bottom = self._reader.mark_extent(mark)
            x = self.lane_x(lane)
            painter.fillRect(
                QRectF(x, top - offset, LANE_WIDTH, max(bottom - top, 2.0)), mark.colour
            )
            if mark.is_evidence:
                self._paint_evidence(painter, mark, top - offset, bottom - offset)
        painter.end()

    def _paint_evidence(self, painter: QPainter, mark: Mark, top: float, bottom: float) -> None:
        """A bar with a notch at its top: the passage is cited for an agreement."""
        colour = QColor(STANCE_COLOURS.get(self._reader.evidence_stance(mark.id), "#757575"))
        x = self._lanes_width() + 1
        painter.fillRect(QRectF(x + 2, top, 3, max(bottom - top, 2.0)), colour)
        painter.fillRect(QRectF(x, top, EVIDENCE_WIDTH - 2, 3), colour)

    def evidence_at(self, y: float) -> list[int]:
        """Ids of the evidence highlights whose marker spans viewport height ``y``."""
        offset = self._reader.verticalScrollBar().value()
        out = []
        for mark in self._reader.visible_marks():
            if mark.is_evidence:
                top, bottom = self._reader.mark_extent(mark)
                if top - offset <= y <= max(bottom, top + 2.0) - offset:
                    out.append(mark.id)
        return out

    def lane_x(self, lane: int) -> float:
        """Left x of lane number ``lane`` (0 is the leftmost)."""
        return 2 + min(lane, MAX_LANES - 1) * (LANE_WIDTH + 1)

    def marks_at(self, x: float, y: float) -> list[int]:
        """Highlights whose bar (or evidence marker) is at viewport point ``(x, y)``,
        innermost (shortest) first. A lane's gap counts as the lane: bars are 4 px wide."""
        if x >= self._lanes_width():
            return self.evidence_at(y)
        visible = self._reader.visible_marks()  # first: files marks filed late, if any
        lanes = self._reader.renderer.index.lanes()
        offset = self._reader.verticalScrollBar().value()
        found = []
        for mark in visible:
            left = self.lane_x(lanes.get(mark.id, 0))
            if not left <= x < left + LANE_WIDTH + 1:
                continue
            top, bottom = self._reader.mark_extent(mark)
            if top - offset <= y <= max(bottom, top + 2.0) - offset:
                found.append(mark)
        return [m.id for m in sorted(found, key=lambda m: (m.length, m.id))]

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Clicking a bar selects its highlight (again: the next one sharing the spot)."""
        if event.button() == Qt.MouseButton.LeftButton:
            point = event.position()
            ids = self.marks_at(point.x(), point.y())
            if ids:
                self._reader.activate_among(ids)
                event.accept()
                return
        super().mousePressEvent(event)

    def event(self, event: QEvent) -> bool:
        """Hovering an evidence marker names its agreements."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = "\n".join(self._reader.describe(h) for h in self.evidence_at(event.y()))
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)
