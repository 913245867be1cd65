"""Help is offline, complete and last in the menu bar."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QTextBrowser


@pytest.fixture
def window(qtbot, notebook, tmp_path, make_window):
    win = make_window(notebook)
    return win


def test_help_is_the_last_menu_after_notes(window) -> None:
    """The menu bar ends with Notes, then Help."""
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles[-2:] == ["Notes", "Help"]


def test_f1_opens_first_steps_and_every_page_has_content(qtbot, window) -> None:
    """F1 shows First Steps; the shortcut page lists the window's own shortcuts."""
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    assert QTest.qWaitForWindowActive(window)
    QTest.keyClick(window.focusWidget() or window, Qt.Key.Key_F1)
    dialog = window.help_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.tabs.currentWidget().objectName() == "first-steps"
    pages = {b.objectName(): b.toPlainText() for b in dialog.findChildren(QTextBrowser)}
    assert "Ctrl+T" in pages["first-steps"]
    assert "Quick Tag…" in pages["shortcuts"] and "Ctrl+K" in pages["shortcuts"]
    assert '="kritische Mineralien"' in pages["search"]


def test_help_menu_entries_open_their_page(window) -> None:
    """Help > Search Syntax brings that tab to the front."""
    window.menu_actions["help_search"].trigger()
    assert window.help_dialog.tabs.currentWidget().objectName() == "search"
