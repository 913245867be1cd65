"""The graphics items of the network view, and where their labels may go.

Actors are circles coloured by kind, agreements dark squares; an edge joins each party to
its agreement (its role in the tooltip). A node's label keeps its size at any zoom
(``ItemIgnoresTransformations``) and has a light background so it stays readable over
edges. Which labels are shown is decided by :func:`place_labels`: the most connected nodes
first, each label only if it overlaps no label already placed, so names never print over
each other; zooming in makes room for more of them, and a hovered node shows its own.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPen
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsRectItem,
    QGraphicsSceneHoverEvent,
    QGraphicsSimpleTextItem,
)

log = logging.getLogger(__name__)

NodeKey = tuple[str, int]  # ("actor" | "agreement", id)

KIND_COLOURS = {
    "person": "#4e79a7", "state": "#e15759", "government body": "#f28e2b",
    "company": "#59a14f", "international organisation": "#b07aa1", "NGO": "#76b7b2",
    "party": "#edc948", "other": "#9c9c9c",
}
AGREEMENT_COLOUR = "#3b3b3b"
NODE_SIZE = 18.0
OUTLINE = QColor("#202020")
SELECTED = QColor("#ff7f0e")
EDGE = QColor("#a8a8a8")
EDGE_HOT = QColor("#ff7f0e")
LABEL_GAP = 4.0
LABEL_CHARS = 34  # longer names are elided on the picture (agreement titles run to 500)


class NodeLabel(QGraphicsRectItem):
    """A name on a light background, at the same size whatever the zoom."""

    def __init__(self, text: str, size: tuple[float, float], parent: QGraphicsItem) -> None:
        """``size`` is the one place_labels reserved (from the font's metrics), so the
        drawn background covers exactly the reserved box."""
        super().__init__(parent)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)
        self.setPen(QPen(Qt.PenStyle.NoPen))
        self.setBrush(QBrush(QColor(255, 255, 255, 215)))
        self.text = QGraphicsSimpleTextItem(elide(text), self)
        self.text.setPos(2, 1)
        self.setRect(QRectF(0, 0, *size))
        self.setZValue(5)
        self.place("right", 1.0)

    def place(self, side: str, zoom: float) -> None:
        """Beside the node ("right", "left": vertically centred) or "above"/"below" it.

        The label's position is in its node's (zoomed) coordinates, its size in device
        pixels: hence the division by ``zoom``.
        """
        width, height = (v / zoom for v in self.size())
        near = NODE_SIZE / 2 + LABEL_GAP / zoom
        x, y = {"right": (near, -height / 2), "left": (-near - width, -height / 2),
                "above": (-width / 2, -NODE_SIZE / 2 - height),
                "below": (-width / 2, NODE_SIZE / 2)}[side]
        self.setPos(x, y)

    def size(self) -> tuple[float, float]:
        """Width and height in device pixels (the label ignores the zoom)."""
        return self.rect().width(), self.rect().height()


def elide(text: str, limit: int = LABEL_CHARS) -> str:
    """A long title cut at a word boundary with "…" (the full one is in the tooltip)."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return (cut if len(cut) > limit // 2 else text[:limit]).rstrip(" ,;:/(-") + "…"


@functools.cache
def _metrics() -> QFontMetricsF:
    return QFontMetricsF(QApplication.font())


class _Node:
    """Behaviour shared by actor circles and agreement squares (a mixin).

    The label is made only when it is first shown: most labels of a large network never
    are, and making 700 of them cost ~0.3 s of the GUI thread.
    """

    key: NodeKey
    name: str
    edges: list[EdgeItem]
    on_hover: Callable[[_Node, bool], None] | None
    _label: NodeLabel | None
    _label_size: tuple[float, float] | None

    def _setup(self, key: NodeKey, text: str, tooltip: str, colour: str) -> None:
        item: Any = self
        self.key, self.name, self.edges, self.on_hover = key, text, [], None
        self._label, self._label_size = None, None
        half = NODE_SIZE / 2
        item.setRect(QRectF(-half, -half, NODE_SIZE, NODE_SIZE))
        item.setBrush(QBrush(QColor(colour)))
        item.setPen(QPen(OUTLINE, 1))
        item.setZValue(3)
        item.setToolTip(tooltip)
        item.setCursor(Qt.CursorShape.PointingHandCursor)
        item.setAcceptHoverEvents(True)
        item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable)

    @property
    def label(self) -> NodeLabel:
        """The name beside the node (made on first use)."""
        if self._label is None:
            item: Any = self  # the mixin is always a QGraphicsItem too
            self._label = NodeLabel(self.name, self.label_size(), item)
            self._label.setVisible(False)
        return self._label

    @property
    def has_label(self) -> bool:
        return self._label is not None

    def label_size(self) -> tuple[float, float]:
        """The label's size in device pixels, without making it."""
        if self._label_size is None:
            metrics = _metrics()
            self._label_size = (metrics.horizontalAdvance(elide(self.name)) + 4,
                                metrics.height() + 2)
        return self._label_size

    def hide_label(self) -> None:
        if self._label is not None:
            self._label.setVisible(False)

    def node_moved(self) -> None:
        """Keep every edge attached while the node is dragged."""
        for edge in self.edges:
            edge.follow()

    def set_selected_look(self, selected: bool) -> None:
        item: Any = self
        item.setPen(QPen(SELECTED, 4) if selected else QPen(OUTLINE, 1))
        for edge in self.edges:
            edge.set_hot(selected)

    def hover(self, inside: bool) -> None:
        if self.on_hover is not None:
            self.on_hover(self, inside)


class ActorNode(QGraphicsEllipseItem, _Node):
    """An actor: a circle in its kind's colour."""

    def __init__(self, key: NodeKey, text: str, tooltip: str, colour: str) -> None:
        super().__init__()
        self._setup(key, text, tooltip, colour)

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self.hover(True)
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self.hover(False)
        super().hoverLeaveEvent(event)


class AgreementNode(QGraphicsRectItem, _Node):
    """An agreement: a dark square."""

    def __init__(self, key: NodeKey, text: str, tooltip: str, colour: str) -> None:
        super().__init__()
        self._setup(key, text, tooltip, colour)

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self.hover(True)
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self.hover(False)
        super().hoverLeaveEvent(event)


NodeItem = ActorNode | AgreementNode


class EdgeItem(QGraphicsLineItem):
    """A party's line to its agreement; follows both ends."""

    def __init__(self, actor: NodeItem, agreement: NodeItem, role: str) -> None:
        super().__init__()
        self.actor, self.agreement, self.role = actor, agreement, role
        self.setPen(QPen(EDGE, 1.2))
        self.setZValue(0)
        self.setToolTip(f"{actor.name} — {role} — {agreement.name}")
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        actor.edges.append(self)
        agreement.edges.append(self)
        self.follow()

    def follow(self) -> None:
        a, b = self.actor.pos(), self.agreement.pos()
        self.setLine(a.x(), a.y(), b.x(), b.y())

    def set_hot(self, hot: bool) -> None:
        self.setPen(QPen(EDGE_HOT, 2.2) if hot else QPen(EDGE, 1.2))
        self.setZValue(1 if hot else 0)


def label_priority(node: NodeItem, selected: NodeKey | None) -> tuple[int, int, str]:
    """Which labels win a place: the selected node, then agreements and well-connected
    actors (more edges first), then by name."""
    return (0 if node.key == selected else 1, -len(node.edges) - (2 if node.key[0] ==
                                                                 "agreement" else 0),
            node.name.casefold())


#: At most this many labels at once: past it a picture is a wall of text, and placing
#: them would cost the GUI thread more than a frame.
MAX_LABELS = 160

Box = tuple[float, float, float, float]  # left, top, right, bottom in device pixels
Grid = dict[tuple[int, int], list[Box]]


def place_labels(nodes: Iterable[NodeItem], scale: float, offset: tuple[float, float],
                 region: QRectF, selected: NodeKey | None = None,
                 limit: int = MAX_LABELS, new_labels: int | None = None,
                 cell: float = 64.0) -> tuple[int, bool]:
    """Show the labels that fit without overlapping each other or a node; hide the rest.

    Args:
        nodes: the candidate nodes (hidden ones are skipped).
        scale, offset: scene to device pixels, ``device = scene * scale + offset`` (the
            view's transform; 1 and (0, 0) when exporting).
        region: the device rectangle that counts (labels outside it are hidden).
        selected: a node whose label always wins.
        limit: the most labels shown at once.
        new_labels: the most label items to make in this call (None: no limit); a label
            that wins its place beyond that keeps the place and is made by the next call.
        cell: the size of the buckets used to find overlaps quickly.

    Returns:
        How many labels are shown, and whether some that won a place are not made yet.
    """
    ox, oy = offset
    left, top, right, bottom = region.left(), region.top(), region.right(), region.bottom()
    taken: Grid = {}
    inside: list[tuple[NodeItem, float, float]] = []
    radius = NODE_SIZE / 2 * scale
    for node in nodes:
        if not node.isVisible():
            continue
        pos = node.pos()
        x, y = pos.x() * scale + ox, pos.y() * scale + oy
        if left <= x <= right and top <= y <= bottom:
            inside.append((node, x, y))
            _take((x - radius, y - radius, x + radius, y + radius), taken, cell)
        else:
            node.hide_label()
    inside.sort(key=lambda entry: label_priority(entry[0], selected))
    half = NODE_SIZE / 2 * scale + LABEL_GAP
    shown, budget, pending = 0, new_labels, False
    for node, x, y in inside:
        if shown >= limit:
            node.hide_label()
            continue
        width, height = node.label_size()
        for side, box in _spots(x, y, half, radius, width, height):
            if not _collides(box, taken, cell):
                _take(box, taken, cell)
                if not node.has_label and budget is not None:
                    if budget <= 0:
                        pending = True
                        break
                    budget -= 1
                node.label.place(side, scale)
                node.label.setVisible(True)
                shown += 1
                break
        else:
            node.hide_label()
    return shown, pending


def _spots(x: float, y: float, half: float, radius: float, width: float,
           height: float) -> tuple[tuple[str, Box], ...]:
    """Where a label may go, best first: right, left, above, below the node."""
    return (("right", (x + half, y - height / 2, x + half + width, y + height / 2)),
            ("left", (x - half - width, y - height / 2, x - half, y + height / 2)),
            ("above", (x - width / 2, y - radius - height, x + width / 2, y - radius)),
            ("below", (x - width / 2, y + radius, x + width / 2, y + radius + height)))


def _cells(box: Box, cell: float) -> Iterator[tuple[int, int]]:
    for gx in range(int(box[0] // cell), int(box[2] // cell) + 1):
        for gy in range(int(box[1] // cell), int(box[3] // cell) + 1):
            yield gx, gy


def _collides(box: Box, taken: Grid, cell: float) -> bool:
    x0, y0, x1, y1 = box
    for key in _cells(box, cell):
        for a0, b0, a1, b1 in taken.get(key, ()):
            if x0 < a1 and a0 < x1 and y0 < b1 and b0 < y1:
                return True
    return False


def _take(box: Box, taken: Grid, cell: float) -> None:
    for key in _cells(box, cell):
        taken.setdefault(key, []).append(box)
