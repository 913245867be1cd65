"""Edit > Undo takes back a whole import (issue 11, item 6), driven through the window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest


def _folder(tmp_path: Path, count: int) -> Path:
    folder = tmp_path / "import"
    folder.mkdir()
    for number in range(count):
        (folder / f"{number}.txt").write_text(
            f"Meldung {number}\n\nAstana und Taschkent verhandeln, Teil {number}.\n",
            encoding="utf-8")
    return folder


def _import(qtbot, window, folder: Path):
    with qtbot.waitSignal(window.controller.changed, timeout=20_000):
        dialog = window.start_import([str(folder)])
    qtbot.waitUntil(lambda: not dialog.task.is_running, timeout=20_000)
    dialog.close()
    return dialog.report


def test_ctrl_z_undoes_a_whole_import_and_ctrl_shift_z_redoes_it(
        qtbot, notebook, tmp_path, make_window):
    """After importing 3 files, Edit > Undo reads "Undo import of 3 articles"; Ctrl+Z
    empties the library; Ctrl+Shift+Z brings the same articles back."""
    window = make_window(notebook, active=True)
    report = _import(qtbot, window, _folder(tmp_path, 3))
    ids = sorted(s.id for s in report.imported)
    assert window.library.model.rowCount() == 3
    window.update_actions()
    assert window.menu_actions["undo"].text() == "&Undo import of 3 articles"
    window.activateWindow()  # the import dialog had the focus
    assert QTest.qWaitForWindowActive(window)
    window.library.table.setFocus()
    with qtbot.waitSignal(window.controller.changed, timeout=5000):
        QTest.keyClick(window.library.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.library.model.rowCount() == 0, timeout=5000)
    assert notebook.articles.count() == 0
    assert window.menu_actions["redo"].text() == "&Redo import of 3 articles"
    with qtbot.waitSignal(window.controller.changed, timeout=5000):
        QTest.keyClick(window.library.table, Qt.Key.Key_Z,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.library.model.rowCount() == 3, timeout=5000)
    assert sorted(s.id for s in notebook.articles.list().items) == ids


def test_undo_import_refused_with_message_when_articles_were_highlighted(
        qtbot, notebook, tmp_path, make_window, monkeypatch):
    """An imported article highlighted outside the history: undo shows why it refuses
    and keeps every article."""
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda _parent, _title, text, *a, **k: shown.append(text))
    window = make_window(notebook, active=True)
    report = _import(qtbot, window, _folder(tmp_path, 2))
    notebook.annotations.add(report.imported[0].id, 0, 7)
    notebook.history._undo.pop()  # as if another client had added the highlight
    window.controller.undo()
    assert shown and "cannot undo 'import of 2 articles'" in shown[0]
    assert notebook.articles.count() == 2
