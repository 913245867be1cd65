"""The import dialog's summary shows skipped folder entries and notes, not just counts."""

from __future__ import annotations

import os

from app.gui.common.controller import NotebookController
from app.gui.common.tasks import TaskRunner
from app.gui.library.import_dialog import ImportDialog


def test_import_dialog_lists_skipped_entries_and_notes(qtbot, notebook, tmp_path):
    """A pipe and a photo in the folder are 'skipped: reason' rows; an assumed encoding
    and page furniture are 'note: …' rows; the summary line counts both."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "pound.txt").write_bytes(b"UK firm wins \xa315.8m contract for turbines\n\n"
                                       b"The contract was signed in Astana on Monday.\n")
    (folder / "page.txt").write_text("back to top\n-2.4 C\nEurope\nTrump calls Tokayev to "
                                     "the G20 summit\nThe White House said so on Sunday.\n")
    os.mkfifo(folder / "pipe.txt")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    runner = TaskRunner()
    dialog = ImportDialog(NotebookController(notebook), runner, [str(folder)])
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.importFinished, timeout=30_000):
        pass
    rows = dialog.detail_rows()
    texts = dict(rows)
    assert texts[str(folder / "pipe.txt")] == "skipped: a named pipe, not a file (never opened)"
    assert texts[str(folder / "photo.jpg")] == "skipped: unsupported file type '.jpg'"
    assert any(path.endswith("pound.txt") and text.startswith("note: encoding assumed")
               for path, text in rows)
    assert any(path.endswith("page.txt") and "page furniture" in text for path, text in rows)
    summary = dialog.summary_label.text()
    assert "Imported: 2" in summary and "Skipped: 2" in summary and "Notes: 2" in summary
    assert runner.wait(10_000)
