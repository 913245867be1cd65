"""Library columns on first launch: Title takes the spare width, the others fit their
content (never squeezing Title to "Tru…"); user widths are kept and restored."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QHeaderView

from app.gui.common.controller import NotebookController
from app.gui.library.actions import restore_library_state, save_library_state
from app.gui.library.panel import TITLE_SHARE, LibraryPanel

LONG_OUTLET = "Frankfurter Allgemeine Zeitung, Online-Ausgabe für Zentralasien"


def _panel(qtbot, notebook, import_text, width: int) -> LibraryPanel:
    ids = [import_text(f"{n}.txt", f"Truppenabzug Nummer {n}\n\nText {n}.\n").id
           for n in range(3)]
    notebook.articles.set_fields(ids, outlet=LONG_OUTLET, published="2025-11-06")
    panel = LibraryPanel(NotebookController(notebook))
    qtbot.addWidget(panel)
    panel.resize(width, 500)
    panel.show()
    qtbot.waitExposed(panel)
    panel.apply_filter()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3)
    return panel


def test_title_takes_the_spare_width_in_a_narrow_first_launch_dock(
        qtbot, notebook, import_text):
    """At the 350 px a 1400 px window gives the library, Title keeps at least 40 % of the
    table and every other column at least its header."""
    panel = _panel(qtbot, notebook, import_text, 350)
    header = panel.table.horizontalHeader()
    room = panel.table.viewport().width()
    assert header.sectionResizeMode(0) == QHeaderView.ResizeMode.Stretch
    assert header.sectionSize(0) >= int(room * TITLE_SHARE) - 1
    metrics = header.fontMetrics()
    for column, name in enumerate(["Outlet", "Date", "Lang", "HL"], start=1):
        assert header.sectionSize(column) >= metrics.horizontalAdvance(name), name
    assert sum(header.sectionSize(c) for c in range(header.count())) <= room


def test_fitted_columns_grow_back_when_the_dock_widens(qtbot, notebook, import_text):
    """Widening the dock gives the squeezed Outlet column its content width back."""
    panel = _panel(qtbot, notebook, import_text, 350)
    narrow = panel.table.columnWidth(1)
    panel.resize(1000, 500)
    qtbot.waitUntil(lambda: panel.table.columnWidth(1) > narrow)
    assert panel.table.horizontalHeader().sectionSize(0) > panel.table.columnWidth(1)


def test_user_column_width_is_kept_and_restored(qtbot, notebook, import_text, tmp_path):
    """A column the user dragged keeps its width on refits and in the next session;
    fitted columns are fitted again rather than frozen."""
    panel = _panel(qtbot, notebook, import_text, 600)
    panel.table.horizontalHeader().resizeSection(2, 150)  # as a drag does
    panel.resize(400, 500)
    qtbot.wait(10)
    assert panel.table.columnWidth(2) == 150
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    save_library_state(panel, settings)
    again = LibraryPanel(NotebookController(notebook))
    qtbot.addWidget(again)
    again.resize(600, 500)
    again.show()
    restore_library_state(again, settings)
    assert again.table.columnWidth(2) == 150
    assert again.sized_by_user() == {2}
