"""The actor and agreement tables use their space, and keep widths and sort between
sessions (real notebooks, real views)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QSettings, Qt

from app.gui.actors.actors_view import ActorsView
from app.gui.actors.agreements_view import AgreementsView
from app.gui.actors.table_fit import MAX_COLUMN_WIDTH


@pytest.fixture
def filled(notebook):
    """Actors with long names and agreements with long titles, values and parties."""
    tokayev, _ = notebook.actors.create("Kassym-Jomart Tokayev, Präsident der Republik "
                                        "Kasachstan", kind="person", country="KZ")
    boeing, _ = notebook.actors.create("The Boeing Company", kind="company", country="US")
    notebook.actors.add_alias(tokayev.id, "Tokajew", "de")
    deal, _ = notebook.agreements.create("Kauf von bis zu fünfzehn Boeing-Maschinen durch "
                                         "die nationale Fluggesellschaft", "purchase",
                                         value_text="rund 1,1 Milliarden US-Dollar")
    notebook.agreements.add_party(deal.id, tokayev.id, "buyer")
    notebook.agreements.add_party(deal.id, boeing.id, "seller")
    notebook.agreements.add_event(deal.id, "signed", "2025-11-06")
    notebook.agreements.create("Memorandum", "MoU")
    return notebook


def _check_fits(table) -> None:
    """No column but the first is narrower than its content; no space is left over."""
    header, model = table.horizontalHeader(), table.model()
    metrics = table.fontMetrics()
    for column in range(1, header.count()):
        texts = [str(model.data(model.index(r, column)) or "") for r in range(model.rowCount())]
        needed = min(max(metrics.horizontalAdvance(t) for t in texts) + 8, MAX_COLUMN_WIDTH)
        assert header.sectionSize(column) >= needed, (column, texts)
    used = sum(header.sectionSize(c) for c in range(header.count()))
    assert used >= table.viewport().width() - 1


@pytest.mark.parametrize("size", [(1024, 700), (1400, 900)])
def test_actor_table_fits_columns_and_stretches_name_at_window_sizes(qtbot, controller,
                                                                      filled, size):
    """At 1024×700 and 1400×900 the kind/country/count columns show their whole text and
    the name column takes the rest."""
    view = ActorsView(controller)
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    assert view.model.rowCount() == 2
    _check_fits(view.table)
    header = view.table.horizontalHeader()
    assert header.sectionSize(0) > view.table.viewport().width() // 3


@pytest.mark.parametrize("size", [(1024, 700), (1400, 900)])
def test_agreement_table_fits_columns_and_stretches_title_at_window_sizes(qtbot, controller,
                                                                          filled, size):
    """The agreement table's type, status, date, value and parties are not cut; the title
    takes the space left."""
    view = AgreementsView(controller)
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    assert view.model.rowCount() == 2
    _check_fits(view.table)


def test_actor_table_widths_and_sort_restored_in_next_session(qtbot, controller, filled,
                                                             tmp_path):
    """A dragged column width and a sort by kind, descending, come back in a new view."""
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    first = ActorsView(controller, settings=settings)
    qtbot.addWidget(first)
    first.show()
    first.table.horizontalHeader().resizeSection(2, 123)
    first.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert [first.model.actor(r).kind for r in range(2)] == ["person", "company"]
    first.fitter.save()
    second = ActorsView(controller, settings=QSettings(str(tmp_path / "s.ini"),
                                                       QSettings.Format.IniFormat))
    qtbot.addWidget(second)
    second.show()
    header = second.table.horizontalHeader()
    assert header.sectionSize(2) == 123
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        1, Qt.SortOrder.DescendingOrder)
    assert [second.model.actor(r).kind for r in range(2)] == ["person", "company"]


def test_agreement_table_sort_saved_when_user_sorts(qtbot, controller, filled, tmp_path):
    """Sorting by date saves itself (no explicit save): a new view opens sorted so."""
    path = str(tmp_path / "s.ini")
    first = AgreementsView(controller, settings=QSettings(path, QSettings.Format.IniFormat))
    qtbot.addWidget(first)
    first.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: bool(QSettings(path, QSettings.Format.IniFormat).value(
        "agreements/table")), timeout=3000)
    second = AgreementsView(controller, settings=QSettings(path, QSettings.Format.IniFormat))
    qtbot.addWidget(second)
    assert second.model.sort_key == "date" and second.model.descending
    expected = [a.title for a in filled.agreements.list(sort="date", descending=True)]
    assert second.model.titles() == expected


def test_unreadable_saved_table_state_is_ignored(qtbot, controller, filled, tmp_path):
    """Garbage under the settings key leaves the default layout (name sort) in place."""
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings.setValue("actors/table", "{not json")
    view = ActorsView(controller, settings=settings)
    qtbot.addWidget(view)
    assert view.model.actor(0).name.startswith("Kassym")


def test_narrow_agreement_table_gives_title_room_without_sideways_scrolling(qtbot, controller,
                                                                          filled):
    """In a narrow dock the widest columns give way: the title keeps its minimum, the
    short columns (type, date) stay whole and the table does not scroll sideways."""
    view = AgreementsView(controller)
    qtbot.addWidget(view)
    view.resize(420, 600)
    view.show()
    qtbot.waitExposed(view)
    header, table = view.table.horizontalHeader(), view.table
    total = sum(header.sectionSize(c) for c in range(header.count()))
    assert total <= table.viewport().width() + 1
    assert header.sectionSize(0) >= 150
    metrics = table.fontMetrics()
    for column in (1, 3):  # type "purchase", date "2025-11-06"
        texts = [str(view.model.data(view.model.index(r, column))) for r in range(2)]
        assert header.sectionSize(column) >= max(map(metrics.horizontalAdvance, texts))
    hidden = view.fitter.hidden_columns()
    assert 7 in hidden and not {0, 1, 2, 3} & set(hidden)  # "Conflict" gave way first
    view.resize(1400, 600)  # wider again: every column back and whole
    qtbot.waitUntil(lambda: view.fitter.hidden_columns() == [])
    _check_fits(table)


def test_narrow_actor_table_keeps_kind_whole_when_names_are_short(qtbot, controller,
                                                                   notebook):
    """With short names, a narrow dock gives the kind column its room rather than
    reserving width the names do not need."""
    for name, kind in (("Boeing", "company"), ("BMWK", "government body")):
        notebook.actors.create(name, kind=kind)
    view = ActorsView(controller)
    qtbot.addWidget(view)
    view.resize(300, 600)
    view.show()
    qtbot.waitExposed(view)
    header, metrics = view.table.horizontalHeader(), view.table.fontMetrics()
    assert header.sectionSize(1) >= metrics.horizontalAdvance("government body")
    assert header.sectionSize(0) >= metrics.horizontalAdvance("Boeing")
    assert sum(header.sectionSize(c) for c in range(header.count())) <= \
        view.table.viewport().width() + 1
