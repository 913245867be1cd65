"""File > Open Shared Notebook…: a notebook on the PostgreSQL server opens in the window;
the password reaches the driver in memory only (settings and recent list never hold it);
"remember" keeps it in the system keyring, which later opens the recent entry."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.gui.team.credentials import KEYRING_SERVICE, ServerDetails
from app.gui.team.mount import TeamActions
from app.gui.team.server_dialog import ServerDialog
from tests import pg

pytestmark = pytest.mark.postgres


def _team(window) -> TeamActions:
    found = window.findChild(TeamActions)
    assert found is not None
    return found


def _details(pg_url: str) -> tuple[ServerDetails, str]:
    from urllib.parse import urlsplit

    details = ServerDetails.from_url(pg_url)
    assert details is not None
    return details, urlsplit(pg_url).password or ""


@pytest.mark.postgres
def test_open_shared_keeps_password_out_of_settings(qtbot, notebook, team_window, settings,
                                                    pg_url, tmp_path, memory_keyring):
    """Opening with "remember": the window shows the server notebook; the settings file
    and the recent list hold the URL without the password; the keyring holds it."""
    with pg.open_pg_notebook(pg_url, tmp_path, "setup") as shared:
        shared.tags.create("Politik")
    details, password = _details(pg_url)
    window = team_window
    assert _team(window).open_shared(details, password, remember=True)
    assert window.nb.url.startswith("postgresql")
    assert [t.path for t in window.nb.tags.list()] == ["Politik"]
    settings.sync()
    text = (tmp_path / "settings.ini").read_text(encoding="utf-8")
    assert f":{password}@" not in text
    assert window.recent_notebooks()[0] == details.url()
    assert f":{password}@" not in window.notebook_label.toolTip()
    assert memory_keyring.passwords == {(KEYRING_SERVICE, details.keyring_key): password}


@pytest.mark.postgres
def test_recent_shared_notebook_opens_with_keyring_password(qtbot, notebook, team_window,
                                                            pg_url, tmp_path, memory_keyring):
    """The recent entry (no password) opens again with the password from the keyring."""
    pg.open_pg_notebook(pg_url, tmp_path, "setup").close()
    details, password = _details(pg_url)
    memory_keyring.set_password(KEYRING_SERVICE, details.keyring_key, password)
    window = team_window
    assert window.open_notebook(details.url())
    assert window.nb.url.startswith("postgresql")


@pytest.mark.postgres
def test_open_shared_dialog_fills_remembered_password(qtbot, notebook, team_window, pg_url,
                                                      tmp_path, memory_keyring):
    """The form, driven like a user: the remembered password is filled in and "remember"
    is ticked; Open switches the window to the shared notebook."""
    pg.open_pg_notebook(pg_url, tmp_path, "setup").close()
    details, password = _details(pg_url)
    memory_keyring.set_password(KEYRING_SERVICE, details.keyring_key, password)
    window = team_window
    team = _team(window)
    seen: dict[str, object] = {}

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ServerDialog):
            QTimer.singleShot(20, fill)
            return
        dialog.fill(details)
        seen["password"] = dialog.password()
        seen["remember"] = dialog.remember_box.isChecked()
        dialog.ok_button.click()

    QTimer.singleShot(0, fill)
    window.menu_actions["open_shared"].trigger()
    assert seen == {"password": password, "remember": True}
    assert window.nb.url.startswith("postgresql")
    assert team.server_dialog is not None


@pytest.mark.postgres
def test_open_shared_wrong_password_says_so_and_keeps_window(qtbot, notebook, team_window,
                                                             pg_url, tmp_path, memory_keyring):
    """A wrong password: one message, the window keeps its notebook, nothing remembered."""
    pg.open_pg_notebook(pg_url, tmp_path, "setup").close()
    details, _ = _details(pg_url)
    window = team_window
    messages: list[str] = []

    def close_message() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            messages.append(box.text())
            box.close()
        else:
            QTimer.singleShot(20, close_message)

    QTimer.singleShot(0, close_message)
    assert not _team(window).open_shared(details, "wrong-password", remember=True)
    assert window.nb is notebook
    assert len(messages) == 1 and "wrong-password" not in messages[0]
    assert "password" in messages[0].lower()
    assert memory_keyring.passwords == {}


def test_server_form_needs_host_database_and_user(qtbot, memory_keyring):
    """An incomplete form stays open with one line saying what is missing."""
    dialog = ServerDialog("Share on Server", "Share", "intro")
    qtbot.addWidget(dialog)
    dialog.database_edit.setText("")
    dialog.accept()
    assert dialog.result() != ServerDialog.DialogCode.Accepted
    assert dialog.error_label.text() == "Enter the database."
    assert dialog.password_edit.echoMode() == dialog.password_edit.EchoMode.Password
    assert dialog.remember_box.text() == "&Remember the password in the system keyring"
