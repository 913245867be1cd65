"""Agreements view, new-agreement and evidence dialogs on real notebooks."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.gui.actors.agreement_model import AgreementTableModel
from app.gui.actors.agreements_view import AgreementsView
from app.gui.actors.dialogs import EvidenceDialog, NewAgreementDialog
from app.gui.common.controller import NotebookController

TEXT = ("Air Astana kauft bis zu 15 Boeing-Maschinen. Die Regierung dementiert den Kauf.\n"
        "Der Vertrag wurde am 6. November unterzeichnet.\n")


@pytest.fixture
def article_id(notebook, tmp_path, import_text):
    return import_text("boeing.txt", TEXT).id


@pytest.fixture
def demo_view(qtbot, demo_notebook):
    view = AgreementsView(NotebookController(demo_notebook))
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    return view


@pytest.fixture
def view(qtbot, controller):
    widget = AgreementsView(controller)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _span(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


def test_agreement_model_passes_qtmodeltester(qtmodeltester, demo_notebook):
    """The agreement table model is consistent, also across a sort."""
    model = AgreementTableModel(
        lambda sort, desc: demo_notebook.agreements.list(sort=sort, descending=desc))
    model.reload()
    assert model.rowCount() == 8
    qtmodeltester.check(model)
    model.sort(4, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)


@pytest.mark.parametrize(("column", "key"), [(1, "type"), (2, "status"), (3, "date"),
                                             (4, "value")])
def test_header_click_sorts_by_column_both_ways(demo_view, demo_notebook, column, key):
    """Sorting by type, status, date or value follows the service's order, both ways."""
    for order, descending in ((Qt.SortOrder.AscendingOrder, False),
                              (Qt.SortOrder.DescendingOrder, True)):
        demo_view.table.sortByColumn(column, order)
        expected = [a.title for a in demo_notebook.agreements.list(sort=key,
                                                                   descending=descending)]
        assert demo_view.model.titles() == expected


def test_sort_by_value_puts_money_first_and_keeps_selection(demo_view, demo_notebook):
    """Money amounts sort before counted units; the selected agreement stays selected."""
    boeing = next(a for a in demo_notebook.agreements.list() if a.value.amount == 37)
    assert demo_view.select_agreement(boeing.id)
    demo_view.table.sortByColumn(4, Qt.SortOrder.AscendingOrder)
    values = [demo_view.model.agreement(r).value for r in range(3)]
    assert [v.currency for v in values] == ["USD", "USD", ""]
    current = demo_view.table.selectionModel().selectedRows()
    assert [demo_view.model.agreement(i.row()).id for i in current] == [boeing.id]
    assert demo_view.agreement_id == boeing.id


def test_evidence_activation_emits_open_passage_with_span(qtbot, demo_view, demo_notebook):
    """Activating an evidence passage asks to open its article at exactly that span."""
    agreement = next(a for a in demo_notebook.agreements.list() if len(a.evidence) > 2)
    demo_view.select_agreement(agreement.id)
    assert demo_view.evidence.topLevelItemCount() == len(agreement.evidence)
    ev = agreement.evidence[1]
    item = demo_view.evidence.topLevelItem(1)
    assert (item.text(1), item.text(2), item.text(3)) == (ev.field, ev.stance, ev.outlet)
    with qtbot.waitSignal(demo_view.openPassage) as blocker:
        demo_view.evidence.itemActivated.emit(item, 0)
    assert blocker.args == [ev.article_id, ev.start, ev.end]
    assert f"Corroborated by {agreement.outlet_count} outlet" in demo_view.corroboration.text()


def test_contradicting_evidence_shows_conflict_flag(qtbot, view, controller, article_id):
    """A supporting and a contradicting passage: the conflict is flagged in table and detail."""
    nb = controller.nb
    agreement, _ = nb.agreements.create_from_passage(article_id, *_span("kauft bis zu 15"),
                                                     "Boeing purchase", "purchase")
    controller.edit(lambda: nb.agreements.cite(agreement.id, article_id,
                                               *_span("dementiert den Kauf"),
                                               stance="contradicts"))
    view.select_agreement(agreement.id)
    assert "Conflicting" in view.conflict.text()
    row = view.model.row_of(agreement.id)
    assert view.model.index(row, 7).data() == "conflicting reports"
    assert view.evidence.topLevelItemCount() == 2


def test_parties_value_timeline_and_summary_edits(qtbot, view, controller):
    """Add and remove a party, set a value from text, add a partial-date event, render
    the Markdown summary; a bad date is refused in place."""
    nb = controller.nb
    agreement, _ = nb.agreements.create("Wolfram JV", "joint venture")
    cove, _ = nb.actors.create("Cove Capital", kind="company")
    view.refresh()
    view.select_agreement(agreement.id)
    view.party_actor.setCurrentIndex(view.party_actor.findData(cove.id))
    view.party_role.setCurrentText("investor")
    view.add_party()
    (party,) = nb.agreements.get(agreement.id).parties
    assert (party.actor_id, party.role) == (cove.id, "investor")
    assert view.parties.item(0).text() == "Cove Capital — investor"
    view.value_edit.setText("rund 1,1 Milliarden US-Dollar")
    view.summary_edit.setPlainText("**70 %** Cove Capital")
    view.save_fields()
    saved = nb.agreements.get(agreement.id)
    assert (saved.value.amount, saved.value.currency, saved.value.qualifier) == (
        1.1e9, "USD", "about")
    assert saved.summary == "**70 %** Cove Capital"
    assert "about" in view.value_parsed.text()
    assert "<strong>70 %</strong>" in view.summary_view.toHtml() or \
        "font-weight:700" in view.summary_view.toHtml()
    view.event_date.setText("2025-13")
    view.add_event()
    assert not view.event_error.isHidden() and "2025-13" in view.event_error.text()
    assert nb.agreements.get(agreement.id).events == ()
    view.event_status.setCurrentText("signed")
    view.event_date.setText("2025-11")
    view.add_event()
    assert [(e.status, e.date) for e in nb.agreements.get(agreement.id).events] == [
        ("signed", "2025-11")]
    assert nb.agreements.get(agreement.id).status == "signed"
    view.parties.setCurrentRow(0)
    view.remove_party()
    assert nb.agreements.get(agreement.id).parties == ()


def test_unparseable_value_is_kept_as_text(qtbot, view, controller):
    """A value the parser cannot read stays as text and is labelled as not parsed."""
    agreement, _ = controller.nb.agreements.create("Council", "framework")
    view.refresh()
    view.select_agreement(agreement.id)
    view.value_edit.setText("mehrere Abkommen")
    view.save_fields()
    value = controller.nb.agreements.get(agreement.id).value
    assert (value.text, value.amount) == ("mehrere Abkommen", None)
    assert view.value_parsed.text() == "not parsed (kept as text)"


def test_delete_asks_and_is_undoable(qtbot, demo_view, demo_notebook):
    """Declining keeps the agreement; confirming deletes it; undo brings it back."""
    agreement = demo_notebook.agreements.list()[0]
    demo_view.select_agreement(agreement.id)
    demo_view.confirm = lambda q: False
    assert not demo_view.delete_current()
    demo_view.confirm = lambda q: agreement.title in q
    assert demo_view.delete_current()
    assert demo_view.model.row_of(agreement.id) == -1
    demo_view._controller.undo()
    assert demo_notebook.agreements.get(agreement.id).title == agreement.title
    assert demo_view.model.row_of(agreement.id) >= 0


def test_new_agreement_from_selection_cites_passage(
        qtbot, notebook, tmp_path, article_id, make_window):
    """Select a passage, New Agreement from Selection, type a title, OK: the agreement's
    first evidence is that passage, and its value is parsed."""
    window = make_window(notebook)
    window.show()
    window.reader_area.open_article(article_id)
    start, end = _span("Air Astana kauft bis zu 15 Boeing-Maschinen")
    window.reader_area.current_view().select_span(start, end)
    window.menu_actions["new_agreement"].trigger()
    dialog = window.actor_views.dialog
    assert isinstance(dialog, NewAgreementDialog)
    assert dialog.title.text() == TEXT[start:end]
    dialog.title.setText("Boeing für Air Astana")
    dialog.type_box.setCurrentText("purchase")
    QTest.keyClicks(dialog.value, "bis zu 15 Boeing-Maschinen")
    dialog.create()
    (agreement,) = notebook.agreements.list()
    assert (agreement.title, agreement.type, agreement.value.amount) == (
        "Boeing für Air Astana", "purchase", 15.0)
    assert [(e.article_id, e.start, e.end) for e in agreement.evidence] == [
        (article_id, start, end)]
    assert window.actor_views.agreements_view.agreement_id == agreement.id


def test_new_agreement_without_title_says_so(qtbot, controller):
    """OK with an empty title shows a message and creates nothing."""
    dialog = NewAgreementDialog(controller)
    qtbot.addWidget(dialog)
    dialog.create()
    assert "title" in dialog.error.text() and controller.nb.agreements.list() == []


def test_evidence_dialog_cites_passage_for_party_with_stance(qtbot, controller, article_id):
    """Add as Evidence for a party: the field offers the parties; the stance is kept."""
    nb = controller.nb
    agreement, _ = nb.agreements.create("Boeing purchase", "purchase")
    buyer, _ = nb.actors.create("Air Astana", kind="company")
    party, _ = nb.agreements.add_party(agreement.id, buyer.id, "buyer")
    span = (article_id, *_span("dementiert den Kauf"))
    dialog = EvidenceDialog(controller, span, nb.agreements.list(), agreement.id)
    qtbot.addWidget(dialog)
    dialog.field_box.setCurrentText("event")
    dialog.cite()
    assert "no event" in dialog.error.text() and nb.agreements.get(agreement.id).evidence == ()
    dialog.field_box.setCurrentText("party")
    assert dialog.target_box.currentData() == party.id
    dialog.stance_box.setCurrentText("contradicts")
    dialog.cite()
    (ev,) = nb.agreements.get(agreement.id).evidence
    assert (ev.field, ev.party_id, ev.stance, ev.start, ev.end) == (
        "party", party.id, "contradicts", span[1], span[2])
