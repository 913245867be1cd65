"""Start the desktop application: QApplication, logging, crash handling, main window.

Unexpected exceptions in slots must never kill the app: :func:`install_excepthook`
logs them to the user log file and shows them in a dialog, then the event loop goes on.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import platformdirs
from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.core.errors import DossierError
from app.gui.common.about import APP_NAME
from app.gui.common.controller import NotebookController
from app.gui.common.system_libs import install_hint, missing_packages, uses_xcb

if TYPE_CHECKING:
    from app.gui.window.main_window import MainWindow
    from app.services import Notebook

log = logging.getLogger(__name__)

ORGANISATION = "Dossier"
KEY_LAST = "notebooks/last"
ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], Any]


def log_dir() -> Path:
    """The per-user log folder (created if missing)."""
    path = Path(platformdirs.user_log_dir(APP_NAME, ORGANISATION))
    path.mkdir(parents=True, exist_ok=True)
    return path


def setup_logging(folder: Path | None = None, level: int = logging.INFO) -> Path:
    """Log to a rotating ``dossier.log`` in ``folder`` (the user log dir by default)."""
    path = (folder or log_dir()) / "dossier.log"
    root = logging.getLogger()
    if not any(getattr(h, "baseFilename", None) == str(path) for h in root.handlers):
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s")
        )
        root.addHandler(handler)
    root.setLevel(min(root.level or level, level))
    return path


class ErrorReporter:
    """``sys.excepthook`` replacement: log the exception, show it, keep running.

    A re-entrancy guard stops a second error raised while the dialog is open (e.g.
    from a paint event) from stacking dialogs; it is only logged.
    """

    def __init__(self, show_dialog: bool = True) -> None:
        self.show_dialog = show_dialog
        self.reported: list[BaseException] = []
        self._is_showing = False

    def __call__(
        self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        log.error("unexpected error", exc_info=(kind, exc, tb))
        self.reported.append(exc)
        if self.show_dialog and not self._is_showing and QApplication.instance() is not None:
            self._show(kind, exc, tb)

    def _show(
        self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        self._is_showing = True
        try:
            box = QMessageBox(QApplication.activeWindow())
            box.setIcon(QMessageBox.Icon.Critical)
            box.setWindowTitle(f"{APP_NAME}: unexpected error")
            box.setText(
                f"Something went wrong: {exc}\n\nYour work is saved; details are in the log."
            )
            box.setDetailedText("".join(traceback.format_exception(kind, exc, tb)))
            box.exec()
        finally:
            self._is_showing = False


def install_excepthook(show_dialog: bool = True) -> ErrorReporter:
    """Route uncaught exceptions (including those in Qt slots) to an :class:`ErrorReporter`."""
    reporter = ErrorReporter(show_dialog)
    sys.excepthook = reporter
    return reporter


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (reused if one exists), with names for QSettings and high-DPI on."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APP_NAME)
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationDisplayName(APP_NAME)
    return app


def open_start_notebook(settings: QSettings, path: str | None) -> Notebook:
    """The notebook to start with: ``path``, else the last one used, else the demo."""
    from app.services import Notebook  # deferred: Qt tests of widgets need no store

    candidate = path or str(settings.value(KEY_LAST, "") or "")
    if candidate:
        try:
            return Notebook.open(candidate, background=True)
        except DossierError as exc:
            if path:
                raise
            log.warning("last notebook %s cannot be opened (%s); using the demo", candidate, exc)
    return Notebook.open_demo(background=True)


def build_main_window(notebook: Notebook, settings: QSettings,
                      parent: QWidget | None = None) -> MainWindow:
    """A main window with its controller over ``notebook``."""
    from app.gui.window.main_window import MainWindow  # deferred: imports every widget module

    controller = NotebookController(notebook)
    window = MainWindow(controller, settings, parent=parent)
    controller.setParent(window)
    return window


def run(notebook: str | None = None, settings: QSettings | None = None) -> int:
    """Run the GUI until the main window closes; returns the process exit code."""
    if uses_xcb() and (missing := missing_packages()):
        # for the person at the terminal, before Qt would abort with a page of details
        sys.stderr.write(install_hint(missing) + "\n")
        return 1
    app = make_application()
    log_file = setup_logging()
    install_excepthook()
    log.info("starting %s (log: %s)", APP_NAME, log_file)
    settings = settings or QSettings()
    try:
        nb = open_start_notebook(settings, notebook)
    except DossierError as exc:
        QMessageBox.critical(None, APP_NAME, f"Cannot open the notebook:\n{exc}")
        return 1
    window = build_main_window(nb, settings)
    window.show()
    code = app.exec()
    from app.gui.window.session import notebook_location

    settings.setValue(KEY_LAST, notebook_location(window.controller.nb))
    window.controller.nb.close()
    return int(code)
