"""File > Import > REFI-QDA Project / Code Book: real .qdpx/.qdc files into a real notebook,
off the GUI thread, with a report of what was not brought over and refreshed views."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog

from app.gui.exchange.mount import ExchangeActions
from tests.qdpx import builders as b

TEXT = "Kazakhstan signs a wind deal with Germany.\nThe turbines arrive in May.\n"


def _project(path: Path) -> Path:
    """A project with one coded text source and one PDF without a text (skipped)."""
    code_guid, src_guid, pdf_guid = b.guid(), b.guid(), b.guid()
    start = TEXT.index("wind deal")
    qde = b.project(
        codes=b.code(code_guid, "Energy", colour="#AA3300"),
        sources=b.text_source(src_guid, "Wind deal", path=f"internal://{src_guid}.txt",
                              selections=b.selection(b.guid(), start, start + 9,
                                                     codes=[code_guid], description="key"))
        + f'<PDFSource guid="{pdf_guid}" name="Scan.pdf" path="internal://{pdf_guid}.pdf"/>')
    return b.write_qdpx(path, qde, {f"sources/{src_guid}.txt": TEXT.encode("utf-8"),
                                    f"sources/{pdf_guid}.pdf": b"%PDF-1.4"})


def _exchange(window) -> ExchangeActions:
    found = window.findChild(ExchangeActions)
    assert found is not None
    return found


def test_import_project_refreshes_library_and_reports_skipped(qtbot, notebook, make_window,
                                                              tmp_path):
    """The article appears in the library, its passage carries the tag and memo, and the
    report names the PDF that was not imported; Copy Report copies the whole text."""
    window = make_window(notebook)
    table_model = window.library.table.model()
    assert table_model.rowCount() == 0
    dialog = _exchange(window).import_project(_project(tmp_path / "p.qdpx"))
    with qtbot.waitSignal(dialog.workFinished, timeout=30_000):
        pass
    assert dialog.result is not None and dialog.result.sources == 1
    qtbot.waitUntil(lambda: table_model.rowCount() == 1)
    article_id = dialog.result.articles[0]
    [highlight] = notebook.annotations.highlights_for(article_id)
    assert highlight.exact == "wind deal" and highlight.memo == "key"
    assert [t.path for t in notebook.tags.list()] == ["Energy"]
    report = dialog.details.toPlainText()
    assert "Not imported: " in report and "Scan.pdf" in report
    assert dialog.summary_label.text().startswith("Imported from p.qdpx: 1 sources, 1 codes")
    assert dialog.copy_report() == QGuiApplication.clipboard().text()
    assert QGuiApplication.clipboard().text().splitlines()[0] == dialog.summary_label.text()
    assert window.runner.wait(10_000)


def test_import_menu_entry_opens_the_chosen_project(qtbot, notebook, make_window, tmp_path,
                                                    monkeypatch):
    """File > Import > REFI-QDA Project… asks for a file and imports it."""
    path = _project(tmp_path / "menu.qdpx")
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))
    window = make_window(notebook)
    exchange = _exchange(window)
    assert window.menu_actions["import_qdpx"] in exchange.import_menu.actions()
    assert exchange.import_menu.menuAction() in window.menu("file").actions()
    window.menu_actions["import_qdpx"].trigger()
    dialog = exchange.last_dialog
    assert dialog is not None
    with qtbot.waitSignal(dialog.workFinished, timeout=30_000):
        pass
    assert notebook.articles.list().total == 1


def test_import_cancelled_at_once_writes_nothing(qtbot, notebook, make_window, tmp_path):
    """Cancel before the work starts: nothing is imported and the dialog says so."""
    window = make_window(notebook)
    dialog = _exchange(window).import_project(_project(tmp_path / "c.qdpx"))
    dialog.cancel()
    with qtbot.waitSignal(dialog.task.finished, timeout=30_000):
        pass
    assert notebook.articles.list().total == 0
    assert notebook.tags.list() == []
    assert "nothing was imported" in (dialog.summary_label.text() + dialog.status_label.text())


def test_import_bad_file_shows_one_line_naming_it(qtbot, notebook, make_window, tmp_path):
    """A file that is not a project fails with one line that names the file."""
    bad = tmp_path / "broken.qdpx"
    bad.write_bytes(b"not a zip at all")
    window = make_window(notebook)
    dialog = _exchange(window).import_project(bad)
    with qtbot.waitSignal(dialog.workFinished, timeout=30_000):
        pass
    assert dialog.result is None
    assert "broken.qdpx" in dialog.error and "\n" not in dialog.error
    assert dialog.summary_label.text() == dialog.error


def test_import_codebook_adds_tags(qtbot, notebook, make_window, tmp_path):
    """File > Import > REFI-QDA Code Book… turns the codes into tags (with parents)."""
    from app.services import Notebook, QdpxExportService

    with Notebook.open(tmp_path / "source-nb") as source:
        parent = source.tags.create("Diplomacy")[0]
        source.tags.create("Embassy", parent_id=parent.id)
        QdpxExportService(source).export_codebook(tmp_path / "book.qdc")
    window = make_window(notebook)
    dialog = _exchange(window).import_codebook(tmp_path / "book.qdc")
    with qtbot.waitSignal(dialog.workFinished, timeout=30_000):
        pass
    assert sorted(t.path for t in notebook.tags.list()) == ["Diplomacy", "Diplomacy/Embassy"]
    assert "2 codes" in dialog.summary_label.text()
