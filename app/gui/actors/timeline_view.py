"""The agreement timeline: each agreement's status history on a time axis.

One row per agreement (its title above, its events below). An event is drawn over the
whole period its partial date covers (:func:`app.core.dates.period`): "2025-11" is a bar
across November, "2025" across the year, a day a narrow mark. Undated events sit in a
column left of the axis. Colours say the status. Clicking an event opens the passage that
reports it (a menu when several do, or the agreement's passages when none cites this
event); clicking a title shows the agreement. Ctrl+wheel zooms the time axis; the axis
stays at the top of the view while scrolling.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QMouseEvent,
    QPainter,
    QPen,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QGraphicsLineItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QMenu,
    QWidget,
)

from app.core.actor_records import Agreement, Event, Evidence
from app.core.agreement_status import ordered_events
from app.core.changes import Changes
from app.core.dates import period
from app.core.errors import ValidationError
from app.gui.common.controller import NotebookController

log = logging.getLogger(__name__)

STATUS_COLOURS = {
    "proposed": "#a0a0a0", "negotiating": "#c9b98f", "announced": "#f28e2b",
    "signed": "#4e79a7", "ratified": "#76b7b2", "in force": "#59a14f",
    "implemented": "#2f7d32", "suspended": "#e15759", "terminated": "#7a1f1f",
}
AXIS_HEIGHT = 26.0
ROW_HEIGHT = 44.0
BAR_TOP, BAR_HEIGHT = 18.0, 14.0
MIN_BAR = 6.0  # a single day is still a visible, clickable mark
UNDATED_WIDTH = 90.0  # the column of undated events, left of the axis
ZOOM_STEP = 1.25
PX_PER_DAY_LIMITS = (0.02, 60.0)
ITEM_KIND, ITEM_ID = 0, 1  # QGraphicsItem data keys: "event" | "agreement", id
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass(frozen=True)
class EventBar:
    """Where an event is drawn: its period's first and last day (None when undated)."""

    event: Event
    first: dt.date | None
    last: dt.date | None

    @property
    def days(self) -> int:
        """How many days the bar covers (0 when undated)."""
        return (self.last - self.first).days + 1 if self.first and self.last else 0


def event_bar(event: Event) -> EventBar:
    """The period of an event's partial date (an unreadable date counts as undated)."""
    if not event.date:
        return EventBar(event, None, None)
    try:
        first, last = period(event.date)
    except ValidationError:
        log.warning("event %s has an unreadable date %r: drawn as undated", event.id,
                    event.date)
        return EventBar(event, None, None)
    return EventBar(event, first, last)


class TimelineView(QGraphicsView):
    """Agreements over time, from their status histories."""

    passageClicked = Signal(int, int, int)  # article id, start, end (code points)
    agreementClicked = Signal(int)

    def __init__(self, controller: NotebookController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setBackgroundBrush(QColor("#fbfbfb"))
        self.actor_id: int | None = None
        self.agreements: list[Agreement] = []
        self.bars: dict[int, tuple[EventBar, QGraphicsRectItem]] = {}
        self.titles: dict[int, QGraphicsSimpleTextItem] = {}
        self.menu: QMenu | None = None
        self.px_per_day = 1.0
        self.origin = dt.date(2000, 1, 1)
        self._auto_fit = True  # fit the span to the width until the user zooms
        controller.changed.connect(self._on_changed)
        controller.notebookOpened.connect(self.refresh)
        self.refresh()

    # -- data -----------------------------------------------------------------------------
    def set_actor(self, actor_id: int | None) -> None:
        """Show only the agreements ``actor_id`` is a party to (None: all)."""
        self.actor_id = actor_id
        self.refresh()

    def refresh(self, *_args: Any) -> None:
        """Read the agreements again and redraw."""
        self.agreements = [a for a in self._controller.nb.agreements.list(
            sort="date", actor_id=self.actor_id) if a.events]
        dates = [d for a in self.agreements for e in a.events
                 for d in (event_bar(e).first, event_bar(e).last) if d]
        self.origin = dt.date(min(dates).year, 1, 1) if dates else dt.date.today().replace(
            month=1, day=1)
        self._end = dt.date(max(dates).year + 1, 1, 1) if dates else self.origin.replace(
            year=self.origin.year + 1)
        if self._auto_fit:
            self.fit_width()
            return
        self.redraw()

    def refit(self) -> None:
        """Fit the time span to the width, and keep doing so on resize (until a zoom)."""
        self._auto_fit = True
        self.fit_width()

    def fit_width(self) -> None:
        """Zoom so that the whole time span fits the view's width."""
        span = max((self._end - self.origin).days, 1)
        room = max(self.viewport().width() - UNDATED_WIDTH - 60, 200)
        self.px_per_day = min(max(room / span, PX_PER_DAY_LIMITS[0]), PX_PER_DAY_LIMITS[1])
        self.redraw()

    def x_of(self, day: dt.date) -> float:
        """Scene x of the start of ``day``."""
        return (day - self.origin).days * self.px_per_day

    # -- drawing --------------------------------------------------------------------------
    def redraw(self) -> None:
        scene = self.scene()
        scene.clear()
        self.bars.clear()
        self.titles.clear()
        for row, agreement in enumerate(self.agreements):
            self._draw_row(agreement, AXIS_HEIGHT + row * ROW_HEIGHT)
        right = max(self.x_of(self._end), scene.itemsBoundingRect().right(), 400.0)
        height = AXIS_HEIGHT + max(len(self.agreements), 1) * ROW_HEIGHT + 10
        scene.setSceneRect(QRectF(-UNDATED_WIDTH - 20, 0, right + UNDATED_WIDTH + 40, height))
        if not self.agreements:
            hint = scene.addSimpleText("No agreement with a status history"
                                       + (" for this actor" if self.actor_id else ""))
            hint.setPos(0, AXIS_HEIGHT + 10)
            hint.setBrush(QColor("#707070"))

    def _draw_row(self, agreement: Agreement, top: float) -> None:
        bars = [event_bar(e) for e in ordered_events(list(agreement.events))]
        dated = [b for b in bars if b.first]
        title = QGraphicsSimpleTextItem(agreement.title)
        start = self.x_of(dated[0].first) if dated and dated[0].first else -UNDATED_WIDTH
        # A title that would run past the end of the axis ends there instead.
        end = self.x_of(self._end)
        title.setPos(max(min(start, end - title.boundingRect().width()), -UNDATED_WIDTH),
                     top + 1)
        title.setData(ITEM_KIND, "agreement")
        title.setData(ITEM_ID, agreement.id)
        title.setToolTip(f"{agreement.title} — {agreement.type}; click to show the agreement")
        title.setCursor(Qt.CursorShape.PointingHandCursor)
        self.scene().addItem(title)
        self.titles[agreement.id] = title
        self._draw_connector(dated, top)
        undated = 0
        for bar in bars:
            if bar.first is None:
                rect = QRectF(-UNDATED_WIDTH + undated * 14, top + BAR_TOP, 10, BAR_HEIGHT)
                undated += 1
            else:
                assert bar.last is not None
                width = max(self.x_of(bar.last + dt.timedelta(days=1)) - self.x_of(bar.first),
                            MIN_BAR)
                rect = QRectF(self.x_of(bar.first), top + BAR_TOP, width, BAR_HEIGHT)
            self._draw_event(agreement, bar, rect)

    def _draw_connector(self, dated: list[EventBar], top: float) -> None:
        if len(dated) < 2 or dated[0].first is None or dated[-1].first is None:
            return
        y = top + BAR_TOP + BAR_HEIGHT / 2
        line = QGraphicsLineItem(self.x_of(dated[0].first), y, self.x_of(dated[-1].first), y)
        line.setPen(QPen(QColor("#9a9a9a"), 1.5))
        line.setZValue(-1)
        self.scene().addItem(line)

    def _draw_event(self, agreement: Agreement, bar: EventBar, rect: QRectF) -> None:
        event = bar.event
        item = QGraphicsRectItem(rect)
        colour = QColor(STATUS_COLOURS.get(event.status, "#808080"))
        if bar.first is None:
            item.setBrush(QBrush(colour, Qt.BrushStyle.Dense4Pattern))
        else:
            colour.setAlpha(200)
            item.setBrush(QBrush(colour))
        item.setPen(QPen(QColor("#303030"), 0.8))
        item.setData(ITEM_KIND, "event")
        item.setData(ITEM_ID, event.id)
        item.setCursor(Qt.CursorShape.PointingHandCursor)
        cited = len(self.passages(agreement, event.id))
        when = event.date or "no date"
        reports = (f"{cited} passage{'s' if cited != 1 else ''} report{'s' if cited == 1 else ''}"
                   " it" if cited else "no passage cites this status yet")
        item.setToolTip(f"{agreement.title}\n{event.status} — {when}"
                        + (f"\n{event.note}" if event.note else "") + f"\n{reports}")
        self.scene().addItem(item)
        self.bars[event.id] = (bar, item)
        self._caption(item, f"{event.status} {event.date}".strip(), rect)

    @staticmethod
    def _caption(item: QGraphicsRectItem, text: str, rect: QRectF) -> None:
        """The status and date inside the bar, when the bar is wide enough for them."""
        metrics = QFontMetricsF(item.scene().font() if item.scene() else QFont())
        if metrics.horizontalAdvance(text) + 8 > rect.width():
            return
        caption = QGraphicsSimpleTextItem(text, item)
        box = caption.boundingRect()
        caption.setBrush(QColor("white"))
        caption.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        caption.setPos(rect.left() + 4, rect.top() + (rect.height() - box.height()) / 2)

    def drawForeground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        """The time axis, pinned to the top of the view."""
        painter.save()
        painter.resetTransform()
        width = self.viewport().width()
        painter.fillRect(QRectF(0, 0, width, AXIS_HEIGHT - 4), QColor(245, 245, 245, 235))
        painter.setPen(QPen(QColor("#606060")))
        left = self.mapToScene(0, 0).x()
        right = self.mapToScene(width, 0).x()
        for day, text, major in self._ticks(left, right):
            x = self.mapFromScene(QPointF(self.x_of(day), 0)).x()
            painter.drawLine(QPointF(x, AXIS_HEIGHT - (12 if major else 8)),
                             QPointF(x, AXIS_HEIGHT - 4))
            painter.drawText(QPointF(x + 3, AXIS_HEIGHT - 9), text)
        undated = self.mapFromScene(QPointF(-UNDATED_WIDTH, 0)).x()
        painter.drawText(QPointF(undated, AXIS_HEIGHT - 9), "undated")
        painter.restore()

    def drawBackground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        """Light vertical lines at each year (and month when zoomed in)."""
        super().drawBackground(painter, rect)
        rect = QRectF(rect)
        pen = QPen(QColor("#e4e4e4"), 0)
        painter.setPen(pen)
        for day, _text, _major in self._ticks(rect.left(), rect.right()):
            x = self.x_of(day)
            painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
        painter.setPen(QPen(QColor("#c8c8c8"), 0, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(-12, rect.top()), QPointF(-12, rect.bottom()))

    def _ticks(self, left: float, right: float) -> list[tuple[dt.date, str, bool]]:
        """Years, with months when a month is at least 40 px wide."""
        first = max(self.origin.year + int(left / self.px_per_day // 366) - 1, 1)
        last = min(self.origin.year + int(right / self.px_per_day // 365) + 1, 9999)
        months = self.px_per_day * 30 >= 40
        step = max(1, int(60 / (self.px_per_day * 365)) + 1) if not months else 1
        ticks = []
        for year in range(first, last + 1):
            if year % step == 0 or months:
                ticks.append((dt.date(year, 1, 1), str(year), True))
            if months:
                ticks.extend((dt.date(year, m, 1), MONTHS[m - 1], False) for m in range(2, 13))
        return [t for t in ticks if max(left - 200, 0) <= self.x_of(t[0]) <= right + 10]

    # -- clicking -------------------------------------------------------------------------
    @staticmethod
    def passages(agreement: Agreement, event_id: int) -> list[Evidence]:
        """The passages cited for one event of ``agreement``."""
        return [e for e in agreement.evidence if e.event_id == event_id]

    def agreement_of(self, event_id: int) -> Agreement | None:
        return next((a for a in self.agreements if any(e.id == event_id for e in a.events)),
                    None)

    def open_event(self, event_id: int, at: Any = None) -> list[Evidence]:
        """Open the passage reporting an event; a menu when there are several, or the
        agreement's own passages when none cites this event. Returns the candidates."""
        agreement = self.agreement_of(event_id)
        if agreement is None:
            return []
        cited = self.passages(agreement, event_id)
        if len(cited) == 1:
            self._open(cited[0])
            return cited
        others = cited or [e for e in agreement.evidence if e.event_id is None]
        self.menu = QMenu(self)
        if not cited:
            self.menu.addSection("No passage cites this status; about the agreement:")
        for evidence in others:
            action = self.menu.addAction(_passage_label(evidence))
            action.setData(evidence.id)
            action.triggered.connect(self._on_menu_passage)
        self.menu.addSeparator()
        show = self.menu.addAction("Show Agreement")
        show.setData(-agreement.id)
        show.triggered.connect(self._on_menu_passage)
        self.menu.popup(at if at is not None else self.mapToGlobal(self.rect().center()))
        return others

    def _on_menu_passage(self) -> None:
        action = self.sender()
        value = int(action.data()) if isinstance(action, QAction) else 0
        if value < 0:
            self.agreementClicked.emit(-value)
            return
        for agreement in self.agreements:
            for evidence in agreement.evidence:
                if evidence.id == value:
                    self._open(evidence)
                    return

    def _open(self, evidence: Evidence) -> None:
        self.passageClicked.emit(evidence.article_id, evidence.start, evidence.end)

    def item_at(self, pos: Any) -> tuple[str, int] | None:
        for item in self.items(pos):
            if item.data(ITEM_KIND) is not None:
                return str(item.data(ITEM_KIND)), int(item.data(ITEM_ID))
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        hit = self.item_at(event.position().toPoint())
        if hit is None or event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        kind, item_id = hit
        if kind == "event":
            self.open_event(item_id, event.globalPosition().toPoint())
        else:
            self.agreementClicked.emit(item_id)
        event.accept()

    def bar_point(self, event_id: int) -> Any:
        """The viewport point at the middle of an event's bar (for tests and tours)."""
        return self.mapFromScene(self.bars[event_id][1].rect().center())

    def wheelEvent(self, event: QWheelEvent) -> None:
        if not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            super().wheelEvent(event)
            return
        steps = event.angleDelta().y() / 120
        self.zoom_to(self.px_per_day * ZOOM_STEP ** steps, event.position().x())
        event.accept()

    def zoom_to(self, px_per_day: float, anchor_x: float | None = None) -> None:
        """Change the time scale, keeping the day under ``anchor_x`` (viewport x) in place."""
        px_per_day = min(max(px_per_day, PX_PER_DAY_LIMITS[0]), PX_PER_DAY_LIMITS[1])
        self._auto_fit = False
        anchor = self.viewport().width() / 2 if anchor_x is None else anchor_x
        days = self.mapToScene(int(anchor), 0).x() / self.px_per_day
        middle_y = self.mapToScene(self.viewport().rect().center()).y()
        self.px_per_day = px_per_day
        self.redraw()
        # The scroll range follows the new scene rect only later: centre on the point that
        # puts the same day under the anchor instead of moving the scroll bar.
        self.setSceneRect(self.scene().sceneRect())
        self.centerOn(QPointF(days * px_per_day - anchor + self.viewport().width() / 2,
                              middle_y))

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self._auto_fit:
            self.fit_width()

    def _on_changed(self, changes: Changes) -> None:
        if (changes.agreements or changes.deleted_agreements or changes.actors or
                changes.deleted_actors or changes.touches_highlights):
            self.refresh()


def _passage_label(evidence: Evidence) -> str:
    quote = " ".join(evidence.quote.split())
    quote = quote if len(quote) <= 70 else quote[:69] + "…"
    source = ", ".join(p for p in (evidence.outlet, evidence.published) if p)
    return f"{source}: “{quote}”" if source else f"“{quote}”"
