"""A reader's window is read-only and says so: a banner above the readers and every editing
action disabled (the database refuses the edits anyway; the window should not offer them).

What may be done is read from the notebook's ``access`` (``app.core.access.Access``): a
reader of a shared notebook, or a notebook whose schema is newer than this Dossier.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QToolBar

from app.core.access import Access, Role

if TYPE_CHECKING:
    from app.gui.window.main_window import MainWindow

log = logging.getLogger(__name__)

#: Actions that only read, navigate or write files outside the notebook: they stay enabled
#: in a read-only window. Every other named action edits and is disabled.
READ_SAFE = frozenset({
    "about", "close_pane", "copy_citation", "find", "find_next", "find_previous",
    "focus_inspector", "focus_library", "focus_reader", "focus_search", "help_first_steps",
    "help_search", "help_shortcuts", "new_notebook", "new_pane", "next_hit", "next_pane",
    "open_notebook", "open_shared", "previous_hit", "quit", "revisions", "search",
    "share_on_server", "sync_scrolling",
})


def read_only_text(access: Access) -> str:
    """The banner's line: "Read-only: you are a reader of this notebook", or the notebook's
    own reason (e.g. a schema that needs a newer Dossier)."""
    if not access.read_only_reason:
        return ""
    if access.role is Role.READER and access.is_shared:
        return "Read-only: you are a reader of this notebook (an owner can make you an editor)"
    reason = access.read_only_reason
    if reason.lower().startswith("read-only:"):
        reason = reason.split(":", 1)[1].strip()
    return f"Read-only: {reason}"


def is_read_safe(name: str) -> bool:
    return name in READ_SAFE or name.startswith("export_")


class ReadOnlyGuard(QObject):
    """Shows the banner and keeps editing actions disabled while the notebook is read-only
    (views that enable actions on their own, e.g. on a text selection, are overruled)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.read_only = False
        self.label = QLabel(window)
        self.label.setObjectName("read_only_banner")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setStyleSheet("QLabel { background: #fff4c2; color: #4a3b00; "
                                 "padding: 4px 8px; font-weight: bold; }")
        self.bar = QToolBar("Read-only", window)
        self.bar.setObjectName("ReadOnlyBar")
        self.bar.setMovable(False)
        self.bar.setFloatable(False)
        self.bar.toggleViewAction().setVisible(False)
        self.bar.addWidget(self.label)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.bar)
        self.bar.hide()
        self._guarded: set[QAction] = set()

    def apply(self, access: Access) -> None:
        """Show or hide the banner and disable or re-enable the editing actions."""
        text = read_only_text(access)
        was_read_only, self.read_only = self.read_only, bool(text)
        self.label.setText(text)
        self.label.setToolTip(access.read_only_reason)
        self.bar.setVisible(self.read_only)
        for name, action in self.window.menu_actions.items():
            if is_read_safe(name):
                continue
            if action not in self._guarded:
                self._guarded.add(action)
                action.changed.connect(self._on_action_changed)
            if self.read_only:
                action.setEnabled(False)
            elif was_read_only and name not in ("undo", "redo"):
                action.setEnabled(True)
        if was_read_only and not self.read_only:
            self.window.update_actions()  # undo/redo follow the history again

    def _on_action_changed(self) -> None:
        action = self.sender()
        if self.read_only and isinstance(action, QAction) and action.isEnabled():
            action.setEnabled(False)

    def disabled_actions(self) -> list[str]:
        """Names of the named actions disabled now (for tests and accessibility)."""
        return sorted(n for n, a in self.window.menu_actions.items() if not a.isEnabled())
