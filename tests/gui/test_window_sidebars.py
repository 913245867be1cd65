"""Docks collapse to a side bar at their edge and come back with one click or their
shortcut; the collapsed docks are restored in the next session (issue 11, item 3)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu

AREA = Qt.DockWidgetArea


def test_collapsed_library_leaves_a_button_and_the_reader_gains_the_space(
        qtbot, notebook, make_window):
    """Collapsing the library hides it, puts a vertical "Library" button on the left bar
    and widens the reader area; one click on the button brings the library back."""
    window = make_window(notebook, show=True)
    window.resize(1400, 900)
    qtbot.wait(50)
    before = window.reader_area.width()
    window.side_bars.collapse(window.library_dock)
    qtbot.waitUntil(lambda: window.reader_area.width() > before + 150)
    bar = window.side_bars.bar(AREA.LeftDockWidgetArea)
    button = window.side_bars.button(window.library_dock)
    assert not window.library_dock.isVisible() and bar.isVisible()
    assert button.text() == "Library" and "Ctrl+Shift+1" in button.toolTip()
    assert button.height() > button.width()  # the title runs along the edge
    assert bar.width() < 40  # a narrow strip
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert window.library_dock.isVisible()
    assert window.side_bars.button(window.library_dock) is None
    qtbot.waitUntil(lambda: not bar.isVisible())


def test_dock_shortcut_restores_a_collapsed_dock(qtbot, notebook, make_window):
    """Ctrl+Shift+2 (the inspector's shortcut) shows a collapsed inspector and removes
    its side-bar button."""
    window = make_window(notebook, active=True)
    window.side_bars.collapse(window.inspector_dock)
    assert window.side_bars.is_collapsed(window.inspector_dock)
    QTest.keyClick(window.focusWidget() or window, Qt.Key.Key_2,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.inspector_dock.isVisible()
    assert not window.side_bars.is_collapsed(window.inspector_dock)


def test_view_menu_collapses_and_restores_every_dock(qtbot, notebook, make_window):
    """View > Collapse to Side Bar lists every dock (Notes, Actors, Network ... too);
    checking an entry collapses that dock, unchecking restores it."""
    window = make_window(notebook, show=True)
    menu = window.side_bars.menu
    assert menu.menuAction() in window.menu("view").actions()
    menu.aboutToShow.emit()
    titles = [a.text() for a in menu.actions() if a.isCheckable()]
    for title in ("Library", "Inspector", "Search", "Notes", "Actors", "Agreements",
                  "Network", "Timeline", "Needs Review"):
        assert title in titles
    entry = next(a for a in menu.actions() if a.text() == "Notes")
    entry.trigger()
    assert window.side_bars.is_collapsed(window.notes_dock)
    assert not window.notes_dock.isVisible()
    menu.aboutToShow.emit()
    entry = next(a for a in menu.actions() if a.text() == "Notes")
    assert entry.isChecked()
    entry.trigger()
    assert window.notes_dock.isVisible()


def test_title_bar_context_menu_offers_collapse(qtbot, notebook, make_window):
    """Right-clicking a dock's title bar offers "Collapse to Side Bar", which collapses it;
    the search dock goes to the bottom bar."""
    window = make_window(notebook, active=True)
    dock = window.search_dock
    dock.customContextMenuRequested.emit(QPoint(20, 3))
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    menu = QApplication.activePopupWidget()
    action = next(a for a in menu.actions() if a.text() == "Collapse to Side Bar")
    menu.close()
    action.trigger()
    assert window.side_bars.is_collapsed(dock)
    bottom = window.side_bars.bar(AREA.BottomDockWidgetArea)
    assert bottom.isVisible() and bottom.widgetForAction(bottom.actions()[0]).text() == "Search"


def test_collapsed_docks_are_restored_in_the_next_session(
        qtbot, notebook, settings, make_window):
    """Closing the window saves which docks are collapsed; a new window collapses them
    again (buttons on their bars), the others stay open."""
    window = make_window(notebook, show=True)
    window.side_bars.collapse(window.inspector_dock)
    window.side_bars.collapse(window.library_dock)
    window.close()
    again = make_window(notebook, show=True)
    assert again.side_bars.collapsed_names() == ["InspectorDock", "LibraryDock"]
    assert not again.inspector_dock.isVisible() and not again.library_dock.isVisible()
    assert again.side_bars.bar(AREA.RightDockWidgetArea).isVisible()
    assert again.search_dock.isVisible()
    again.side_bars.restore(again.inspector_dock)
    again.close()
    third = make_window(notebook)
    assert third.side_bars.collapsed_names() == ["LibraryDock"]


def test_collapse_tab_group_and_all_docks_give_the_readers_the_window(
        qtbot, notebook, make_window):
    """The inspector's tab group (notes, actors ...) collapses at once from its title bar;
    View > Collapse All Docks leaves only the readers; Restore All brings every dock back."""
    window = make_window(notebook, show=True)
    window.resize(1400, 900)
    dock = window.inspector_dock
    tabbed = window.tabifiedDockWidgets(dock)
    assert tabbed  # the notes and actor views share the inspector's place
    dock.customContextMenuRequested.emit(QPoint(20, 3))
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    menu = QApplication.activePopupWidget()
    group = next(a for a in menu.actions() if a.text() == "Collapse Tab Group to Side Bar")
    menu.close()
    group.trigger()
    assert all(window.side_bars.is_collapsed(d) for d in [dock, *tabbed])
    view = window.side_bars.menu
    view.aboutToShow.emit()
    next(a for a in view.actions() if a.text() == "Collapse &All Docks").trigger()
    qtbot.waitUntil(lambda: window.reader_area.width() > 1250)
    assert not window.library_dock.isVisible() and not window.search_dock.isVisible()
    view.aboutToShow.emit()
    next(a for a in view.actions() if a.text() == "&Restore All Docks").trigger()
    assert window.library_dock.isVisible() and window.search_dock.isVisible()
    assert window.side_bars.collapsed_names() == []
