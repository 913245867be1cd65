"""Application shell: logging to a file, the crash reporter, and main.py dispatch."""

from __future__ import annotations

import logging
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from app.gui import app as gui_app
from app.gui.common.about import about_html


@pytest.fixture
def reporter():
    previous = sys.excepthook
    rep = gui_app.install_excepthook(show_dialog=False)
    yield rep
    sys.excepthook = previous


def test_excepthook_logs_and_keeps_running_when_slot_raises(qtbot, reporter, caplog):
    """An exception in a Qt slot is logged and recorded instead of ending the process."""
    from PySide6.QtCore import QTimer

    def broken_slot() -> None:
        raise RuntimeError("slot exploded")

    with caplog.at_level(logging.ERROR, logger="app.gui.app"):
        QTimer.singleShot(0, broken_slot)
        qtbot.waitUntil(lambda: bool(reporter.reported), timeout=2000)
    assert isinstance(reporter.reported[0], RuntimeError)
    assert "unexpected error" in caplog.text
    assert "slot exploded" in caplog.text


def test_setup_logging_writes_file_when_folder_given(tmp_path):
    """Log records reach dossier.log in the chosen folder, and only one handler is added."""
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        path = gui_app.setup_logging(tmp_path)
        gui_app.setup_logging(tmp_path)
        logging.getLogger("app.test").warning("written to the log file")
        for handler in root.handlers:
            handler.flush()
        assert len(root.handlers) == len(before) + 1
        assert "written to the log file" in path.read_text(encoding="utf-8")
    finally:
        for handler in root.handlers[len(before):]:
            root.removeHandler(handler)
            handler.close()


def test_about_names_versions_when_shown():
    """The About text names Qt and escapes nothing it should not."""
    text = about_html()
    assert "Dossier" in text and "Qt " in text and "PySide6" in text
