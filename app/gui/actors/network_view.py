"""The network view: actors (circles, coloured by kind) and agreements (squares), an edge
from each party to its agreement.

Positions come from a force-directed layout (:mod:`app.gui.actors.graph_layout`) computed on the
task runner's thread, never on the GUI thread. Every position is kept per notebook
(:class:`~app.gui.actors.network_data.NetworkPositions`): a node the user drags stays where it
was dropped, a new node is laid out among the others, which do not move. Labels never overlap
(:func:`~app.gui.actors.network_items.place_labels` shows those that fit at the current zoom; a
hovered node shows its own). Filters hide nodes without a new layout; a click emits
``actorClicked`` or ``agreementClicked``; the wheel zooms; the picture exports as PNG or SVG.
The filter bar and buttons live in :mod:`app.gui.actors.network_panel`.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPoint, QPointF, QRectF, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QResizeEvent, QWheelEvent
from PySide6.QtWidgets import QApplication, QGraphicsScene, QGraphicsView, QWidget

from app.core.actor_records import Actor, Agreement
from app.core.changes import Changes
from app.gui.actors.network_data import (
    NetworkData,
    NetworkFilter,
    NetworkPositions,
    SceneBuilder,
    load_network,
    notebook_key,
)
from app.gui.actors.network_items import (
    ActorNode,
    AgreementNode,
    EdgeItem,
    NodeItem,
    NodeKey,
    place_labels,
)
from app.gui.common.controller import NotebookController
from app.gui.common.tasks import Task, TaskRunner

if TYPE_CHECKING:
    from app.services import Notebook

log = logging.getLogger(__name__)

ZOOM_STEP = 1.15
ZOOM_LIMITS = (0.05, 10.0)
LABEL_DELAY_MS = 40

#: Seconds of item making per event-loop turn: 700 nodes and 700 edges take ~150 ms of
#: the GUI thread on a busy machine, so the scene is made in slices and shown when done.
BUILD_SLICE_S = 0.015
LABELS_PER_PASS = 40


class NetworkView(QGraphicsView):
    """A drawing of the actor–agreement network of the notebook."""

    actorClicked = Signal(int)
    agreementClicked = Signal(int)
    layoutStarted = Signal()
    layoutFinished = Signal()

    def __init__(self, controller: NotebookController, parent: QWidget | None = None, *,
                 runner: TaskRunner | None = None, settings: QSettings | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        # An own runner has no Qt parent: it must outlive a view deleted before the
        # runner's deferred start has run (widget tests close views at once).
        self._runner = runner or TaskRunner()
        self._settings = settings
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setBackgroundBrush(QColor("#fbfbfb"))
        self.nodes: dict[NodeKey, NodeItem] = {}
        self.edges: list[tuple[int, int, str]] = []  # actor id, agreement id, role
        self.edge_items: list[EdgeItem] = []
        self.filter = NetworkFilter()
        self.actors: dict[int, Actor] = {}
        self.agreements: dict[int, Agreement] = {}
        self.positions = NetworkPositions(settings, notebook_key(controller.nb))
        self.task: Task | None = None
        self._building: SceneBuilder | None = None
        # Fit the picture to the view until the user zooms: a dock opens small and grows.
        self._auto_fit = True
        self._generation = 0
        self._selected: NodeKey | None = None
        self._hovered: NodeKey | None = None
        self._press: tuple[NodeKey, QPoint, QPointF] | None = None
        self._labels_timer = QTimer(self, singleShot=True, interval=LABEL_DELAY_MS)
        self._labels_timer.timeout.connect(self.update_labels)
        self.horizontalScrollBar().valueChanged.connect(self._labels_later)
        self.verticalScrollBar().valueChanged.connect(self._labels_later)
        controller.changed.connect(self._on_changed)
        controller.notebookOpened.connect(self._on_notebook_opened)
        self.rebuild()

    # -- building -----------------------------------------------------------------------
    @property
    def is_laying_out(self) -> bool:
        """True from a rebuild until its nodes are shown at their positions."""
        return self.task is not None or self._building is not None

    def rebuild(self, *_args: Any) -> None:
        """Read the notebook and lay out the nodes without a kept position, on the task
        runner's thread; the picture is replaced when that is done."""
        self._generation += 1
        if self.task is not None:
            self.task.cancel()
        task = self._runner.submit("network layout", functools.partial(
            load_network, self._controller.nb, dict(self.positions.positions)))
        task.setProperty("generation", self._generation)
        task.succeeded.connect(self._on_loaded)
        task.finished.connect(self._on_task_finished)
        self.task = task
        self.layoutStarted.emit()

    def _on_loaded(self, data: NetworkData) -> None:
        if self.sender() is not self.task:
            return  # a newer rebuild has asked for another layout
        for key in data.laid_out - self.positions.pinned:  # dragged while it ran: keep
            self.positions.positions[key] = data.positions[key]
        if data.laid_out:
            self.positions.save()
        self._building = SceneBuilder(data, self.positions.positions, self._on_hover, self)
        self._build_step()

    def _on_task_finished(self) -> None:
        if self.sender() is self.task:
            self.task = None
            if self._building is None:
                self.layoutFinished.emit()

    def _build_step(self) -> None:
        """Make items for a few milliseconds, then let the event loop run (see SceneBuilder)."""
        builder = self._building
        if builder is None:
            return
        if not builder.step(BUILD_SLICE_S):
            QTimer.singleShot(0, self._build_step)
            return
        self._building = None
        self._show_built(builder)

    def _show_built(self, builder: SceneBuilder) -> None:
        old = self.scene()
        self.actors = {a.id: a for a in builder.data.actors}
        self.agreements = {a.id: a for a in builder.data.agreements}
        self.edges = [(e.actor.key[1], e.agreement.key[1], e.role) for e in builder.edges]
        self.nodes, self.edge_items = builder.nodes, builder.edges
        self._hovered = None
        centre = self.mapToScene(self.viewport().rect().center())
        self.setScene(builder.scene)
        old.deleteLater()
        self.apply_filter(self.filter)
        if self._selected in self.nodes:
            self.nodes[self._selected].set_selected_look(True)
        self._fit_scene()
        if self._auto_fit:
            self.fit_all()
        else:
            self.centerOn(centre)
        if self.task is None:
            self.layoutFinished.emit()

    def _fit_scene(self) -> None:
        rect = self.scene().itemsBoundingRect()
        self.scene().setSceneRect(rect.adjusted(-40, -40, 40, 40))
        self._labels_timer.start()

    def relayout(self, keep_pinned: bool = True) -> None:
        """Lay out again (keeping the nodes the user dragged unless ``keep_pinned`` is False)."""
        self.positions.forget(keep_pinned)
        self._auto_fit = True
        self.rebuild()

    # -- filters and labels ---------------------------------------------------------------
    def apply_filter(self, network_filter: NetworkFilter) -> None:
        """Hide the nodes (and their edges) the filter leaves out; no new layout."""
        self.filter = network_filter
        shown_agreements = {i for i, a in self.agreements.items()
                            if network_filter.keeps_agreement(a)}
        linked = {actor for actor, agreement, _ in self.edges if agreement in shown_agreements}
        for (kind, node_id), node in self.nodes.items():
            if kind == "agreement":
                node.setVisible(node_id in shown_agreements)
            else:
                actor = self.actors[node_id]
                node.setVisible((not network_filter.kind or actor.kind == network_filter.kind)
                                and (not network_filter.filters_agreements or node_id in linked))
        for edge in self.edge_items:
            edge.setVisible(edge.actor.isVisible() and edge.agreement.isVisible())
        self._labels_timer.start()

    def visible_nodes(self) -> set[NodeKey]:
        return {k for k, n in self.nodes.items() if n.isVisible()}

    def _labels_later(self, *_args: Any) -> None:
        self._labels_timer.start()

    def update_labels(self) -> int:
        """Show the labels that fit on screen without overlapping (see place_labels).

        Making a label item costs ~0.3 ms of the GUI thread on a busy machine: at most
        LABELS_PER_PASS are made per call, the rest in the next ones, a frame apart."""
        viewport = QRectF(self.viewport().rect())
        transform = self.viewportTransform()  # scale and translation only
        shown, pending = place_labels(self.nodes.values(), transform.m11(),
                                      (transform.dx(), transform.dy()), viewport,
                                      self._selected, new_labels=LABELS_PER_PASS)
        if self._hovered in self.nodes:
            self.nodes[self._hovered].label.setVisible(True)
        if pending:
            QTimer.singleShot(0, self._labels_later)
        return shown

    def _on_hover(self, node: NodeItem, inside: bool) -> None:
        self._hovered = node.key if inside else None
        node.label.setZValue(10 if inside else 5)
        node.setZValue(4 if inside else 3)
        if inside:
            node.label.setVisible(True)
        else:
            self._labels_timer.start()

    # -- interaction ------------------------------------------------------------------------
    def node_at(self, pos: Any) -> NodeKey | None:
        """(kind, id) of the node under a viewport position, or None.

        Labels and edges take no clicks (a label over a node must not steal it)."""
        for item in self.items(pos):
            if isinstance(item, ActorNode | AgreementNode):
                return item.key
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        node = self.node_at(event.position().toPoint())
        self._press = None
        if node is not None and event.button() == Qt.MouseButton.LeftButton:
            self._press = (node, event.position().toPoint(), self.nodes[node].pos())
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        if self._press is not None and self._press[0] in self.nodes:
            self.nodes[self._press[0]].node_moved()  # edges follow the dragged node

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        press, self._press = self._press, None
        if press is None or event.button() != Qt.MouseButton.LeftButton:
            return
        key, where, start = press
        moved = (event.position().toPoint() - where).manhattanLength()
        node = self.nodes.get(key)
        if node is None:
            return
        if moved < QApplication.startDragDistance() and node.pos() == start:
            self.select_node(*key)
            (self.actorClicked if key[0] == "actor" else self.agreementClicked).emit(key[1])
        elif node.pos() != start:
            self.pin(key, node.pos())

    def pin(self, key: NodeKey, at: QPointF) -> None:
        """Keep ``key`` at ``at`` (a dragged node), in this session and the next."""
        self.nodes[key].setPos(at)
        self.positions.positions[key] = (at.x(), at.y())
        self.positions.pinned.add(key)
        self.positions.save()
        # The scroll range grows with a node dropped outside it, and never shrinks here:
        # a smaller scene would be re-centred and the whole picture would jump.
        grown = self.scene().sceneRect().united(
            self.nodes[key].sceneBoundingRect().adjusted(-40, -40, 40, 40))
        self.scene().setSceneRect(grown)
        self._labels_timer.start()

    def select_node(self, kind: str, node_id: int) -> bool:
        """Outline one node and its edges (from a click or from the other views)."""
        if (kind, node_id) not in self.nodes:
            return False
        if self._selected in self.nodes:
            self.nodes[self._selected].set_selected_look(False)
        self._selected = (kind, node_id)
        self.nodes[self._selected].set_selected_look(True)
        self._labels_timer.start()
        return True

    def viewport_point(self, kind: str, node_id: int) -> Any:
        """Where a node's centre is on screen (for clicks in tests and tours)."""
        return self.mapFromScene(self.nodes[(kind, node_id)].scenePos())

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if not steps:
            super().wheelEvent(event)
            return
        self.zoom_by(ZOOM_STEP ** steps)
        event.accept()

    def zoom_by(self, factor: float) -> None:
        """Zoom in (factor > 1) or out; the view stops fitting itself to its size."""
        self._auto_fit = False  # before scaling: scroll bars appearing resize the view
        scale = self.transform().m11() * factor
        if ZOOM_LIMITS[0] <= scale <= ZOOM_LIMITS[1]:
            self.scale(factor, factor)
            self._labels_timer.start()

    def zoom(self) -> float:
        return float(self.transform().m11())

    def refit(self) -> None:
        """Fit every shown node, and keep fitting when the view is resized (until a zoom)."""
        self._auto_fit = True
        self.fit_all()

    def fit_all(self) -> None:
        """Zoom so that every shown node fits the view (no closer than 1:1)."""
        rect = self._shown_rect(labels=False)
        if rect.isEmpty():
            return
        self.fitInView(rect.adjusted(-50, -50, 50, 50), Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom() > 1.0:
            self.resetTransform()  # never closer than 1:1
            self.centerOn(rect.center())
        self._labels_timer.start()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._auto_fit and self.nodes and self._building is None:
            self.fit_all()
        self._labels_timer.start()

    def _shown_rect(self, labels: bool) -> QRectF:
        rect = QRectF()
        for node in self.nodes.values():
            if node.isVisible():
                rect = rect.united(node.sceneBoundingRect())
                if labels and node.label.isVisible():
                    rect = rect.united(node.label.sceneBoundingRect())
        return rect

    # -- export ---------------------------------------------------------------------------
    def _export_rect(self) -> QRectF:
        """The shown nodes at 1:1 with the labels that fit at that zoom."""
        place_labels(self.nodes.values(), 1.0, (0.0, 0.0), QRectF(-1e7, -1e7, 2e7, 2e7),
                     self._selected, limit=len(self.nodes))  # no frame to keep: all at once
        return self._shown_rect(labels=True).adjusted(-20, -20, 20, 20)

    def _render_to(self, painter: QPainter, rect: QRectF) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(QRectF(0, 0, rect.width(), rect.height()), QColor("white"))
        self.scene().render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)

    def export_png(self, path: Path) -> Path:
        """Write the shown network at 1:1 (labels that fit) as a PNG."""
        rect = self._export_rect()
        image = QImage(QSize(max(1, int(rect.width())), max(1, int(rect.height()))),
                       QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        try:
            self._render_to(painter, rect)
        finally:
            painter.end()
            self.update_labels()
        if not image.save(str(path)):  # the format follows the .png suffix
            raise OSError(f"could not write {path}")
        return Path(path)

    def export_svg(self, path: Path) -> Path:
        """Write the shown network as an SVG (vector shapes and text)."""
        from PySide6.QtSvg import QSvgGenerator  # only when exporting

        rect = self._export_rect()
        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(QSize(int(rect.width()), int(rect.height())))
        generator.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
        generator.setTitle("Dossier network")
        painter = QPainter(generator)
        try:
            self._render_to(painter, rect)
        finally:
            painter.end()
            self.update_labels()
        return Path(path)

    # -- notebook -------------------------------------------------------------------------
    def _on_changed(self, changes: Changes) -> None:
        if (changes.actors or changes.deleted_actors or changes.agreements or
                changes.deleted_agreements):
            self.rebuild()

    def _on_notebook_opened(self, nb: Notebook) -> None:
        self.positions = NetworkPositions(self._settings, notebook_key(nb))
        self._selected = None
        self._auto_fit = True
        self.rebuild()
