"""Tests for app.gui.reader.area: panes, sync scrolling, find, hits and layout state."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt

from app.gui.reader.area import ReaderArea
from app.gui.reader.panes import MAX_PANES


@pytest.fixture
def article_ids(notebook, tmp_path):
    paths = []
    for i in range(4):
        path = tmp_path / f"a{i}.txt"
        lines = [f"Artikel {i} Zeile {n}: Energie und Gas 😀." for n in range(200 + 50 * i)]
        path.write_text("\n".join(lines), encoding="utf-8")
        paths.append(path)
    report = notebook.imports.import_paths(paths)
    return sorted(s.id for s in report.imported)


@pytest.fixture
def area(qtbot, controller):
    widget = ReaderArea(controller)
    qtbot.addWidget(widget)
    widget.resize(900, 500)
    widget.show()
    return widget


def test_open_article_reuses_current_pane(area, article_ids) -> None:
    """Opening without new_pane replaces the focused pane's article."""
    area.open_article(article_ids[0])
    area.open_article(article_ids[1])
    assert area.open_article_ids() == [article_ids[1]]


def test_open_in_new_panes_up_to_three(area, article_ids) -> None:
    """new_pane adds panes side by side; a fourth replaces the current pane."""
    for article_id in article_ids:
        area.open_article(article_id, new_pane=True)
    ids = area.open_article_ids()
    assert len(ids) == MAX_PANES and ids[-1] == article_ids[3]


def test_open_already_open_article_focuses_its_pane(area, article_ids, qtbot) -> None:
    """Opening an article shown in another pane focuses that pane instead."""
    area.open_article(article_ids[0])
    area.open_article(article_ids[1], new_pane=True)
    with qtbot.waitSignal(area.currentArticleChanged) as signal:
        area.open_article(article_ids[0])
    assert signal.args == [article_ids[0]]
    assert area.open_article_ids() == article_ids[:2]
    assert area.current_view().article_id == article_ids[0]


def test_close_current_pane_moves_focus_and_empties(area, article_ids, qtbot) -> None:
    """Closing panes one by one ends with no pane and currentArticleChanged(0)."""
    area.open_article(article_ids[0])
    area.open_article(article_ids[1], new_pane=True)
    area.close_current_pane()
    assert area.open_article_ids() == [article_ids[0]]
    with qtbot.waitSignal(area.currentArticleChanged) as signal:
        area.close_current_pane()
    assert signal.args == [0] and area.open_article_ids() == []
    assert area.current_view() is None


def test_sync_scrolling_moves_other_pane_proportionally(area, article_ids) -> None:
    """With sync on, scrolling one pane scrolls the other to the same fraction."""
    area.open_article(article_ids[0])
    area.open_article(article_ids[3], new_pane=True)
    area.set_sync_scrolling(True)
    left, right = (p.view.verticalScrollBar() for p in area.panes())
    right.setValue(right.maximum() // 2)
    assert abs(left.value() / left.maximum() - 0.5) < 0.02
    left.setValue(left.maximum())
    assert right.value() == right.maximum()


def test_sync_scrolling_off_keeps_panes_independent(area, article_ids) -> None:
    """Without sync, other panes stay where they are."""
    area.open_article(article_ids[0])
    area.open_article(article_ids[1], new_pane=True)
    assert not area.is_sync_scrolling()
    left, right = (p.view.verticalScrollBar() for p in area.panes())
    right.setValue(right.maximum())
    assert left.value() == 0


def test_find_bar_finds_next_and_previous(area, article_ids, notebook, qtbot) -> None:
    """Ctrl+F's bar: typing and Enter selects the first match; F3 the next one."""
    area.open_article(article_ids[0])
    text = notebook.articles.get(article_ids[0]).text
    area.show_find_bar()
    assert area.find_bar.isVisible()
    qtbot.keyClicks(area.find_bar.edit, "zeile 1")
    qtbot.keyClick(area.find_bar.edit, Qt.Key.Key_Return)
    view = area.current_view()
    first = text.lower().index("zeile 1")
    assert view.selected_span() == (first, first + 7)
    area.find_next()
    second = text.lower().index("zeile 1", first + 1)
    assert view.selected_span() == (second, second + 7)
    area.find_previous()
    assert view.selected_span() == (first, first + 7)
    qtbot.keyClick(area.find_bar.edit, Qt.Key.Key_Escape)
    assert not area.find_bar.isVisible() and view.extraSelections() == []


def test_open_with_hits_and_scroll_to(area, article_ids, notebook) -> None:
    """Hits are marked, next/previous walk them, scroll_to selects the passage."""
    text = notebook.articles.get(article_ids[2]).text
    first = text.index("Zeile 150")
    hits = [(first, first + 9), (first + 100, first + 105)]
    area.open_article(article_ids[2], scroll_to=hits[0], hits=hits)
    view = area.current_view()
    assert view.selected_span() == hits[0]
    assert view.verticalScrollBar().value() > 0
    assert view.current_hit() == 0
    area.next_hit()
    assert view.current_hit() == 1
    area.previous_hit()
    assert view.current_hit() == 0


def test_selected_span_reports_article_and_code_points(area, article_ids, notebook) -> None:
    """selected_span() names the focused article and code-point span."""
    area.open_article(article_ids[0])
    text = notebook.articles.get(article_ids[0]).text
    start = text.index("Gas 😀.") + 4
    area.current_view().select_span(start, start + 2)
    assert area.selected_span() == (article_ids[0], start, start + 2)


def test_save_and_restore_state_round_trip(qtbot, area, article_ids, controller) -> None:
    """A new area restores panes, sync and current pane from the saved state."""
    area.open_article(article_ids[0])
    area.open_article(article_ids[1], new_pane=True)
    area.set_sync_scrolling(True)
    state = area.save_state()
    other = ReaderArea(controller)
    qtbot.addWidget(other)
    other.restore_state(state)
    assert other.open_article_ids() == article_ids[:2]
    assert other.is_sync_scrolling()
    assert other.current_view().article_id == article_ids[1]


def test_restore_state_skips_deleted_articles(qtbot, area, article_ids, controller,
                                              notebook) -> None:
    """A saved pane whose article was deleted is not reopened."""
    area.open_article(article_ids[0])
    area.open_article(article_ids[1], new_pane=True)
    state = area.save_state()
    notebook.articles.delete([article_ids[0]])
    area.restore_state(state)
    assert area.open_article_ids() == [article_ids[1]]


def test_deleting_open_article_closes_its_pane(area, article_ids, controller) -> None:
    """A pane closes when its article is deleted through the controller."""
    area.open_article(article_ids[0])
    area.open_article(article_ids[1], new_pane=True)
    nb = controller.nb
    controller.edit(lambda: nb.articles.delete([article_ids[1]]))
    assert area.open_article_ids() == [article_ids[0]]


def test_highlight_click_is_forwarded(area, article_ids, controller, qtbot) -> None:
    """highlightActivated from a pane reaches the area's signal."""
    area.open_article(article_ids[0])
    nb = controller.nb
    highlight, _ = controller.edit(lambda: nb.annotations.add(article_ids[0], 0, 7))
    view = area.current_view()
    view.select_span(2, 2)
    with qtbot.waitSignal(area.highlightActivated) as signal:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert signal.args == [highlight.id]
