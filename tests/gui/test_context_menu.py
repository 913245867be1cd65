"""Right-click on a selection offers the QDA actions and the recently used tags."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor

from app.gui.window.main_window import MainWindow

TEXT = "Kasachstan tritt dem Abraham-Abkommen bei. Boeing liefert 37 Jets 😀.\n"


@pytest.fixture
def window(qtbot, notebook, tmp_path, make_window, import_text):
    article_id = import_text("a.txt", TEXT).id
    win = make_window(notebook)
    win.reader_area.open_article(article_id)
    return win


def _select(window: MainWindow, needle: str) -> None:
    view = window.reader_area.current_view()
    start = TEXT.index(needle)
    cursor = view.textCursor()
    cursor.setPosition(view.positions.to_qt(start))
    cursor.setPosition(view.positions.to_qt(start + len(needle)), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)


def _texts(window: MainWindow) -> list[str]:
    pane = window.reader_area.panes()[0]
    menu = window.reader_area.context_menu(pane, QPoint(5, 5))
    return [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]


def test_selection_menu_offers_the_qda_actions_first(window) -> None:
    """Tag, Mark as Actor, New Agreement, Add as Evidence, Copy as Citation, then Copy."""
    _select(window, "Boeing")
    texts = _texts(window)
    wanted = ["Quick Tag…", "Mark as Actor…", "New Agreement from Selection…",
              "Add as Evidence…", "Copy as Citation"]
    assert texts[:5] == wanted
    assert any(t.startswith("Copy") and "Citation" not in t for t in texts[5:])


def test_without_a_selection_only_the_standard_menu_shows(window) -> None:
    """Nothing selected: no tagging entries."""
    assert "Quick Tag…" not in _texts(window)


def test_a_recent_tag_is_offered_and_applies_to_the_new_selection(qtbot, window,
                                                                  notebook) -> None:
    """After tagging once with quick tag, right-click offers that tag for the next passage."""
    _select(window, "Kasachstan")
    window.reader_area.quick_tag()
    popup = window.reader_area.quick_tag_popup()
    qtbot.keyClicks(popup.edit, "Akteure/Staat")
    qtbot.keyClick(popup.edit, Qt.Key.Key_Return)
    _select(window, "Boeing")
    pane = window.reader_area.panes()[0]
    menu = window.reader_area.context_menu(pane, QPoint(5, 5))
    [recent] = [a for a in menu.actions() if a.text() == "Tag \u201cAkteure/Staat\u201d"]
    recent.trigger()
    spans = {(h.start, h.end): h for h in notebook.annotations.highlights_for(
        window.reader_area.current_view().article_id)}
    start = TEXT.index("Boeing")
    tagged = spans[(start, start + len("Boeing"))]
    assert [notebook.tags.get(t).path for t in tagged.tag_ids] == ["Akteure/Staat"]
