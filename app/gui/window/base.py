"""The typed API other views use to extend the main window: docks, named actions and
menus by key (never found by their translated labels)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QWidget

from app.gui.window.sidebars import DockSideBars


class WindowBase(QMainWindow):
    """A main window with named actions and keyed menus (the base of MainWindow)."""

    menu_actions: dict[str, QAction]
    _menus: dict[str, QMenu]
    _side_bars: DockSideBars | None = None

    @property
    def side_bars(self) -> DockSideBars:
        """The side bars docks collapse to (made with the first dock)."""
        if self._side_bars is None:
            self._side_bars = DockSideBars(self)
        return self._side_bars

    def _fit_to_screen(self, width: int, height: int) -> None:
        """Start at ``width`` x ``height``, or at the screen's available size if smaller
        (a 1024 x 700 laptop must see the whole window, the inspector included)."""
        screen = self.screen()
        if screen is not None:
            room = screen.availableGeometry()
            width, height = min(width, room.width()), min(height, room.height())
        self.resize(width, height)

    def add_dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea, *,
                 tab_with: QDockWidget | None = None, shortcut: str | None = None) -> QDockWidget:
        """Add ``widget`` as a dock (tabbed with ``tab_with``); its toggle goes to View."""
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        cap_minimum(widget)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        if tab_with is not None:
            self.tabifyDockWidget(tab_with, dock)
            tab_with.raise_()
        toggle = dock.toggleViewAction()
        if shortcut:
            toggle.setShortcut(QKeySequence(shortcut))
        self.addAction(toggle)  # the shortcut works with the menu bar hidden
        if "view" in self._menus:
            self._menus["view"].addAction(toggle)
        self.side_bars.register(dock)  # "Collapse to Side Bar" in its title bar and View
        return dock

    def add_action(
        self, name: str, text: str, slot: Callable[..., Any], shortcut: Any = None
    ) -> QAction:
        """A named window-wide action (found later in ``menu_actions[name]``)."""
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work even when the menu bar is hidden
        self.menu_actions[name] = action
        return action

    def menu(self, key: str) -> QMenu:
        """One of the window's menus by key: file, edit, view, annotate, window, help, or
        one added with :meth:`add_menu` (never found by its translated label)."""
        return self._menus[key]

    def add_menu(self, key: str, title: str, *, before: str = "help") -> QMenu:
        """Add a menu to the menu bar before the menu ``before`` (Help stays last)."""
        menu = QMenu(title, self)
        self.menuBar().insertMenu(self._menus[before].menuAction(), menu)
        self._menus[key] = menu
        return menu

    def new_menu(self, key: str, title: str) -> QMenu:
        """Append a menu to the menu bar under ``key``."""
        menu = self.menuBar().addMenu(title)
        self._menus[key] = menu
        return menu

    def add_groups(self, menu: QMenu, groups: list[list[str]]) -> None:
        """Add named actions to ``menu``, a separator between groups."""
        for number, names in enumerate(groups):
            if number:
                menu.addSeparator()
            menu.addActions([self.menu_actions[n] for n in names])


MAX_DOCK_MINIMUM = QSize(280, 150)
"""The most a dock's contents may demand as their minimum size."""


def cap_minimum(widget: QWidget) -> None:
    """Let a dock be narrower (shorter) than contents that ask for more than
    :data:`MAX_DOCK_MINIMUM`: one wide form in a tab group (a long filter bar) otherwise
    holds every dock of the group, and so the readers, to its width (at 1024 px the
    readers had 200 px left). Such contents are squeezed instead; narrow ones keep
    their own minimum."""
    hint = widget.minimumSizeHint()
    if hint.width() > MAX_DOCK_MINIMUM.width():
        widget.setMinimumWidth(MAX_DOCK_MINIMUM.width())
    if hint.height() > MAX_DOCK_MINIMUM.height():
        widget.setMinimumHeight(MAX_DOCK_MINIMUM.height())
