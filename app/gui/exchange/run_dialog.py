"""Long exchange work (REFI-QDA import/export, exports, publishing) with a progress bar and
Cancel, then a report: counts and one line for everything not brought over, as text the
user can select and copy.

The work is a plain ``fn(progress, cancel)`` run by the window's
:class:`~app.gui.common.tasks.TaskRunner` (never on the GUI thread); ``describe(result)``
turns its result into a :class:`Report`. A result carrying ``changes`` is announced on the
controller, so the library and the other views refresh as after any edit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.changes import Changes
from app.core.progress import ProgressEvent
from app.gui.common.controller import NotebookController
from app.gui.common.tasks import Task, TaskRunner, Work

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Report:
    """What the user reads afterwards: one summary line and the detail lines."""

    summary: str
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The whole report as plain text (what "Copy Report" copies)."""
        return "\n".join([self.summary, *self.lines])


def one_line(exc: object) -> str:
    """An error as the one line a user reads (the first line of its message)."""
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


class RunDialog(QDialog):
    """Progress and Cancel while the work runs, then its report (or the error).

    ``workFinished`` carries the result, or None when the work failed or was cancelled.
    With ``close_on_success`` the dialog closes by itself when the work succeeds (the
    caller tells the user what happened, e.g. in the status bar).
    """

    workFinished = Signal(object)

    def __init__(self, title: str, runner: TaskRunner, work: Work,
                 describe: Callable[[Any], Report], controller: NotebookController | None,
                 parent: QWidget | None = None, *, close_on_success: bool = False,
                 cancelled_text: str = "Cancelled: nothing was written.") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.result: Any = None
        self.error: str = ""
        self.report: Report | None = None
        self._describe = describe
        self._controller = controller
        self._close_on_success = close_on_success
        self._cancelled_text = cancelled_text
        self._build(title)
        self.task: Task = runner.submit(title, work)
        self.task.progressed.connect(self._on_progress)
        self.task.succeeded.connect(self._on_succeeded)
        self.task.failed.connect(self._on_failed)
        self.task.cancelled.connect(self._on_cancelled)
        self.task.finished.connect(self._on_finished)

    def _build(self, title: str) -> None:
        self.status_label = QLabel(f"{title.rstrip('…')}…", self)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setWordWrap(True)
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setRange(0, 0)  # busy until the first event gives a total
        self.summary_label = QLabel(self)
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary_label.hide()
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.details.setMinimumHeight(220)
        self.details.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.rejected.connect(self._on_cancel_clicked)
        layout = QVBoxLayout(self)
        for widget in (self.status_label, self.progress_bar, self.summary_label, self.details):
            layout.addWidget(widget)
        layout.addWidget(self.buttons)

    # --- while running --------------------------------------------------------------------
    def _on_progress(self, event: ProgressEvent) -> None:
        if event.total:
            self.progress_bar.setRange(0, event.total)
            self.progress_bar.setValue(min(event.done, event.total))
        if event.label:
            self.status_label.setText(event.label)

    def _on_cancel_clicked(self) -> None:
        if self.task.is_running:
            self.status_label.setText("Cancelling…")
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(False)
            self.task.cancel()
        else:
            self.reject()

    def cancel(self) -> None:
        """Ask the running work to stop (what the Cancel button does)."""
        self._on_cancel_clicked()

    def reject(self) -> None:
        """Escape or the close button cancel running work instead of hiding it."""
        if self.task.is_running:
            self._on_cancel_clicked()
            return
        super().reject()

    # --- outcome --------------------------------------------------------------------------
    def _on_succeeded(self, result: Any) -> None:
        self.result = result
        changes = getattr(result, "changes", None)
        if self._controller is not None and isinstance(changes, Changes) \
                and not changes.is_empty:
            self._controller.changed.emit(changes)
        try:
            self.report = self._describe(result)
        except Exception:  # a report bug must not hide that the work was done
            log.exception("cannot describe the result of %s", self.windowTitle())
            self.report = Report("Done.")
        self.status_label.setText("Done.")
        self._show_report(self.report)

    def _on_failed(self, exc: object) -> None:
        self.error = one_line(exc)
        self.status_label.setText("Failed.")
        self.summary_label.setText(self.error)
        self.summary_label.show()

    def _on_cancelled(self) -> None:
        self.status_label.setText(self._cancelled_text)

    def _on_finished(self) -> None:
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(1)
        self.buttons.clear()
        if self.report is not None and self.report.lines:
            copy = QPushButton("Copy Report", self)
            copy.setToolTip("Copy the whole report to the clipboard")
            copy.clicked.connect(self.copy_report)
            self.buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        close.setFocus()
        self.workFinished.emit(self.result)
        if self._close_on_success and self.result is not None:
            self.accept()

    def _show_report(self, report: Report) -> None:
        self.summary_label.setText(report.summary)
        self.summary_label.show()
        if report.lines:
            self.details.setPlainText("\n".join(report.lines))
            self.details.show()

    def copy_report(self) -> str:
        """Put the report's text on the clipboard; returns it."""
        text = self.report.text if self.report is not None else self.error
        QGuiApplication.clipboard().setText(text)
        return text
