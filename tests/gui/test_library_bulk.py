"""Bulk work in the library: select many articles, edit them in one undo step; the library's
columns, sort order and filters come back after a restart."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from app.gui.common.controller import NotebookController
from app.gui.window.main_window import MainWindow


@pytest.fixture
def window(qtbot, notebook, tmp_path, make_window):
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(4):
        (folder / f"{n}.txt").write_text(f"Artikel {n}\n\nText {n} über Handel.\n",
                                         encoding="utf-8")
    notebook.imports.import_paths([folder])
    win = make_window(notebook)
    win.show()
    return win


def _select_rows(window: MainWindow, rows: list[int]) -> list[int]:
    table = window.library.table
    model = table.selectionModel()
    model.clearSelection()
    model.setCurrentIndex(window.library.model.index(rows[0], 0),
                          QItemSelectionModel.SelectionFlag.NoUpdate)
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in rows:
        model.select(window.library.model.index(row, 0), flags)
    return window.library.selected_article_ids()


def test_multi_select_then_bulk_delete_is_one_undo_step(window, notebook, monkeypatch) -> None:
    """Three selected articles are deleted after one confirmation; one undo brings all back."""
    ids = _select_rows(window, [0, 1, 2])
    assert len(ids) == 3
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.library.table.setFocus()
    window.library_actions.ask_and_apply("delete")
    assert notebook.articles.count() == 1
    window.controller.undo()
    assert notebook.articles.count() == 4


def test_bulk_outlet_and_date_from_the_context_menu(window, notebook, monkeypatch) -> None:
    """Set Outlet… and Set Date… apply to every selected article; a bad date changes nothing."""
    ids = _select_rows(window, [1, 3])
    answers = iter([("Euronews", True), ("2025-11", True), ("2025-00", True)])
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: next(answers))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: None)
    menu = window.library_actions.context_menu()
    texts = [a.text() for a in menu.actions()]
    assert "Set &Outlet (2 articles)…" in texts and "&Delete 2 Articles…" in texts
    window.library_actions.ask_and_apply("outlet")
    window.library_actions.ask_and_apply("published")
    window.library_actions.ask_and_apply("published")  # 2025-00: refused
    summaries = notebook.articles.summaries(ids)
    assert {(s.outlet, s.published) for s in summaries} == {("Euronews", "2025-11")}


def test_tag_whole_articles_from_the_library(window, notebook, monkeypatch) -> None:
    """Tag Whole Articles… puts one tagged highlight over each selected text."""
    ids = _select_rows(window, [0, 2])
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Quelle/Agentur", True))
    window.library_actions.ask_and_apply("tag")
    for article_id in ids:
        [highlight] = notebook.annotations.highlights_for(article_id)
        assert highlight.start == 0
        assert highlight.end == len(notebook.articles.get(article_id).text)


def test_columns_sort_and_filters_survive_a_restart(qtbot, window, notebook, tmp_path) -> None:
    """A widened column, a sort by date and a text filter come back in a new window."""
    header = window.library.table.horizontalHeader()
    header.resizeSection(1, 222)
    window.library.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    window.library.text_edit.setText("Artikel")
    window.library.apply_filter()
    window.save_layout()
    again = MainWindow(NotebookController(notebook), window.settings)
    qtbot.addWidget(again)
    header = again.library.table.horizontalHeader()
    assert header.sectionSize(1) == 222
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        2, Qt.SortOrder.DescendingOrder)
    assert again.library.text_edit.text() == "Artikel"
    assert again.library.model.article_filter.text == "Artikel"
