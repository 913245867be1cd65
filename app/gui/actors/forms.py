"""Small form helpers shared by the actor and agreement dialogs and views: button rows,
OK/Cancel, an inline error label."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

log = logging.getLogger(__name__)


def button_row(parent: QWidget,
               specs: Sequence[tuple[str, str, Callable[[], object]]]) -> QHBoxLayout:
    """A row of push buttons (object name, text, slot), left-aligned."""
    row = QHBoxLayout()
    for name, text, slot in specs:
        button = QPushButton(text, parent)
        button.setObjectName(name)
        button.clicked.connect(slot)
        row.addWidget(button)
    row.addStretch(1)
    return row


def ok_cancel(dialog: QDialog, on_ok: Callable[[], None]) -> QDialogButtonBox:
    """OK/Cancel buttons: OK runs ``on_ok`` (which accepts when the input is valid)."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog)
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons


def error_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setObjectName("errorLabel")
    label.setStyleSheet("color: #b00020;")
    label.setWordWrap(True)
    label.hide()
    return label


def show_error(label: QLabel, message: str) -> None:
    label.setText(message)
    label.setVisible(bool(message))


# -- mark as actor ------------------------------------------------------------------------
