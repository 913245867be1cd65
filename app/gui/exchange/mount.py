"""File > Import (REFI-QDA project and code book) and File > Export (every format) on the
main window. Long work runs in a :class:`~app.gui.exchange.run_dialog.RunDialog`; imports
announce their ``Changes`` on the controller so the library and the other views refresh."""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QFileDialog, QMenu

from app.core.changes import Changes
from app.core.progress import CancelToken, ProgressFn
from app.gui.exchange.export_dialog import ExportDialog
from app.gui.exchange.files import ExportNotice, documents_folder
from app.gui.exchange.formats import Exported, ExportFormat, ExportWork, Options
from app.gui.exchange.run_dialog import Report, RunDialog

if TYPE_CHECKING:  # the window imports this module: a cycle only for the type checker
    from app.gui.window.main_window import MainWindow

log = logging.getLogger(__name__)

EXPORT_ENTRIES = (  # (action name, menu text, format key)
    ("export_qdpx", "REFI-QDA &Project…", "qdpx"),
    ("export_qdc", "REFI-QDA &Code Book…", "qdc"),
    ("export_highlights", "&Highlights (CSV, XLSX)…", "highlights_csv"),
    ("export_notebook_json", "Whole &Notebook (JSON)…", "notebook_json"),
    ("export_notes", "Notes &Report (Markdown, HTML)…", "notes_md"),
    ("export_actors", "&Actors and Agreements…", "actors_xlsx"),
)


def import_report(report: Any) -> Report:
    """The report of a REFI-QDA import: counts, then each item not brought over and why,
    then remarks on what came over differently."""
    if report.cancelled:
        return Report("Cancelled: nothing was imported.")
    lines = [f"Not imported: {item} — {reason}" for item, reason in report.skipped]
    lines += [f"Note: {item} — {remark}" for item, remark in report.remarks]
    return Report(f"Imported from {Path(report.path).name}: {report.summary()}", lines)


def export_report(exported: Exported) -> Report:
    """The report of an export: the file, the counts, what could not be written."""
    return Report(f"Wrote {exported.path}: {exported.what}", list(exported.lines))


class _ImportWork:
    """Worker-side call of the REFI-QDA import (no Qt object on the pool thread)."""

    def __init__(self, service: Any, path: str, codebook: bool) -> None:
        self._service, self._path, self._codebook = service, path, codebook

    def __call__(self, progress: ProgressFn, cancel: CancelToken) -> Any:
        if self._codebook:
            cancel.raise_if_cancelled()
            return self._service.import_codebook(self._path)
        report = self._service.import_project(self._path, progress=progress, cancel=cancel)
        # the import's Changes may leave out the articles it made (told H2): name them so
        # the library shows them at once
        report.changes = report.changes | Changes.of({"articles": report.articles}, {})
        return report


class ExchangeActions(QObject):
    """The import/export actions and submenus of the File menu, and their dialogs."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.dialogs: list[Any] = []
        self.last_dialog: RunDialog | None = None
        self.export_dialog: ExportDialog | None = None
        self.notice = ExportNotice(window.statusBar())
        self._add_actions()
        self._add_menus()

    def _add_actions(self) -> None:
        w = self.window
        w.add_action("import_qdpx", "REFI-QDA &Project…", self.choose_import_project)
        w.add_action("import_qdc", "REFI-QDA &Code Book…", self.choose_import_codebook)
        for name, text, key in EXPORT_ENTRIES:
            w.add_action(name, text, functools.partial(self.show_export, key))
        w.menu_actions["import_qdpx"].setToolTip("Import a project from NVivo, MAXQDA, "
                                                 "ATLAS.ti or QualCoder (.qdpx)")

    def _add_menus(self) -> None:
        """File > Import and File > Export, after the file import actions."""
        w, a = self.window, self.window.menu_actions
        file_menu = w.menu("file")
        actions = file_menu.actions()
        anchor = actions[actions.index(a["import_folder"]) + 1] \
            if a.get("import_folder") in actions else None
        self.import_menu = QMenu("I&mport", file_menu)
        self.import_menu.setObjectName("import_menu")
        self.import_menu.addActions([a["import_qdpx"], a["import_qdc"]])
        self.export_menu = QMenu("&Export", file_menu)
        self.export_menu.setObjectName("export_menu")
        self.export_menu.addActions([a[name] for name, _, _ in EXPORT_ENTRIES[:2]])
        self.export_menu.addSeparator()
        self.export_menu.addActions([a[name] for name, _, _ in EXPORT_ENTRIES[2:]])
        for menu in (self.import_menu, self.export_menu):
            if anchor is None:
                file_menu.addMenu(menu)
            else:
                file_menu.insertMenu(anchor, menu)

    # --- import ---------------------------------------------------------------------------
    def choose_import_project(self) -> None:
        """File > Import > REFI-QDA Project…"""
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Import REFI-QDA Project", str(documents_folder()),
            "REFI-QDA projects (*.qdpx);;All files (*)")
        if path:
            self.import_project(path)

    def choose_import_codebook(self) -> None:
        """File > Import > REFI-QDA Code Book…"""
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Import REFI-QDA Code Book", str(documents_folder()),
            "REFI-QDA code books (*.qdc);;All files (*)")
        if path:
            self.import_codebook(path)

    def import_project(self, path: str | Path) -> RunDialog:
        """Import the ``.qdpx`` at ``path`` off the GUI thread; the dialog shows the report."""
        return self._import(path, codebook=False)

    def import_codebook(self, path: str | Path) -> RunDialog:
        """Import the ``.qdc`` code book at ``path`` (its codes become tags)."""
        return self._import(path, codebook=True)

    def _import(self, path: str | Path, *, codebook: bool) -> RunDialog:
        nb = self.window.controller.nb
        title = "Import REFI-QDA Code Book" if codebook else "Import REFI-QDA Project"
        work = _ImportWork(nb.qdpx_import, str(path), codebook)
        return self._run(RunDialog(title, self.window.runner, work, import_report,
                                   self.window.controller, self.window,
                                   cancelled_text="Cancelled: nothing was imported."))

    # --- export ---------------------------------------------------------------------------
    def show_export(self, key: str = "highlights_csv") -> ExportDialog:
        """File > Export > …: the export dialog with the format ``key`` chosen."""
        dialog = ExportDialog(self.window.controller.nb.name, key, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.exportRequested.connect(self.start_export)
        dialog.destroyed.connect(self._on_export_dialog_gone)
        self.export_dialog = dialog
        dialog.show()
        return dialog

    def _on_export_dialog_gone(self) -> None:
        self.export_dialog = None

    def start_export(self, fmt: ExportFormat, path: Path, options: Options) -> RunDialog:
        """Write ``fmt`` to ``path`` off the GUI thread; say where it went when done."""
        work = ExportWork(self.window.controller.nb, fmt, Path(path), options)
        dialog = RunDialog(f"Export {fmt.label}", self.window.runner, work, export_report,
                           None, self.window, close_on_success=not fmt.shows_report)
        dialog.workFinished.connect(self._on_exported)
        return self._run(dialog)

    def _on_exported(self, result: Any) -> None:
        if isinstance(result, Exported):
            self.notice.show_written(result.path, result.what)

    # --- dialogs --------------------------------------------------------------------------
    def _run(self, dialog: RunDialog) -> RunDialog:
        self.last_dialog = dialog
        self.dialogs.append(dialog)
        dialog.finished.connect(self._on_dialog_closed)
        dialog.show()
        return dialog

    def _on_dialog_closed(self) -> None:
        dialog = self.sender()
        if dialog in self.dialogs:
            self.dialogs.remove(dialog)
            dialog.deleteLater()
            if dialog is self.last_dialog:
                self.last_dialog = None


def mount_exchange(window: MainWindow) -> ExchangeActions:
    """Add File > Import and File > Export to ``window``."""
    return ExchangeActions(window)
