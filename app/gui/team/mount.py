"""File > Share on Server… and File > Open Shared Notebook…, the read-only banner, live
updates from colleagues and the conflict dialog, mounted on the main window.

The window's state follows the open notebook: after each switch (``notebookOpened``) and once
the window is built, :meth:`TeamActions.attach` applies the notebook's access (read-only or
not) and follows its live watcher.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from app.core.errors import ConflictError
from app.gui.exchange.run_dialog import RunDialog
from app.gui.team.conflict_dialog import ConflictDialog, show_conflict
from app.gui.team.credentials import (
    KeyringUnavailable,
    ServerDetails,
    remember_for_session,
    save_password,
    without_password,
)
from app.gui.team.live import LiveRelay
from app.gui.team.publish import PublishWork, published_report
from app.gui.team.readonly import ReadOnlyGuard
from app.gui.team.server_dialog import ServerDialog

if TYPE_CHECKING:  # the window imports this module: a cycle only for the type checker
    from app.gui.window.main_window import MainWindow

log = logging.getLogger(__name__)

SHARE_INTRO = ("Copy this notebook to a PostgreSQL server so that colleagues can open it. "
               "The database must be new and empty; you become its owner.")
OPEN_INTRO = "Open a notebook shared on a PostgreSQL server."


class TeamActions(QObject):
    """The team parts of the main window (see the module docstring)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.guard = ReadOnlyGuard(window)
        self.live = LiveRelay(window)
        self.server_dialog: ServerDialog | None = None
        self.publish_dialog: RunDialog | None = None
        self.conflict_dialog: ConflictDialog | None = None
        self._published: tuple[ServerDetails, str, bool] | None = None
        window.add_action("open_shared", "Open Shared Note&book…", self.choose_shared)
        window.add_action("share_on_server", "Share on Ser&ver…", self.choose_server)
        self._add_to_file_menu()
        window.controller.conflict_handler = self.on_conflict
        window.controller.notebookOpened.connect(self._on_notebook_opened)
        QTimer.singleShot(0, self, self.attach)  # once every view has mounted its actions

    def _add_to_file_menu(self) -> None:
        a = self.window.menu_actions
        menu = self.window.menu("file")
        recent = self.window.recent_menu.menuAction()
        actions = menu.actions()
        ours = [a["open_shared"], a["share_on_server"]]
        if recent in actions and actions.index(recent) + 1 < len(actions):
            menu.insertActions(actions[actions.index(recent) + 1], ours)
        else:
            menu.addActions(ours)

    # --- the open notebook ----------------------------------------------------------------
    def attach(self) -> None:
        """Apply the open notebook's access and follow its live changes."""
        nb = self.window.controller.nb
        self.guard.apply(nb.access)
        self.live.follow(nb)

    def _on_notebook_opened(self, _nb: Any) -> None:
        QTimer.singleShot(0, self, self.attach)  # after the window has attached it

    # --- conflicts ------------------------------------------------------------------------
    def on_conflict(self, error: ConflictError, parent: Any = None) -> ConflictDialog:
        """The controller met a conflict: let the user choose field by field."""
        self.conflict_dialog = show_conflict(self.window.controller, error,
                                             parent or self.window)
        return self.conflict_dialog

    # --- open shared ----------------------------------------------------------------------
    def choose_shared(self) -> None:
        """File > Open Shared Notebook…: the server form, then open (again on failure)."""
        details = ServerDetails.from_url(self.window.controller.nb.url)
        while True:
            dialog = self._server_dialog("Open Shared Notebook", "Open", OPEN_INTRO, details)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            details = dialog.details()
            if self.open_shared(details, dialog.password(), dialog.remember()):
                return

    def open_shared(self, details: ServerDetails, password: str, remember: bool) -> bool:
        """Open the shared notebook ``details`` in this window; True when it opened.

        The password reaches the database driver in memory only; settings and the recent
        list get the URL without it. ``remember`` keeps it in the system keyring."""
        if password:
            remember_for_session(details, password)
        url = details.url()
        if not self.window.open_notebook(url):
            return False
        if remember and password:
            self._remember(details, password)
        return True

    def _remember(self, details: ServerDetails, password: str) -> None:
        try:
            save_password(details, password)
        except KeyringUnavailable as exc:
            self.window.statusBar().showMessage(
                f"The password was not remembered: {exc}", 15_000)

    def _server_dialog(self, title: str, action: str, intro: str,
                       details: ServerDetails | None) -> ServerDialog:
        dialog = ServerDialog(title, action, intro, self.window, details)
        self.server_dialog = dialog
        return dialog

    # --- share ----------------------------------------------------------------------------
    def choose_server(self) -> None:
        """File > Share on Server…: the server form, then publish with progress."""
        dialog = self._server_dialog("Share on Server", "Share", SHARE_INTRO, None)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.share(dialog.details(), dialog.password(), dialog.remember())

    def share(self, details: ServerDetails, password: str, remember: bool) -> RunDialog:
        """Publish the open notebook to ``details`` off the GUI thread."""
        if password:
            remember_for_session(details, password)
        work = PublishWork(self.window.controller.nb, details, password)
        dialog = RunDialog("Share on Server", self.window.runner, work, published_report,
                           None, self.window,
                           cancelled_text="Cancelled: nothing was copied to the server.")
        dialog.workFinished.connect(self._on_published)
        self._published = (details, password, remember)
        self.publish_dialog = dialog
        dialog.show()
        return dialog

    def _on_published(self, result: Any) -> None:
        if result is None or self._published is None:
            return
        details, password, remember = self._published
        if remember and password:
            self._remember(details, password)
        if self.publish_dialog is not None:
            button = self.publish_dialog.buttons.addButton(
                "Open Shared Notebook", QDialogButtonBox.ButtonRole.ActionRole)
            button.clicked.connect(self.open_published)
        self.window.statusBar().showMessage(
            f"Shared on {without_password(details.url())}: open it with File > Open Shared "
            "Notebook…", 15_000)

    def open_published(self) -> bool:
        """Switch this window to the notebook just shared (the report's Open button)."""
        if self._published is None:
            return False
        details, password, remember = self._published
        if self.publish_dialog is not None:
            self.publish_dialog.accept()
        return self.open_shared(details, password, remember)


def mount_team(window: MainWindow) -> TeamActions:
    """Add the team actions to ``window`` (File menu, banner, live updates, conflicts)."""
    return TeamActions(window)
