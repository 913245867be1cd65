"""File > Export: one dialog for every format, a file name suggested in the Documents
folder, the overwrite question, work off the GUI thread, and a notice naming the file."""

from __future__ import annotations

import datetime as dt
import json
import zipfile

from openpyxl import load_workbook
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from app.gui.exchange.files import documents_folder
from app.gui.exchange.mount import ExchangeActions


def _exchange(window) -> ExchangeActions:
    found = window.findChild(ExchangeActions)
    assert found is not None
    return found


def _run_export(qtbot, exchange, dialog):
    """Click Export and wait until the export's dialog has finished."""
    dialog.export_button.click()
    run = exchange.last_dialog
    assert run is not None
    with qtbot.waitSignal(run.task.finished, timeout=30_000):
        pass
    return run


def test_export_dialog_suggests_documents_folder_and_dated_name(qtbot, notebook, make_window):
    """The file field starts at <Documents>/<notebook> highlights <today>.csv and follows
    the chosen format; the NVivo option shows only for REFI-QDA projects."""
    window = make_window(notebook)
    dialog = _exchange(window).show_export("highlights_csv")
    today = dt.date.today().isoformat()
    assert dialog.path() == documents_folder() / f"{notebook.name} highlights {today}.csv"
    assert dialog.nvivo_box.isHidden()
    dialog.set_format("qdpx")
    assert dialog.path() == documents_folder() / f"{notebook.name} {today}.qdpx"
    assert not dialog.nvivo_box.isHidden()
    assert dialog.nvivo_box.text() == "NVivo offsets (UTF-16, CRLF)"


def test_export_highlights_xlsx_one_row_per_passage_and_notice(qtbot, demo_notebook,
                                                               make_window, tmp_path):
    """The workbook has one row per highlight with tags and memo; the status bar names the
    file and its Open Folder button points at its folder."""
    window = make_window(demo_notebook)
    exchange = _exchange(window)
    dialog = exchange.show_export("highlights_xlsx")
    target = tmp_path / "out" / "passages.xlsx"
    target.parent.mkdir()
    dialog.set_path(target)
    run = _run_export(qtbot, exchange, dialog)
    assert run.error == ""
    sheet = load_workbook(target)["Highlights"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    total = sum(len(demo_notebook.annotations.highlights_for(a.id))
                for a in demo_notebook.articles.list().items)
    assert total > 0 and len(rows) - 1 == total
    assert {"quote", "tags", "memo"} <= set(header)
    assert any(row[header.index("tags")] for row in rows[1:])
    qtbot.waitUntil(lambda: exchange.notice.isVisible() or not window.isVisible(), timeout=5000)
    assert str(target) in exchange.notice.label.text()
    assert exchange.notice.folder == target.parent
    assert exchange.notice.button.text() == "Open Folder"


def _answer_next_question(button: QMessageBox.StandardButton, seen: list[str]) -> None:
    def answer() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.button(button).click()
        else:
            QTimer.singleShot(20, answer)
    QTimer.singleShot(0, answer)


def test_export_existing_file_replaced_only_after_yes(qtbot, demo_notebook, make_window,
                                                      tmp_path):
    """An existing file: No keeps it and the dialog open; Yes replaces it."""
    target = tmp_path / "highlights.csv"
    target.write_text("keep me", encoding="utf-8")
    window = make_window(demo_notebook)
    exchange = _exchange(window)
    dialog = exchange.show_export("highlights_csv")
    dialog.set_path(target)
    seen: list[str] = []
    _answer_next_question(QMessageBox.StandardButton.No, seen)
    assert dialog.export() is False
    assert seen == ["highlights.csv already exists.\nDo you want to replace it?"]
    assert target.read_text(encoding="utf-8") == "keep me"
    assert dialog.isVisible()
    _answer_next_question(QMessageBox.StandardButton.Yes, seen)
    assert dialog.export() is True
    run = exchange.last_dialog
    with qtbot.waitSignal(run.task.finished, timeout=30_000):
        pass
    text = target.read_text(encoding="utf-8")
    assert text.startswith("id,article_id,article_title")
    assert len(text.splitlines()) > 1


def test_export_qdpx_with_nvivo_offsets_keeps_report_open(qtbot, demo_notebook, make_window,
                                                          tmp_path):
    """A REFI-QDA project export writes the zip and leaves its report open, naming the
    NVivo offsets convention."""
    window = make_window(demo_notebook)
    exchange = _exchange(window)
    dialog = exchange.show_export("qdpx")
    dialog.nvivo_box.setChecked(True)
    dialog.set_path(tmp_path / "project.qdpx")
    run = _run_export(qtbot, exchange, dialog)
    assert run.isVisible()
    assert "UTF-16" in run.details.toPlainText()
    assert run.summary_label.text().startswith(f"Wrote {tmp_path / 'project.qdpx'}")
    with zipfile.ZipFile(tmp_path / "project.qdpx") as archive:
        assert "project.qde" in archive.namelist()
    close = run.buttons.button(QDialogButtonBox.StandardButton.Close)
    close.click()
    qtbot.waitUntil(lambda: not run.isVisible())


def test_export_whole_notebook_json_and_notes_html(qtbot, demo_notebook, make_window,
                                                   tmp_path):
    """The notebook file (importable JSON) and the notes report as HTML are written."""
    window = make_window(demo_notebook)
    exchange = _exchange(window)
    dialog = exchange.show_export("notebook_json")
    dialog.set_path(tmp_path / "all.json")
    _run_export(qtbot, exchange, dialog)
    document = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
    assert document["notebook"] == demo_notebook.name
    assert document["format"].startswith("dossier")
    from app.services import Notebook

    with Notebook.open(tmp_path / "copy") as copy:  # the file imports again
        copy.transfer.import_notebook(tmp_path / "all.json")
        assert copy.articles.list().total == demo_notebook.articles.list().total
    dialog = exchange.show_export("notes_html")
    dialog.set_path(tmp_path / "notes.html")
    run = _run_export(qtbot, exchange, dialog)
    assert run.error == ""
    assert "<html" in (tmp_path / "notes.html").read_text(encoding="utf-8").lower()


def test_export_to_missing_folder_says_so(qtbot, notebook, make_window, tmp_path):
    """A file in a folder that does not exist is refused in the dialog, nothing runs."""
    window = make_window(notebook)
    exchange = _exchange(window)
    dialog = exchange.show_export("notes_md")
    dialog.set_path(tmp_path / "nowhere" / "notes.md")
    assert dialog.export() is False
    assert "does not exist" in dialog.message.text()
    assert exchange.last_dialog is None
