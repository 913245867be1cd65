"""Main window flows on a real notebook, driven from the keyboard."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtTest import QTest

from app.core.progress import CancelToken, ProgressFn
from app.core.records import IndexStatus
from app.gui.common.controller import NotebookController
from app.gui.common.tasks import TaskRunner
from app.gui.window.main_window import MainWindow
from app.gui.window.status import index_status_text

GERMAN = (
    "Präsident Tokajew sprach mit Washington über Energie.\n"
    "Das Abkommen über Wolfram wurde unterzeichnet.\n"
)
ENGLISH = "President Tokayev spoke with Washington about energy.\nThe tungsten deal was signed.\n"


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def filled_notebook(notebook, tmp_path):
    """The real empty notebook with two small articles imported and indexed."""
    files = [_write(tmp_path / "in", "de.txt", GERMAN), _write(tmp_path / "in", "en.txt", ENGLISH)]
    report = notebook.imports.import_paths([str(f) for f in files])
    assert len(report.imported) == 2
    notebook.search.flush()
    return notebook


def _press(window: MainWindow, key: Qt.Key, mods=Qt.KeyboardModifier.NoModifier) -> None:
    """Type one key where the keyboard focus is (shortcuts resolve as for a user)."""
    target = window.focusWidget() or window
    QTest.keyClick(target, key, mods)


CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def test_quick_tag_and_undo_work_from_keyboard_when_text_selected(
        qtbot, filled_notebook, make_window):
    """Library -> Enter -> select -> Ctrl+T -> type -> Enter makes a highlight; Ctrl+Z undoes it."""
    nb = filled_notebook
    window = make_window(nb, active=True)
    _press(window, Qt.Key.Key_1, CTRL)
    assert window.library.table.hasFocus()
    _press(window, Qt.Key.Key_Return)
    article_id = window.reader_area.open_article_ids()[0]
    view = window.reader_area.current_view()
    assert view is not None and view.hasFocus()
    QTest.keyClick(view, Qt.Key.Key_Home, CTRL)
    for _ in range(2):
        QTest.keyClick(view, Qt.Key.Key_Right, CTRL | SHIFT)
    _press(window, Qt.Key.Key_T, CTRL)
    popup = window.reader_area.quick_tag_popup()
    assert popup is not None and popup.isVisible()
    QTest.keyClicks(popup.edit, "Energie")
    QTest.keyClick(popup.edit, Qt.Key.Key_Return)
    highlights = nb.annotations.highlights_for(article_id)
    assert len(highlights) == 1
    assert [nb.tags.get(t).name for t in highlights[0].tag_ids] == ["Energie"]
    assert highlights[0].start == 0
    window.update_actions()
    assert window.menu_actions["undo"].text() == f"&Undo {nb.history.undo_label}"
    assert "Energie" in window.menu_actions["undo"].text()
    _press(window, Qt.Key.Key_Z, CTRL)
    assert nb.annotations.highlights_for(article_id) == []
    assert window.menu_actions["redo"].isEnabled()
    _press(window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert len(nb.annotations.highlights_for(article_id)) == 1


def test_search_opens_article_when_result_activated(qtbot, filled_notebook, make_window):
    """Ctrl+K, a query, Enter, Down, Enter: the reader shows the hit article with hits."""
    nb = filled_notebook
    window = make_window(nb, active=True)
    _press(window, Qt.Key.Key_K, CTRL)
    panel = window.search_panel
    assert panel.query_edit.hasFocus()
    QTest.keyClicks(panel.query_edit, "Wolfram")
    QTest.keyClick(panel.query_edit, Qt.Key.Key_Return)
    assert panel.wait()
    assert panel.results.count() == 1
    hit = panel.hit_at(0)
    assert "Wolfram</span>" in panel.results.item(0).text()
    QTest.keyClick(panel.query_edit, Qt.Key.Key_Down)
    assert panel.results.hasFocus()
    QTest.keyClick(panel.results, Qt.Key.Key_Return)
    assert window.reader_area.open_article_ids() == [int(hit.article_id)]
    start, end = hit.hit_spans[0]
    assert window.reader_area.selected_span() == (int(hit.article_id), start, end)


def test_search_shows_inline_message_when_query_malformed(qtbot, filled_notebook, make_window):
    """A malformed query shows the parser's message under the box, no dialog, no results."""
    window = make_window(filled_notebook, active=True)
    panel = window.search_panel
    window.focus_search()
    QTest.keyClicks(panel.query_edit, '"Tokajew')
    QTest.keyClick(panel.query_edit, Qt.Key.Key_Return)
    assert panel.wait()
    assert "unclosed quote" in panel.error_text
    assert panel.results.count() == 0
    QTest.keyClick(panel.query_edit, Qt.Key.Key_Backspace)
    assert panel.error_text == ""


def test_import_folder_lists_failures_with_reasons_when_some_files_bad(
        qtbot, notebook, tmp_path, make_window):
    """Importing a folder through the task runner reports imported, duplicate and failed files."""
    folder = tmp_path / "folder"
    _write(folder, "a.txt", GERMAN)
    _write(folder, "b.txt", ENGLISH)
    _write(folder, "copy.txt", GERMAN)
    _write(folder, "empty.txt", "")
    window = make_window(notebook, active=True)
    with qtbot.waitSignal(window.controller.changed, timeout=20_000):
        dialog = window.start_import([str(folder)])
        assert dialog is not None
    qtbot.waitUntil(lambda: not dialog.task.is_running, timeout=20_000)
    report = dialog.report
    assert len(report.imported) == 2 and len(report.duplicates) == 1
    rows = dict(dialog.detail_rows())
    assert rows[str(folder / "empty.txt")].startswith("failed: ")
    assert len(rows[str(folder / "empty.txt")]) > len("failed: ")
    assert "duplicate" in rows[str(folder / "copy.txt")]
    assert "Imported: 2" in dialog.summary_label.text()
    assert "Failed: 1" in dialog.summary_label.text()
    assert window.library.model.rowCount() == 2


class _Gate:
    """Work that holds the single pool thread until released."""

    def __init__(self) -> None:
        self.release = threading.Event()

    def __call__(self, progress: ProgressFn, cancel: CancelToken) -> None:
        self.release.wait(10)


def test_import_cancel_stops_import_when_clicked(qtbot, notebook, tmp_path, make_window):
    """Cancel before the import gets to run: nothing is imported and the dialog says so."""
    folder = tmp_path / "many"
    for i in range(20):
        _write(folder, f"{i}.txt", f"Artikel Nummer {i} über Energie.\n")
    window = make_window(notebook, active=True, runner=TaskRunner(max_threads=1))
    gate = _Gate()
    window.runner.submit("gate", gate)
    dialog = window.start_import([str(folder)])
    dialog.reject()  # Escape: cancels while running
    gate.release.set()
    qtbot.waitUntil(lambda: not dialog.task.is_running, timeout=20_000)
    QTest.qWait(0)
    assert dialog.task.token.is_cancelled
    assert notebook.articles.count() == 0
    assert "cancel" in (dialog.summary_label.text() + dialog.file_label.text()).lower()


def test_panes_restored_when_window_reopened(qtbot, filled_notebook, settings, make_window):
    """Closing the window saves the open panes; a new window on the same settings reopens them."""
    nb = filled_notebook
    ids = [int(s.id) for s in nb.articles.list().items]
    window = make_window(nb, active=True)
    window.open_article(ids[0])
    window.open_article(ids[1], new_pane=True)
    window.library_dock.hide()
    window.close()
    again = make_window(nb, active=True)
    assert again.reader_area.open_article_ids() == ids[:2]
    assert not again.library_dock.isVisible()


def test_drop_imports_files_when_dropped_on_window(qtbot, notebook, tmp_path, make_window):
    """Dropping local files on the window starts an import of exactly those files."""
    path = _write(tmp_path / "drop", "dropped.txt", GERMAN)
    window = make_window(notebook, active=True)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    dialog = window.import_dialogs[-1]
    qtbot.waitUntil(lambda: not dialog.task.is_running, timeout=20_000)
    assert [s.original_name for s in notebook.articles.list().items] == ["dropped.txt"]


def test_recent_notebooks_updated_when_other_notebook_opened(
        qtbot, filled_notebook, tmp_path, make_window):
    """Opening another notebook switches the library and puts it first in Recent."""
    window = make_window(filled_notebook, active=True)
    first = str(filled_notebook.path)
    other = tmp_path / "other-nb"
    from app.services import Notebook

    window._opener = lambda path: Notebook.open(path)
    assert window.open_notebook(str(other))
    try:
        assert window.recent_notebooks()[:2] == [str(other.resolve()), first]
        assert window.library.model.rowCount() == 0
        assert "other-nb" in window.notebook_label.text()
    finally:
        window.controller.nb.close()


def test_switching_notebooks_lets_running_tasks_finish_on_the_old_one(
        qtbot, filled_notebook, tmp_path, make_window):
    """A task still reading the open notebook (a layout, a scan) finishes before that
    notebook closes: a closed notebook refuses it (before, it quietly reconnected)."""
    window = make_window(filled_notebook)
    old = filled_notebook
    started, results = threading.Event(), []

    def work(_progress, _cancel):
        started.set()
        time.sleep(0.5)  # still working when the other notebook is opened
        results.append(old.articles.list().total)

    task = window.runner.submit("slow read", work)
    failures = []
    task.failed.connect(failures.append)
    qtbot.waitUntil(started.is_set, timeout=10_000)
    from app.services import Notebook

    window._opener = lambda path: Notebook.open(path)
    try:
        assert window.open_notebook(str(tmp_path / "other-nb"))
        assert old.closed and len(results) == 1 and results[0] > 0
        qtbot.waitUntil(lambda: not window.runner.active_tasks, timeout=10_000)
        assert failures == []
    finally:
        window.controller.nb.close()


def test_index_status_text_counts_when_pending():
    """The status bar reads 'indexing done/total' while the index catches up."""
    assert index_status_text(IndexStatus(pending=908, indexed=120)) == "indexing 120/1,028"
    assert index_status_text(IndexStatus(pending=0, indexed=5)) == "index up to date"


def test_index_status_reaches_status_bar_when_reported_from_thread(
        qtbot, filled_notebook, make_window):
    """A status reported on another thread is shown in the status bar via the GUI thread."""
    window = make_window(filled_notebook, active=True)
    worker = threading.Thread(
        target=window._index_relay.listener, args=(IndexStatus(pending=3, indexed=7),)
    )
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: window.index_label.text() == "indexing 7/10", timeout=2000)


def test_metadata_saved_and_undoable_when_dialog_accepted(qtbot, filled_notebook):
    """The metadata dialog saves through the service as one undoable edit; bad dates stay."""
    from app.gui.library.metadata_dialog import MetadataDialog

    nb = filled_notebook
    article_id = int(nb.articles.list().items[0].id)
    controller = NotebookController(nb)
    dialog = MetadataDialog(controller, article_id)
    qtbot.addWidget(dialog)
    dialog.edits["published"].setText("2025-13")
    dialog.accept()
    assert dialog.isVisible() or dialog.result() == 0
    assert "not a date" in dialog.error_label.text() or "real date" in dialog.error_label.text()
    dialog.edits["published"].setText("2025-11")
    dialog.edits["title"].setText("Neuer Titel")
    with qtbot.waitSignal(controller.changed):
        dialog.accept()
    summary = nb.articles.get(article_id).summary
    assert (summary.title, summary.published) == ("Neuer Titel", "2025-11")
    controller.undo()
    assert nb.articles.get(article_id).title != "Neuer Titel"


def test_delete_article_undone_when_ctrl_z_pressed(
        qtbot, filled_notebook, monkeypatch, make_window):
    """Delete Article removes the current library article once confirmed; undo restores it."""
    nb = filled_notebook
    window = make_window(nb, active=True)
    questions: list[str] = []
    monkeypatch.setattr(window, "_confirm", lambda q: questions.append(q) or True)
    window.focus_library()
    doomed = window.library.selected_article_id()
    window.menu_actions["delete_article"].trigger()
    assert len(questions) == 1
    assert nb.articles.count() == 1 and window.library.model.rowCount() == 1
    _press(window, Qt.Key.Key_Z, CTRL)
    assert nb.articles.count() == 2
    assert doomed in [int(s.id) for s in nb.articles.list().items]
