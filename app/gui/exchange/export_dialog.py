"""File > Export: choose what to export and where; the file is only replaced after the
standard overwrite question.

The dialog suggests ``<Documents>/<notebook> <what> <date>.<suffix>`` and keeps the suggestion
in step with the chosen format until the user types or browses to a path of their own.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.gui.exchange.files import confirm_overwrite, suggested_path
from app.gui.exchange.formats import FORMATS, ExportFormat, Options, format_by_key

log = logging.getLogger(__name__)

NVIVO_LABEL = "NVivo offsets (UTF-16, CRLF)"
NVIVO_TIP = ("Count selections in UTF-16 units of texts written with CRLF line ends, as "
             "NVivo for Windows does (other programs read the standard's characters)")


class ExportDialog(QDialog):
    """Pick a format and a file; ``exportRequested(format, path, options)`` on Export."""

    exportRequested = Signal(object, object, object)  # ExportFormat, Path, Options

    def __init__(self, notebook_name: str, key: str = "highlights_csv",
                 parent: QWidget | None = None, folder: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.setMinimumWidth(620)
        self._name = notebook_name
        self._folder = folder
        self._suggested = Path()
        self._confirmed: Path | None = None  # a path the file dialog already asked about
        self._build()
        self.set_format(key)

    def _build(self) -> None:
        self.format_box = QComboBox(self)
        for fmt in FORMATS:
            self.format_box.addItem(fmt.label, fmt.key)
        self.format_box.currentIndexChanged.connect(self._on_format_changed)
        self.path_edit = QLineEdit(self)
        self.path_edit.setClearButtonEnabled(True)
        self.path_edit.textEdited.connect(self._on_path_edited)
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        self.nvivo_box = QCheckBox(NVIVO_LABEL, self)
        self.nvivo_box.setToolTip(NVIVO_TIP)
        self.message = QLabel(self)
        self.message.setStyleSheet("color: #b00020")
        self.message.setWordWrap(True)
        self.message.hide()
        form = QFormLayout()
        form.addRow("&Export:", self.format_box)
        file_label = QLabel("&File:", self)
        file_label.setBuddy(self.path_edit)  # a row holding a layout gets no buddy itself
        form.addRow(file_label, row)
        form.addRow("", self.nvivo_box)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Cancel, self)
        self.export_button = self.buttons.addButton("Export",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setDefault(True)
        self.buttons.accepted.connect(self.export)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    # --- state ----------------------------------------------------------------------------
    @property
    def current_format(self) -> ExportFormat:
        return format_by_key(str(self.format_box.currentData()))

    def set_format(self, key: str) -> None:
        """Choose the format ``key`` (see :data:`~app.gui.exchange.formats.FORMATS`)."""
        index = self.format_box.findData(key)
        if index < 0:
            raise KeyError(key)
        self.format_box.setCurrentIndex(index)
        self._on_format_changed()

    def path(self) -> Path:
        return Path(self.path_edit.text().strip()).expanduser()

    def set_path(self, path: Path | str) -> None:
        """Type ``path`` into the file field (as the user would)."""
        self.path_edit.setText(str(path))
        self._on_path_edited()

    def _on_format_changed(self) -> None:
        fmt = self.current_format
        self.nvivo_box.setVisible(fmt.key == "qdpx")
        folder = self._folder if self.path() == self._suggested or not self.path_edit.text() \
            else self.path().parent
        old = self.path_edit.text()
        if not old or Path(old) == self._suggested:
            self._suggested = suggested_path(self._name, fmt.what, fmt.suffix, folder=folder)
            self.path_edit.setText(str(self._suggested))
        elif self.path().suffix.lower() != fmt.suffix:
            self.path_edit.setText(str(self.path().with_suffix(fmt.suffix)))
        self._confirmed = None

    def _on_path_edited(self) -> None:
        self._confirmed = None
        self.message.hide()

    def browse(self) -> None:
        """Choose the file with the platform's save dialog (which asks about replacing)."""
        fmt = self.current_format
        path, _ = QFileDialog.getSaveFileName(self, "Export", str(self.path()),
                                              f"{fmt.file_filter};;All files (*)")
        if path:
            chosen = Path(path)
            if not chosen.suffix:
                chosen = chosen.with_suffix(fmt.suffix)
            self.path_edit.setText(str(chosen))
            self._confirmed = chosen

    def options(self) -> Options:
        return Options(nvivo_offsets=self.nvivo_box.isChecked() and self.nvivo_box.isVisible())

    # --- export ---------------------------------------------------------------------------
    def export(self) -> bool:
        """Check the file name, ask before replacing a file, then ask for the export."""
        path = self.path()
        problem = self._problem(path)
        if problem:
            self.message.setText(problem)
            self.message.show()
            return False
        if path.exists() and path != self._confirmed and not confirm_overwrite(self, path):
            return False
        self.exportRequested.emit(self.current_format, path, self.options())
        self.accept()
        return True

    def _problem(self, path: Path) -> str:
        if not self.path_edit.text().strip():
            return "Choose a file to export to."
        if path.is_dir():
            return f"{path} is a folder: add a file name."
        if not path.parent.is_dir():
            return f"The folder {path.parent} does not exist."
        return ""
