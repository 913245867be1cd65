"""Where exports go: the user's Documents folder, a file name from the notebook's name and
the date, the standard overwrite question, and a status bar notice with "Open Folder"."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import tempfile
from pathlib import Path

from PySide6.QtCore import QStandardPaths, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QStatusBar,
    QToolButton,
    QWidget,
)

log = logging.getLogger(__name__)

#: Characters Windows, macOS or Linux refuse (or treat specially) in file names.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
NOTICE_MS = 30_000


def documents_folder() -> Path:
    """The user's Documents folder (the home folder when the platform names none or it
    does not exist: an export must not fail on a fresh account)."""
    location = QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(location) if location and Path(location).is_dir() else Path.home()


def suggested_path(notebook_name: str, what: str, suffix: str,
                   today: dt.date | None = None, folder: Path | None = None) -> Path:
    """``<Documents>/<notebook> <what> <YYYY-MM-DD><suffix>`` with a safe file name."""
    day = (today or dt.date.today()).isoformat()
    stem = " ".join(p for p in (notebook_name.strip(), what, day) if p)
    stem = _UNSAFE.sub("-", stem).strip(" .") or "Dossier export"
    return (folder or documents_folder()) / f"{stem}{suffix}"


def confirm_overwrite(parent: QWidget | None, path: Path) -> bool:
    """Qt's own question before an existing file is replaced; True to go on."""
    answer = QMessageBox.question(
        parent, "Confirm Replace",
        f"{path.name} already exists.\nDo you want to replace it?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def write_text_atomic(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) beside ``path`` and move it into place when complete, so a
    failed export never leaves half a file (or half of the file it replaces)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path


class ExportNotice(QWidget):
    """A status bar message naming a written file, with an "Open Folder" button; it
    goes away after half a minute or with the next notice."""

    def __init__(self, status_bar: QStatusBar) -> None:
        super().__init__(status_bar)
        self.folder: Path | None = None
        self.label = QLabel(self)
        self.button = QToolButton(self)
        self.button.setText("Open Folder")
        self.button.setToolTip("Show the folder of the written file in the file manager")
        self.button.clicked.connect(self.open_folder)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.button)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self._status_bar = status_bar
        self._added = False
        self.hide()

    def show_written(self, path: Path, what: str = "") -> None:
        """Say that ``path`` was written (``what``: e.g. "12 highlights")."""
        self.folder = path.parent
        detail = f" ({what})" if what else ""
        self.label.setText(f"Exported{detail} to {path}")
        self.label.setToolTip(str(path))
        if not self._added:  # added late: after the window's own status labels
            self._status_bar.addWidget(self, 1)
            self._added = True
        self.show()
        self._timer.start(NOTICE_MS)

    def open_folder(self) -> None:
        """Open the folder of the last written file in the desktop's file manager."""
        if self.folder is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder)))
