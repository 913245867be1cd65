"""Tests for clicking highlights (issue 11, item 4): a click brings the inspector forward,
clicking an overlap again cycles through its highlights, the margin's bars are clickable.
Every click goes through the real widgets at a point computed from the text's layout."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QTabBar

from app.gui.reader.margin import LANE_WIDTH
from app.gui.reader.view import ReaderView

TEXT = (
    "Kasachstan und Usbekistan unterzeichnen ein Abkommen über Wolfram und Gas.\n"
    "Die Regierung in Astana begrüßt die Einladung nach Washington ausdrücklich.\n"
)
OUTER = "unterzeichnen ein Abkommen über Wolfram"
INNER = "Abkommen"


def _span(needle: str) -> tuple[int, int]:
    start = TEXT.index(needle)
    return start, start + len(needle)


def _add(controller, article_id: int, needle: str, colour: str = "") -> int:
    nb = controller.nb
    start, end = _span(needle)
    highlight, _ = controller.edit(lambda: nb.annotations.add(article_id, start, end,
                                                             colour=colour))
    return highlight.id


def _text_point(view: ReaderView, cp: int) -> QPoint:
    """Viewport point in the middle of the character at code point ``cp``."""
    qt = view.positions.to_qt(cp)
    rect = view.span_rects(qt, qt + 1)[0]
    return QPoint(round(rect.center().x() - view.horizontalScrollBar().value()),
                  round(rect.center().y() - view.verticalScrollBar().value()))


def _lane_point(view: ReaderView, highlight_id: int) -> QPoint:
    """Margin point on the bar of ``highlight_id`` (its lane, its lines)."""
    margin = view.margin_bar()
    lane = view.renderer.index.lanes().get(highlight_id, 0)
    mark = view.renderer.index.get(highlight_id)
    top, bottom = view.mark_extent(mark)
    y = (top + bottom) / 2 - view.verticalScrollBar().value()
    return QPoint(round(margin.lane_x(lane) + LANE_WIDTH / 2), round(y))


@pytest.fixture
def article_id(import_text) -> int:
    return import_text("abkommen.txt", TEXT).id


@pytest.fixture
def reader(qtbot, controller, article_id):
    view = ReaderView(controller)
    qtbot.addWidget(view)
    view.resize(700, 400)
    view.show()
    qtbot.waitExposed(view)
    return view


def _click_text(qtbot, view: ReaderView, cp: int) -> None:
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=_text_point(view, cp))


def test_clicking_an_overlap_again_cycles_through_its_highlights(
        qtbot, reader, controller, article_id) -> None:
    """Innermost first, then the next overlapping one, then round; the selection and the
    activated id follow each click."""
    outer = _add(controller, article_id, OUTER)
    inner = _add(controller, article_id, INNER)
    reader.load_article(article_id)
    activated: list[int] = []
    reader.highlightActivated.connect(activated.append)
    inside = _span(INNER)[0] + 2
    for _ in range(3):
        _click_text(qtbot, reader, inside)
    assert activated == [inner, outer, inner]
    assert reader.selected_span() == _span(INNER)
    _click_text(qtbot, reader, inside)
    assert reader.selected_span() == _span(OUTER)


def test_a_click_elsewhere_starts_again_with_the_innermost(
        qtbot, reader, controller, article_id) -> None:
    """Cycling belongs to one spot: a click on another spot (or on no highlight) resets it."""
    outer = _add(controller, article_id, OUTER)
    inner = _add(controller, article_id, INNER)
    reader.load_article(article_id)
    activated: list[int] = []
    reader.highlightActivated.connect(activated.append)
    _click_text(qtbot, reader, _span(INNER)[0] + 1)
    _click_text(qtbot, reader, _span("Gas")[0])  # no highlight here
    _click_text(qtbot, reader, _span(INNER)[0] + 1)
    _click_text(qtbot, reader, _span("Wolfram")[0] + 1)  # only the outer one
    assert activated == [inner, 0, inner, outer]


def test_clicking_a_margin_bar_selects_its_highlight(
        qtbot, reader, controller, article_id) -> None:
    """Each overlapping highlight has its own lane; clicking a bar activates that highlight
    and selects its passage."""
    outer = _add(controller, article_id, OUTER, colour="#1565c0")
    inner = _add(controller, article_id, INNER, colour="#e65100")
    reader.load_article(article_id)
    lanes = reader.renderer.index.lanes()
    assert lanes[outer] != lanes[inner]
    activated: list[int] = []
    reader.highlightActivated.connect(activated.append)
    margin = reader.margin_bar()
    qtbot.mouseClick(margin, Qt.MouseButton.LeftButton, pos=_lane_point(reader, inner))
    assert activated == [inner] and reader.selected_span() == _span(INNER)
    qtbot.mouseClick(margin, Qt.MouseButton.LeftButton, pos=_lane_point(reader, outer))
    assert activated == [inner, outer] and reader.selected_span() == _span(OUTER)


def test_clicking_the_margin_beside_no_bar_activates_nothing(
        qtbot, reader, controller, article_id) -> None:
    """The margin on the second line (no highlight there) does nothing."""
    highlight = _add(controller, article_id, INNER)
    reader.load_article(article_id)
    activated: list[int] = []
    reader.highlightActivated.connect(activated.append)
    point = _lane_point(reader, highlight)
    second_line = _text_point(reader, _span("Regierung")[0]).y()
    qtbot.mouseClick(reader.margin_bar(), Qt.MouseButton.LeftButton,
                     pos=QPoint(point.x(), second_line))
    assert activated == [] and reader.selected_span() is None


def _current_tab(window, title: str) -> str:
    """Text of the current tab of the dock tab bar that holds ``title``."""
    for bar in window.findChildren(QTabBar):
        titles = [bar.tabText(i) for i in range(bar.count())]
        if title in titles:
            return bar.tabText(bar.currentIndex())
    raise AssertionError(f"no tab bar holds {title!r}")


def test_clicking_a_highlight_brings_the_inspector_forward(
        qtbot, notebook, controller, article_id, make_window) -> None:
    """With the Notes tab in front, clicking a highlight in the reader raises the Inspector
    tab showing that highlight; the keyboard focus stays in the reader."""
    inner = _add(controller, article_id, INNER)
    window = make_window(controller, show=True)
    window.open_article(article_id)
    window.notes_dock.raise_()
    assert _current_tab(window, "Inspector") == "Notes"
    view = window.reader_area.current_view()
    assert view is not None
    qtbot.waitUntil(lambda: bool(view.span_rects(0, 1)))
    _click_text(qtbot, view, _span(INNER)[0] + 2)
    assert _current_tab(window, "Inspector") == "Inspector"
    assert window.inspector.highlight_id() == inner
    assert view.selected_span() == _span(INNER)


def test_clicking_a_highlight_reopens_a_closed_inspector(
        qtbot, notebook, controller, article_id, make_window) -> None:
    """A closed inspector dock comes back when a highlight is clicked."""
    highlight = _add(controller, article_id, INNER)
    window = make_window(controller, show=True)
    window.open_article(article_id)
    window.inspector_dock.close()
    view = window.reader_area.current_view()
    assert view is not None
    _click_text(qtbot, view, _span(INNER)[0] + 2)
    assert window.inspector_dock.isVisible()
    assert window.inspector.highlight_id() == highlight
