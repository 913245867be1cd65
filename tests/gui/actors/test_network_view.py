"""Network view on the demo notebook: background layout, dragging, filters, labels, export."""

from __future__ import annotations

import math
import os
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QPoint, QRectF, QSettings, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest

from app.core.errors import Cancelled
from app.core.progress import CancelToken
from app.gui.actors.graph_layout import force_layout
from app.gui.actors.network_data import NetworkFilter
from app.gui.actors.network_panel import NetworkPanel
from app.gui.actors.network_view import NetworkView
from app.gui.common.controller import NotebookController
from app.gui.common.tasks import TaskRunner

LAYOUT_TIMEOUT = 15_000


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """One demo notebook for the tests that only read it."""
    from app.services import Notebook

    nb = Notebook.open_demo(tmp_path_factory.mktemp("net") / "demo")
    yield nb
    nb.close()


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def _view(qtbot, nb, settings=None) -> NetworkView:
    view = NetworkView(NotebookController(nb), runner=TaskRunner(), settings=settings)
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    qtbot.waitUntil(lambda: not view.is_laying_out, timeout=LAYOUT_TIMEOUT)
    return view


def _positions(view: NetworkView) -> dict:
    return {key: (node.pos().x(), node.pos().y()) for key, node in view.nodes.items()}


#: The demo agreements with a status in December 2025: one dated 2025-12, one dated only
#: 2025 (a year overlaps each of its months).
DECEMBER_2025 = {"US-Usbekistan Business and Investment Council",
                 "Absichtserklärung zu kritischen Mineralien (Kasachstan / USA)"}


def _shown_titles(view: NetworkView, nb) -> set[str]:
    return {nb.agreements.get(i).title for k, i in view.visible_nodes() if k == "agreement"}


def _drag(view: NetworkView, start: QPoint, end: QPoint) -> None:
    viewport = view.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 6):
        QTest.mouseMove(viewport, start + (end - start) * step / 5)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)


# -- the layout itself (no Qt) -----------------------------------------------------------------
def test_layout_is_deterministic_and_keeps_fixed_nodes():
    """The same input and seed give the same positions; fixed nodes do not move."""
    nodes = [("agreement", 1), ("agreement", 2)] + [("actor", i) for i in range(8)]
    edges = [(("actor", i), ("agreement", 1 + i % 2)) for i in range(8)]
    first = force_layout(nodes, edges)
    assert force_layout(nodes, edges) == first
    fixed = {("agreement", 1): (500.0, -300.0)}
    again = force_layout(nodes, edges, fixed)
    assert again[("agreement", 1)] == (500.0, -300.0)
    near = [math.dist(again[("actor", i)], (500.0, -300.0)) for i in range(0, 8, 2)]
    assert max(near) < 300  # its parties settled next to the fixed agreement


def test_layout_separates_nodes():
    """No two of 60 connected nodes end up on top of each other."""
    nodes = [("agreement", i) for i in range(10)] + [("actor", i) for i in range(50)]
    edges = [(("actor", i), ("agreement", i % 10)) for i in range(50)]
    places = list(force_layout(nodes, edges).values())
    closest = min(math.dist(a, b) for n, a in enumerate(places) for b in places[n + 1:])
    assert closest > 15


def test_layout_stops_when_cancelled():
    """A cancelled layout raises Cancelled at the next iteration."""
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        force_layout([1, 2, 3], [(1, 2)], cancel=token.raise_if_cancelled)


# -- the view -----------------------------------------------------------------------------------
def test_layout_runs_in_background_then_positions_appear(qtbot, demo, settings):
    """Nodes appear only when the worker's layout is done, spread out, and are kept."""
    view = NetworkView(NotebookController(demo), runner=TaskRunner(), settings=settings)
    qtbot.addWidget(view)
    assert view.is_laying_out and not view.nodes  # nothing was computed on this thread
    with qtbot.waitSignal(view.layoutFinished, timeout=LAYOUT_TIMEOUT):
        pass
    places = list(_positions(view).values())
    assert len(places) == 22 + 8
    assert min(math.dist(a, b) for n, a in enumerate(places) for b in places[n + 1:]) > 10
    assert settings.value(view.positions._key)  # kept for the next session


def test_dragged_node_stays_after_rebuild_and_restart(qtbot, demo, settings):
    """A node dropped elsewhere keeps that place through a rebuild and a new view."""
    view = _view(qtbot, demo, settings)
    party = ("actor", demo.agreements.list()[0].parties[0].actor_id)
    view.centerOn(view.nodes[party])
    start = view.viewport_point(*party)
    before = _positions(view)[party]
    _drag(view, start, start + QPoint(120, 70))
    moved = _positions(view)[party]
    assert math.dist(moved, before) > 50
    edge = next(e for e in view.edge_items if e.actor.key == party)
    assert edge.line().p1().toTuple() == pytest.approx(moved)  # the edge followed
    view.rebuild()
    qtbot.waitUntil(lambda: not view.is_laying_out, timeout=LAYOUT_TIMEOUT)
    assert _positions(view)[party] == pytest.approx(moved)
    again = _view(qtbot, demo, QSettings(settings.fileName(), QSettings.Format.IniFormat))
    assert _positions(again)[party] == pytest.approx(moved, abs=0.1)


def test_new_actor_is_laid_out_and_others_stay(qtbot, notebook, settings):
    """Adding a party lays out only the new node, next to its agreement."""
    agreement, _ = notebook.agreements.create("Vertrag", "treaty")
    for name in ("Kasachstan", "Usbekistan", "Tadschikistan"):
        notebook.agreements.add_party(agreement.id, notebook.actors.create(name, "state")[0].id)
    notebook.agreements.create("Andere Vereinbarung", "MoU")
    view = _view(qtbot, notebook, settings)
    before = _positions(view)
    controller = view._controller
    actor, _ = controller.edit(lambda: notebook.actors.create("Neue Akteurin", "person"))
    controller.edit(lambda: notebook.agreements.add_party(agreement.id, actor.id))
    qtbot.waitUntil(lambda: ("actor", actor.id) in view.nodes and not view.is_laying_out,
                    timeout=LAYOUT_TIMEOUT)
    after = _positions(view)
    assert {k: after[k] for k in before} == before
    assert math.dist(after[("actor", actor.id)], after[("agreement", agreement.id)]) < 400


def test_filters_hide_nodes_and_their_edges(qtbot, demo):
    """Kind, type, status and date filters hide nodes; edges need both ends shown."""
    view = _view(qtbot, demo)
    view.apply_filter(NetworkFilter(kind="state"))
    shown = view.visible_nodes()
    assert {demo.actors.get(i).kind for k, i in shown if k == "actor"} == {"state"}
    assert all(e.isVisible() == (e.actor.isVisible() and e.agreement.isVisible())
               for e in view.edge_items)
    view.apply_filter(NetworkFilter(type="MoU"))
    agreements = {i for k, i in view.visible_nodes() if k == "agreement"}
    assert agreements == {a.id for a in demo.agreements.list() if a.type == "MoU"}
    parties = {p.actor_id for a in demo.agreements.list() if a.id in agreements
               for p in a.parties}
    assert {i for k, i in view.visible_nodes() if k == "actor"} == parties
    view.apply_filter(NetworkFilter(status="implemented"))
    assert {i for k, i in view.visible_nodes() if k == "agreement"} == {
        a.id for a in demo.agreements.list() if a.status == "implemented"}
    view.apply_filter(NetworkFilter(date_from="2025-12", date_to="2026"))
    assert _shown_titles(view, demo) == DECEMBER_2025
    view.apply_filter(NetworkFilter())
    assert len(view.visible_nodes()) == len(view.nodes)


def test_panel_date_fields_filter_and_flag_bad_dates(qtbot, demo):
    """Typing a date range in the panel filters; an impossible date is marked."""
    view = NetworkView(NotebookController(demo), runner=TaskRunner())
    panel = NetworkPanel(view)
    qtbot.addWidget(panel)  # owns the view
    panel.show()
    qtbot.waitUntil(lambda: not view.is_laying_out, timeout=LAYOUT_TIMEOUT)
    QTest.keyClicks(panel.date_from, "2025-12")
    QTest.keyClick(panel.date_from, Qt.Key.Key_Return)
    assert _shown_titles(view, demo) == DECEMBER_2025
    panel.date_to.setText("2025-13")
    assert "month" in panel.date_to.toolTip()
    panel.kind.setCurrentIndex(panel.kind.findData("company"))
    assert all(demo.actors.get(i).kind == "company"
               for k, i in view.visible_nodes() if k == "actor")


def test_clicks_emit_actor_and_agreement(qtbot, demo):
    """A click on a circle emits its actor, on a square its agreement."""
    view = _view(qtbot, demo)
    agreement = ("agreement", demo.agreements.list()[0].id)
    actor = ("actor", demo.actors.find("Mirziyoyev").id)
    for key, signal in ((actor, view.actorClicked), (agreement, view.agreementClicked)):
        view.centerOn(view.nodes[key])
        with qtbot.waitSignal(signal) as blocker:
            QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                             pos=view.viewport_point(*key))
        assert blocker.args == [key[1]]
    assert view._selected == agreement


def test_zoom_stays_when_scroll_bars_appear(qtbot, demo):
    """Zooming in stops the view from fitting itself again when its size changes."""
    view = _view(qtbot, demo)
    fitted = view.zoom()
    view.zoom_by(3.0)
    qtbot.wait(100)  # scroll bars appear: the viewport is resized
    assert view.zoom() == pytest.approx(fitted * 3.0)
    view.refit()
    assert view.zoom() == pytest.approx(fitted, rel=0.05)


def test_shown_labels_never_overlap(qtbot, demo):
    """At any zoom, the labels shown do not overlap each other."""
    view = _view(qtbot, demo)
    for factor in (1.0, 0.5, 3.0):
        view.zoom_by(factor)
        count = view.update_labels()
        # a label ignores the zoom: its screen box comes from its device transform
        boxes = [n.label.deviceTransform(view.viewportTransform()).mapRect(n.label.rect())
                 for n in view.nodes.values() if n.has_label and n.label.isVisible()]
        assert len(boxes) == count > 0
        for n, box in enumerate(boxes):
            assert not any(QRectF(box).adjusted(1, 1, -1, -1).intersects(QRectF(other))
                           for other in boxes[n + 1:])


def test_export_writes_png_and_valid_svg(qtbot, demo, tmp_path):
    """PNG and SVG files of the shown network; the SVG parses and names actors."""
    view = _view(qtbot, demo)
    png = view.export_png(tmp_path / "network.png")
    image = QImage(str(png))
    assert not image.isNull() and image.width() > 200 and image.height() > 200
    assert len({image.pixel(x, image.height() // 2) for x in range(image.width())}) > 3
    svg = view.export_svg(tmp_path / "network.svg")
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    text = "".join(root.itertext())
    assert "Tokayev" in text or "Kazakhstan" in text


def test_unreadable_saved_positions_are_laid_out_anew(qtbot, demo, settings, caplog):
    """Garbage under the notebook's settings key gives a warning and a fresh layout."""
    from app.gui.actors.network_data import notebook_key

    settings.setValue(notebook_key(demo), "{not json")
    view = _view(qtbot, demo, settings)
    assert len(view.nodes) == 30
    assert "unreadable" in caplog.text
    assert settings.value(notebook_key(demo)).startswith("{")  # replaced by good positions


def test_long_titles_are_elided_at_a_word():
    """Agreement titles run to 500 characters: the picture shows the first words and …"""
    from app.gui.actors.network_items import elide

    assert elide("Kazakhstan") == "Kazakhstan"
    assert elide("Kauf von Boeing-Flugzeugen durch zentralasiatische Fluggesellschaften") == \
        "Kauf von Boeing-Flugzeugen durch…"
