"""The network view: actors (circles, coloured by kind) and agreements (squares), with
an edge from each party to its agreement labelled by its role.

The layout is deterministic: agreements on an inner circle, actors on an outer one,
each actor placed next to the agreements it is a party to (actors without agreements
fill the rest of the ring), so the picture is the same every time it is drawn.
Clicking a node emits ``actorClicked`` or ``agreementClicked``; the wheel zooms.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QMouseEvent, QPainter, QPen, QWheelEvent
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QWidget,
)

from app.core.changes import Changes
from app.gui.controller import NotebookController
from app.services.actor_records import Actor, Agreement

log = logging.getLogger(__name__)

KIND_COLOURS = {
    "person": "#4e79a7", "state": "#e15759", "government body": "#f28e2b",
    "company": "#59a14f", "international organisation": "#b07aa1", "NGO": "#76b7b2",
    "party": "#edc948", "other": "#9c9c9c",
}
AGREEMENT_COLOUR = "#444444"
NODE_SIZE = 22.0
ACTOR_RADIUS_MIN, AGREEMENT_RADIUS_MIN = 260.0, 120.0
NODE_KIND = 0  # QGraphicsItem data keys
NODE_ID = 1
ZOOM_STEP = 1.15
ZOOM_LIMITS = (0.1, 10.0)


def ring(count: int, radius: float, offset: float = 0.0) -> list[QPointF]:
    """``count`` points evenly on a circle, the first at the top."""
    return [QPointF(radius * math.cos(offset - math.pi / 2 + 2 * math.pi * i / count),
                    radius * math.sin(offset - math.pi / 2 + 2 * math.pi * i / count))
            for i in range(count)]


def actor_order(actors: Sequence[Actor], agreements: Sequence[Agreement]) -> list[Actor]:
    """Actors grouped by the first agreement (in ``agreements`` order) they are party to;
    actors without agreements last, by name."""
    first: dict[int, int] = {}
    for number, agreement in enumerate(agreements):
        for party in agreement.parties:
            first.setdefault(party.actor_id, number)
    return sorted(actors, key=lambda a: (first.get(a.id, len(agreements)), a.name.casefold(),
                                         a.id))


class NetworkView(QGraphicsView):
    """A drawing of the actor–agreement network of the notebook."""

    actorClicked = Signal(int)
    agreementClicked = Signal(int)

    def __init__(self, controller: NotebookController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.nodes: dict[tuple[str, int], QGraphicsItem] = {}
        self.edges: list[tuple[int, int, str]] = []  # actor id, agreement id, role
        self._selected: tuple[str, int] | None = None
        controller.changed.connect(self._on_changed)
        controller.notebookOpened.connect(self.rebuild)
        self.rebuild()

    # -- drawing ----------------------------------------------------------------------------
    def rebuild(self, *_args: Any) -> None:
        """Redraw every node and edge from the notebook."""
        nb = self._controller.nb
        agreements = list(nb.agreements.list(sort="date"))
        actors = actor_order(nb.actors.list(), agreements)
        scene = self.scene()
        scene.clear()
        self.nodes.clear()
        self.edges = []
        spacing = NODE_SIZE * 2.2
        agreement_ring = max(AGREEMENT_RADIUS_MIN, len(agreements) * spacing / (2 * math.pi))
        actor_ring = max(ACTOR_RADIUS_MIN, agreement_ring * 2,
                         len(actors) * spacing / (2 * math.pi))
        places = {("agreement", a.id): p for a, p in zip(
            agreements, ring(len(agreements), agreement_ring) if agreements else [], strict=True)}
        places.update({("actor", a.id): p for a, p in zip(
            actors, ring(len(actors), actor_ring) if actors else [], strict=True)})
        for agreement in agreements:
            for party in agreement.parties:
                self._edge(places[("actor", party.actor_id)],
                           places[("agreement", agreement.id)], party.role)
                self.edges.append((party.actor_id, agreement.id, party.role))
        for agreement in agreements:
            self._node("agreement", agreement.id, agreement.title, AGREEMENT_COLOUR,
                       places[("agreement", agreement.id)])
        for actor in actors:
            self._node("actor", actor.id, actor.name, KIND_COLOURS.get(actor.kind, "#9c9c9c"),
                       places[("actor", actor.id)])
        scene.setSceneRect(scene.itemsBoundingRect().adjusted(-40, -40, 40, 40))
        if self._selected in self.nodes:
            self._mark(self._selected)

    def _edge(self, start: QPointF, end: QPointF, role: str) -> None:
        line = QGraphicsLineItem(start.x(), start.y(), end.x(), end.y())
        line.setPen(QPen(QColor("#b0b0b0"), 1.2))
        line.setZValue(0)
        self.scene().addItem(line)
        label = QGraphicsSimpleTextItem(role)
        label.setBrush(QBrush(QColor("#707070")))
        middle = (start + end) / 2
        label.setPos(middle.x(), middle.y())
        label.setZValue(1)
        self.scene().addItem(label)

    def _node(self, kind: str, node_id: int, text: str, colour: str, at: QPointF) -> None:
        half = NODE_SIZE / 2
        item: QGraphicsItem
        if kind == "actor":
            item = QGraphicsEllipseItem(-half, -half, NODE_SIZE, NODE_SIZE)
        else:
            item = QGraphicsRectItem(-half, -half, NODE_SIZE, NODE_SIZE)
        item.setBrush(QBrush(QColor(colour)))
        item.setPen(QPen(QColor("#202020"), 1))
        item.setPos(at)
        item.setZValue(2)
        item.setData(NODE_KIND, kind)
        item.setData(NODE_ID, node_id)
        item.setToolTip(text)
        item.setCursor(Qt.CursorShape.PointingHandCursor)
        self.scene().addItem(item)
        label = QGraphicsSimpleTextItem(text, item)
        label.setPos(half + 3, -half)
        self.nodes[(kind, node_id)] = item

    # -- interaction ------------------------------------------------------------------------
    def node_at(self, pos: Any) -> tuple[str, int] | None:
        """(kind, id) of the node under a viewport position, or None."""
        for item in self.items(pos):
            while item is not None and item.data(NODE_KIND) is None:
                item = item.parentItem()
            if item is not None:
                return str(item.data(NODE_KIND)), int(item.data(NODE_ID))
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        node = self.node_at(event.position().toPoint())
        if node is None or event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        self.select_node(*node)
        (self.actorClicked if node[0] == "actor" else self.agreementClicked).emit(node[1])
        event.accept()

    def select_node(self, kind: str, node_id: int) -> bool:
        """Outline one node (from a click or from the other views)."""
        if (kind, node_id) not in self.nodes:
            return False
        if self._selected in self.nodes:
            self.nodes[self._selected].setPen(QPen(QColor("#202020"), 1))  # type: ignore
        self._selected = (kind, node_id)
        self._mark(self._selected)
        return True

    def _mark(self, key: tuple[str, int]) -> None:
        self.nodes[key].setPen(QPen(QColor("#ff7f0e"), 4))  # type: ignore[attr-defined]

    def viewport_point(self, kind: str, node_id: int) -> Any:
        """Where a node's centre is on screen (for clicks in tests and tours)."""
        return self.mapFromScene(self.nodes[(kind, node_id)].scenePos())

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if not steps:
            super().wheelEvent(event)
            return
        factor = ZOOM_STEP ** steps
        scale = self.transform().m11() * factor
        if ZOOM_LIMITS[0] <= scale <= ZOOM_LIMITS[1]:
            self.scale(factor, factor)
        event.accept()

    def zoom(self) -> float:
        return float(self.transform().m11())

    def _on_changed(self, changes: Changes) -> None:
        if (changes.actors or changes.deleted_actors or changes.agreements or
                changes.deleted_agreements):
            self.rebuild()
