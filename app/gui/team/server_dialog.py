"""The server form of File > Share on Server… and File > Open Shared Notebook…: host, port,
database, user, password, and "Remember the password in the system keyring"."""

from __future__ import annotations

import getpass
import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.gui.team.credentials import DEFAULT_PORT, ServerDetails, saved_password

log = logging.getLogger(__name__)

REMEMBER = "&Remember the password in the system keyring"


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


class ServerDialog(QDialog):
    """Asks where the shared notebook is and who connects; ``details()`` and
    ``password()`` after ``accept``. ``action`` names the OK button ("Share", "Open")."""

    def __init__(self, title: str, action: str, intro: str, parent: QWidget | None = None,
                 details: ServerDetails | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self._build(action, intro)
        self.fill(details or ServerDetails("localhost", DEFAULT_PORT, "", _login_name()))

    def _build(self, action: str, intro: str) -> None:
        self.intro = QLabel(intro, self)
        self.intro.setWordWrap(True)
        self.host_edit = QLineEdit(self)
        self.host_edit.setPlaceholderText("server name or address")
        self.port_box = QSpinBox(self)
        self.port_box.setRange(1, 65535)
        self.database_edit = QLineEdit(self)
        self.database_edit.setPlaceholderText("name of the notebook's database")
        self.user_edit = QLineEdit(self)
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("empty: use the keyring or ~/.pgpass")
        self.remember_box = QCheckBox(REMEMBER, self)
        self.remember_box.setToolTip("Never stored in Dossier's settings; the keyring of "
                                     "your desktop keeps it encrypted")
        self.error_label = QLabel(self)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setStyleSheet("color: #b00020")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        form = QFormLayout()
        form.addRow("&Host:", self.host_edit)
        form.addRow("&Port:", self.port_box)
        form.addRow("&Database:", self.database_edit)
        form.addRow("&User:", self.user_edit)
        form.addRow("Pass&word:", self.password_edit)
        form.addRow("", self.remember_box)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = self.buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        for edit in (self.host_edit, self.database_edit, self.user_edit):
            edit.textChanged.connect(self._clear_error)

    def fill(self, details: ServerDetails) -> None:
        """Show ``details``; a password remembered for them fills the password field."""
        self.host_edit.setText(details.host)
        self.port_box.setValue(details.port)
        self.database_edit.setText(details.database)
        self.user_edit.setText(details.user)
        remembered = saved_password(details) if details.database else ""
        self.password_edit.setText(remembered)
        self.remember_box.setChecked(bool(remembered))

    def details(self) -> ServerDetails:
        return ServerDetails(self.host_edit.text().strip(), self.port_box.value(),
                             self.database_edit.text().strip(), self.user_edit.text().strip())

    def password(self) -> str:
        return self.password_edit.text()

    def remember(self) -> bool:
        return self.remember_box.isChecked()

    def show_error(self, text: str) -> None:
        """Show one line under the form (the dialog stays open to correct it)."""
        self.error_label.setText(text)
        self.error_label.show()

    def _clear_error(self) -> None:
        self.error_label.hide()

    def problem(self) -> str:
        """What is missing, in one line ("" when the form is complete)."""
        d = self.details()
        for value, name in ((d.host, "host"), (d.database, "database"), (d.user, "user")):
            if not value:
                return f"Enter the {name}."
        return ""

    def accept(self) -> None:
        problem = self.problem()
        if problem:
            self.show_error(problem)
            return
        super().accept()
