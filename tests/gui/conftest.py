"""Shared set-up of the GUI tests: settings isolated in a temporary file, a controller
over the real notebook fixture, articles imported from text, and main windows.

The ``notebook`` and ``demo_notebook`` fixtures (a real empty notebook; the demo notebook)
come from ``tests/conftest.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtTest import QTest

from app.gui.common.controller import NotebookController
from app.gui.window.main_window import MainWindow


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """A QSettings file of this test only (never the user's settings)."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def controller(notebook: Any) -> NotebookController:
    """A controller over the real, empty notebook fixture."""
    return NotebookController(notebook)


@pytest.fixture
def import_text(notebook: Any, tmp_path: Path) -> Callable[..., Any]:
    """``import_text(name, text)``: write ``text`` to a file ``name`` and import it into
    ``notebook``; returns the stored article (its ``.id`` and ``.text``)."""
    folder = tmp_path / "articles"

    def make(name: str, text: str) -> Any:
        folder.mkdir(exist_ok=True)
        path = folder / name
        path.write_text(text, encoding="utf-8")
        report = notebook.imports.import_paths([path])
        assert report.imported, f"{name} was not imported: {report}"
        return notebook.articles.get(report.imported[0].id)

    return make


@pytest.fixture
def make_window(qtbot: Any, settings: QSettings) -> Callable[..., MainWindow]:
    """``make_window(nb, show=False, active=False, runner=None)``: a main window over ``nb``
    (a notebook or a NotebookController) with the test's own settings, closed by qtbot
    after the test; ``show`` shows it and waits until exposed, ``active`` also makes it
    the active window (keyboard tests)."""

    def make(nb: Any, *, show: bool = False, active: bool = False,
             runner: Any = None) -> MainWindow:
        controller = nb if isinstance(nb, NotebookController) else NotebookController(nb)
        window = MainWindow(controller, settings, runner=runner)
        qtbot.addWidget(window)
        if show or active:
            window.show()
            qtbot.waitExposed(window)
        if active:
            window.activateWindow()
            assert QTest.qWaitForWindowActive(window)
        return window

    return make
