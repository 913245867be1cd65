"""Docks collapse to a side bar at their window edge, as an IDE's tool windows do.

A collapsed dock is hidden and leaves a button (its title, written along the edge) on
a narrow tool bar at the edge it was docked to; the reader area takes the space. One
click on the button, or the dock's own shortcut (View menu), brings it back where it
was. "Collapse to Side Bar" is in each dock's title-bar context menu and in View.
Which docks are collapsed is saved with the window layout (:mod:`.session`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QAction, QKeySequence, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QMainWindow,
    QMenu,
    QStyle,
    QStyleOptionToolButton,
    QToolBar,
    QToolButton,
    QWidget,
)

log = logging.getLogger(__name__)

Area = Qt.DockWidgetArea
BAR_AREAS: dict[Area, Qt.ToolBarArea] = {
    Area.LeftDockWidgetArea: Qt.ToolBarArea.LeftToolBarArea,
    Area.RightDockWidgetArea: Qt.ToolBarArea.RightToolBarArea,
    Area.BottomDockWidgetArea: Qt.ToolBarArea.BottomToolBarArea,
    Area.TopDockWidgetArea: Qt.ToolBarArea.TopToolBarArea,
}
BAR_NAMES = {Area.LeftDockWidgetArea: "LeftSideBar", Area.RightDockWidgetArea: "RightSideBar",
             Area.BottomDockWidgetArea: "BottomSideBar", Area.TopDockWidgetArea: "TopSideBar"}


class SideButton(QToolButton):
    """A side-bar button whose text runs along a vertical bar (rotated a quarter turn:
    clockwise on the right edge, anticlockwise on the left), flat on a horizontal one."""

    def __init__(self, text: str, area: Area, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setText(text)
        self.setAutoRaise(True)
        self._vertical = area in (Area.LeftDockWidgetArea, Area.RightDockWidgetArea)
        self._clockwise = area == Area.RightDockWidgetArea

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return hint.transposed() if self._vertical else hint

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self._vertical:
            super().paintEvent(event)
            return
        painter = QPainter(self)
        option = QStyleOptionToolButton()
        self.initStyleOption(option)
        if self._clockwise:
            painter.translate(self.width(), 0)
            painter.rotate(90)
        else:
            painter.translate(0, self.height())
            painter.rotate(-90)
        option.rect = self.rect().transposed()
        self.style().drawComplexControl(QStyle.ComplexControl.CC_ToolButton, option,
                                        painter, self)
        painter.end()


class DockSideBars:
    """The side bars of one main window and the docks collapsed onto them."""

    def __init__(self, window: QMainWindow) -> None:
        self._window = window
        self._bars: dict[Area, QToolBar] = {}
        self._buttons: dict[str, SideButton] = {}  # dock object name -> its button
        self._docks: dict[str, QDockWidget] = {}
        self._areas: dict[str, Area] = {}
        self.menu = QMenu("Collapse to Side &Bar", window)
        self.menu.setToolTipsVisible(True)
        self.menu.aboutToShow.connect(self._fill_menu)

    # --- docks ----------------------------------------------------------------------------
    def register(self, dock: QDockWidget) -> None:
        """Offer "Collapse to Side Bar" for ``dock`` (title-bar context menu, View)."""
        self._docks[dock.objectName()] = dock
        dock.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        dock.customContextMenuRequested.connect(
            lambda pos, d=dock: self._title_menu(d, pos))
        # the dock's own shortcut (or View) shows it again: its button must go
        dock.toggleViewAction().toggled.connect(
            lambda shown, d=dock: self._forget(d) if shown else None)

    def docks(self) -> list[QDockWidget]:
        return list(self._docks.values())

    def is_collapsed(self, dock: QDockWidget) -> bool:
        return dock.objectName() in self._buttons

    def collapsed_names(self) -> list[str]:
        """Object names of the collapsed docks, in the order they were collapsed."""
        return list(self._buttons)

    def button(self, dock: QDockWidget) -> SideButton | None:
        return self._buttons.get(dock.objectName())

    def bar(self, area: Area) -> QToolBar | None:
        return self._bars.get(area)

    def collapse(self, dock: QDockWidget) -> None:
        """Hide ``dock`` and put its button on the side bar of its edge."""
        name = dock.objectName()
        if name in self._buttons:
            return
        area = self._window.dockWidgetArea(dock)
        if area not in BAR_AREAS:  # floating: back to where docks of its kind live
            area = self._areas.get(name, Area.LeftDockWidgetArea)
        self._areas[name] = area
        bar = self._bar(area)
        button = SideButton(dock.windowTitle(), area, bar)
        button.setObjectName(f"{name}Button")
        shortcut = dock.toggleViewAction().shortcut().toString(
            QKeySequence.SequenceFormat.NativeText)
        button.setToolTip(f"Show {dock.windowTitle()}" + (f" ({shortcut})" if shortcut else ""))
        button.clicked.connect(lambda _checked=False, d=dock: self.restore(d))
        self._buttons[name] = button
        bar.addWidget(button)
        bar.show()
        dock.hide()

    def restore(self, dock: QDockWidget) -> None:
        """Show a collapsed ``dock`` again where it was, in front of its tab group."""
        dock.show()  # its toggle action's signal removes the button (_forget)
        self._forget(dock)
        dock.raise_()

    def collapse_group(self, dock: QDockWidget) -> None:
        """Collapse ``dock`` and the docks tabbed with it: a tab group takes its room
        until all of its docks are gone."""
        for each in [dock, *self._window.tabifiedDockWidgets(dock)]:
            self.collapse(each)

    def collapse_all(self) -> None:
        """Collapse every open dock (the readers get the whole window)."""
        for dock in self._docks.values():
            if dock.toggleViewAction().isChecked() and not dock.isFloating():
                self.collapse(dock)

    def restore_all(self) -> None:
        """Bring back every collapsed dock."""
        for name in list(self._buttons):
            self.restore(self._docks[name])

    def collapse_names(self, names: Iterable[str]) -> None:
        """Collapse the docks with these object names (a saved session; unknown skipped)."""
        for name in names:
            dock = self._docks.get(name)
            if dock is not None:
                self.collapse(dock)
            else:
                log.info("no dock %r to collapse", name)

    def _forget(self, dock: QDockWidget) -> None:
        button = self._buttons.pop(dock.objectName(), None)
        if button is None:
            return
        for bar in self._bars.values():
            for action in bar.actions():
                if bar.widgetForAction(action) is button:
                    bar.removeAction(action)
            if not bar.actions():
                bar.hide()  # an empty side bar takes no room
        button.deleteLater()

    def _bar(self, area: Area) -> QToolBar:
        bar = self._bars.get(area)
        if bar is None:
            bar = QToolBar("Side Bar", self._window)
            bar.setObjectName(BAR_NAMES[area])
            bar.setMovable(False)
            bar.setFloatable(False)
            bar.toggleViewAction().setVisible(False)  # it follows its buttons
            bar.setIconSize(QSize(12, 12))
            self._window.addToolBar(BAR_AREAS[area], bar)
            self._bars[area] = bar
        return bar

    # --- menus ----------------------------------------------------------------------------
    def _title_menu(self, dock: QDockWidget, pos: QPoint) -> None:
        """The context menu of a dock's title bar (not of its contents)."""
        content = dock.widget()
        if content is not None and pos.y() >= content.geometry().top():
            return
        menu = QMenu(dock)
        collapse = menu.addAction("Collapse to Side Bar")
        collapse.triggered.connect(lambda: self.collapse(dock))
        if self._window.tabifiedDockWidgets(dock):
            group = menu.addAction("Collapse Tab Group to Side Bar")
            group.triggered.connect(lambda: self.collapse_group(dock))
        close = menu.addAction("Close")
        close.triggered.connect(dock.close)
        menu.popup(dock.mapToGlobal(pos))

    def _fill_menu(self) -> None:
        """View > Collapse to Side Bar: one checkable entry per dock."""
        self.menu.clear()
        self.menu.addAction("Collapse &All Docks", self.collapse_all)
        restore = self.menu.addAction("&Restore All Docks", self.restore_all)
        restore.setEnabled(bool(self._buttons))
        self.menu.addSeparator()
        for dock in sorted(self._docks.values(), key=lambda d: d.windowTitle()):
            action = QAction(dock.windowTitle(), self.menu)
            action.setCheckable(True)
            action.setChecked(self.is_collapsed(dock))
            action.toggled.connect(lambda on, d=dock: self.collapse(d) if on else self.restore(d))
            self.menu.addAction(action)
