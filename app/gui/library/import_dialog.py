"""Import files and folders with a progress bar, Cancel, and a summary of what happened.

The dialog runs ``nb.imports.import_paths`` through the :class:`TaskRunner`, so the
GUI stays responsive; when the work ends it shows how many articles were imported,
which files were duplicates of existing articles, which failed and why, which entries
of a folder were skipped and why, and the notes on imported articles (an assumed
encoding, a refused date, page furniture that could be trimmed). Files that are newer
versions of stored articles are not added; "Replace with Newer Versions" makes them the
articles' new texts (revisions: the highlights follow their words).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.progress import CancelToken, ProgressEvent, ProgressFn
from app.gui.common.controller import NotebookController
from app.gui.common.tasks import Task, TaskRunner

log = logging.getLogger(__name__)


class _ImportWork:
    """The worker-side call: a plain callable so no Qt object runs on the pool thread."""

    def __init__(self, imports: Any, paths: Sequence[str]) -> None:
        self._imports = imports
        self._paths = [str(p) for p in paths]

    def __call__(self, progress: ProgressFn, cancel: CancelToken) -> Any:
        # one undo step: Edit > Undo "import of N articles" takes exactly these away
        return self._imports.import_paths(self._paths, progress=progress, cancel=cancel,
                                          undoable=True)


class ImportDialog(QDialog):
    """Shows one import: progress and Cancel while running, then the summary.

    ``importFinished`` carries the service's ``ImportReport`` (or ``None`` if the
    import failed as a whole); its ``changes`` are also broadcast on the controller.
    """

    importFinished = Signal(object)

    def __init__(
        self,
        controller: NotebookController,
        runner: TaskRunner,
        paths: Sequence[str | Path],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import")
        self.setMinimumWidth(520)
        self._controller = controller
        self.report: Any = None
        self.replace_button: QPushButton | None = None
        self._build()
        work = _ImportWork(controller.nb.imports, [str(p) for p in paths])
        self.task: Task = runner.submit("import", work)
        self.task.progressed.connect(self._on_progress)
        self.task.succeeded.connect(self._on_succeeded)
        self.task.failed.connect(self._on_failed)
        self.task.cancelled.connect(self._on_cancelled)
        self.task.finished.connect(self._on_finished)
        self.file_label.setText(f"Preparing {len(paths)} item(s)…")

    def _build(self) -> None:
        self.file_label = QLabel(self)
        self.file_label.setTextFormat(Qt.TextFormat.PlainText)
        self.file_label.setWordWrap(True)
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setRange(0, 0)  # busy until the first event gives a total
        self.summary_label = QLabel(self)
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.hide()
        self.details = QTreeWidget(self)
        self.details.setHeaderLabels(["File", "Result"])
        self.details.setRootIsDecorated(False)
        self.details.setColumnWidth(0, 260)
        self.details.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.rejected.connect(self._on_cancel_clicked)
        layout = QVBoxLayout(self)
        for widget in (self.file_label, self.progress_bar, self.summary_label, self.details):
            layout.addWidget(widget)
        layout.addWidget(self.buttons)

    # --- while running --------------------------------------------------------------------
    def _on_progress(self, event: ProgressEvent) -> None:
        if event.total:
            self.progress_bar.setRange(0, event.total)
            self.progress_bar.setValue(event.done)
        if event.label:
            self.file_label.setText(event.label)

    def _on_cancel_clicked(self) -> None:
        if self.task.is_running:
            self.file_label.setText("Cancelling…")
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(False)
            self.task.cancel()
        else:
            self.reject()

    def reject(self) -> None:
        """Escape or the close button cancel a running import instead of hiding it."""
        if self.task.is_running:
            self._on_cancel_clicked()
            return
        super().reject()

    # --- outcome --------------------------------------------------------------------------
    def _on_succeeded(self, report: Any) -> None:
        self.report = report
        if not report.changes.is_empty:
            self._controller.changed.emit(report.changes)
        self._show_summary(report)

    def _on_failed(self, exc: object) -> None:
        self.summary_label.setText(f"The import failed: {exc}")
        self.summary_label.show()

    def _on_cancelled(self) -> None:
        self.summary_label.setText("The import was cancelled before anything was saved.")
        self.summary_label.show()

    def _on_finished(self) -> None:
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(1)
        self.buttons.clear()
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        close.setFocus()
        if self.report is not None and self.report.newer:
            self.replace_button = self.buttons.addButton(
                "Replace with Newer Versions", QDialogButtonBox.ButtonRole.ActionRole)
            self.replace_button.setToolTip("Replace each stored text with its newer version "
                                           "(a new revision; highlights follow their words)")
            self.replace_button.clicked.connect(self.replace_with_newer)
        self.importFinished.emit(self.report)

    def replace_with_newer(self) -> list[Any]:
        """Make each newer version the new text of its article (one undoable edit each)
        and say what became of the highlights. Returns the edit reports."""
        revisions = self._controller.nb.revisions
        reports = []
        for version in self.report.newer:
            report = self._controller.edit(functools.partial(
                revisions.edit_text, version.article.id, version.text,
                reason=f"re-imported from {version.source}"), self)
            if report is not None:
                reports.append(report)
        if self.replace_button is not None:
            self.replace_button.setEnabled(False)
        moved = sum(r.moved for r in reports)
        orphaned = sum(r.orphaned for r in reports)
        review = f", {orphaned} need review (see Needs Review)" if orphaned else ""
        self.summary_label.setText(
            f"{summary_text(self.report)}\nReplaced {len(reports)} of "
            f"{len(self.report.newer)} texts with newer versions: {moved} highlights "
            f"moved{review}.")
        return reports

    def _show_summary(self, report: Any) -> None:
        cancelled = " (cancelled: the rest was not imported)" if report.cancelled else ""
        self.file_label.setText("Import finished" + cancelled)
        self.summary_label.setText(summary_text(report))
        self.summary_label.show()
        for path, reason in report.failures:
            self._add_detail(str(path), f"failed: {reason}")
        for path, existing in report.duplicates:
            self._add_detail(str(path), f"duplicate of “{existing.title}”")
        for path, reason in report.skipped:
            self._add_detail(str(path), f"skipped: {reason}")
        for path, note in report.notes:
            self._add_detail(str(path), f"note: {note}")
        for version in report.newer:
            self._add_detail(str(version.source),
                             f"newer version of “{version.article.title}” (not imported)")
        self.details.setVisible(self.details.topLevelItemCount() > 0)

    def _add_detail(self, path: str, text: str) -> None:
        item = QTreeWidgetItem([Path(path).name or path, text])
        item.setToolTip(0, path)
        item.setToolTip(1, text)
        self.details.addTopLevelItem(item)

    def detail_rows(self) -> list[tuple[str, str]]:
        """(file, result) rows of the summary list, for tests and accessibility."""
        items = (self.details.topLevelItem(i) for i in range(self.details.topLevelItemCount()))
        return [(item.toolTip(0), item.text(1)) for item in items if item is not None]


def summary_text(report: Any) -> str:
    """One line counting imported, duplicate, failed and skipped items, and notes."""
    text = (
        f"Imported: {len(report.imported)}   "
        f"Duplicates: {len(report.duplicates)}   "
        f"Failed: {len(report.failures)}   "
        f"Skipped: {len(report.skipped)}"
    )
    text += f"   Notes: {len(report.notes)}" if report.notes else ""
    return text + (f"   Newer versions: {len(report.newer)}" if report.newer else "")
