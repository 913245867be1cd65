"""Every GUI edit is a versioned write (issue 13): the agreements view and the new-agreement
form, driven through their real widgets by one client while another client of the same
notebook (one SQLite file; one case on PostgreSQL) changes the agreement. A colleague's
change is never overwritten without the user's choice in the conflict dialog, the view
then shows the record as stored with its new version, and saving twice or after one's own
undo is no false conflict."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from app.gui.actors.agreement_dialog import NewAgreementDialog
from app.gui.actors.agreements_view import AgreementsView
from app.gui.common.controller import NotebookController
from app.gui.team.conflict_dialog import ConflictDialog
from app.gui.team.mount import TeamActions
from tests import pg
from tests.gui.team.versioned_support import (  # noqa: F401  (a fixture)
    cells,
    clients_fixture,
    follow_live,
    gui_controller,
)


def click_save(qtbot: Any, view: AgreementsView) -> None:
    """Press the form's Save button (as a click does, also in a hidden dock)."""
    view.findChild(QPushButton, "saveAgreement").click()


def make_view(qtbot: Any, controller: NotebookController, agreement_id: int) -> AgreementsView:
    view = AgreementsView(controller)
    qtbot.addWidget(view)
    view.show()
    assert view.select_agreement(agreement_id)
    return view


def test_saving_over_a_colleagues_title_asks_and_shows_the_choice(qtbot, clients):
    """Bert retitles the agreement after Anna's view showed it; Anna's Save opens the
    dialog naming Bert with base, mine and theirs, writes nothing by itself, and after
    'mine' the view shows the stored record and its version: the next save just saves."""
    anna, bert = clients
    made, _ = anna.agreements.create("Wind deal", summary="Draft")
    controller, dialogs = gui_controller(anna)
    view = make_view(qtbot, controller, made.id)
    bert.agreements.update(made.id, title="Wind pact", seen=bert.agreements.get(made.id))
    view.title_edit.setText("Wind agreement")
    click_save(qtbot, view)
    assert len(dialogs) == 1
    dialog = dialogs[0]
    assert "bert" in dialog.heading.text()
    assert cells(dialog, "title") == ["Wind deal", "Wind agreement", "Wind pact"]
    assert dialog.table.item(0, 0).text() == "Title"  # the form's word, not the column
    rows = dialog.table.rowHeight(0) + dialog.table.horizontalHeader().height()
    assert dialog.table.height() <= rows + 16  # no empty grid under one field
    assert bert.agreements.get(made.id).title == "Wind pact"  # nothing without a choice
    dialog.choose("title", "mine")
    assert dialog.save_choice()
    stored = bert.agreements.get(made.id)
    assert stored.title == "Wind agreement"
    assert view.title_edit.text() == "Wind agreement"
    assert view.form.shown is not None and view.form.shown.stamp == stored.stamp
    view.summary_edit.setPlainText("Signed in Astana")
    click_save(qtbot, view)
    assert len(dialogs) == 1
    assert bert.agreements.get(made.id).summary == "Signed in Astana"


def test_keep_theirs_shows_the_colleagues_record(qtbot, clients):
    """Keep Theirs writes nothing; the form then shows Bert's title and version, and a
    later edit of another field saves without a conflict."""
    anna, bert = clients
    made, _ = anna.agreements.create("Wind deal")
    controller, dialogs = gui_controller(anna)
    view = make_view(qtbot, controller, made.id)
    bert.agreements.update(made.id, title="Wind pact", seen=bert.agreements.get(made.id))
    view.title_edit.setText("Mine")
    click_save(qtbot, view)
    dialogs[0].reject()
    assert view.title_edit.text() == "Wind pact"
    view.type_edit.setCurrentText("treaty")
    click_save(qtbot, view)
    assert len(dialogs) == 1
    stored = bert.agreements.get(made.id)
    assert (stored.title, stored.type) == ("Wind pact", "treaty")


def test_saving_twice_and_after_own_undo_is_no_conflict(qtbot, clients):
    """Two saves in a row, then an undo and another save: never a conflict dialog, and the
    value edit goes with the other fields as one undo step."""
    anna, bert = clients
    made, _ = anna.agreements.create("Wind deal")
    controller, dialogs = gui_controller(anna)
    view = make_view(qtbot, controller, made.id)
    view.title_edit.setText("Wind pact")
    view.value_edit.setText("USD 1.1 bn")
    click_save(qtbot, view)
    view.title_edit.setText("Wind treaty")
    click_save(qtbot, view)
    controller.undo()
    assert view.title_edit.text() == "Wind pact"
    view.summary_edit.setPlainText("Signed")
    click_save(qtbot, view)
    assert dialogs == []
    stored = bert.agreements.get(made.id)
    assert (stored.title, stored.summary, stored.value.currency) == ("Wind pact", "Signed",
                                                                     "USD")
    controller.undo()
    controller.undo()
    assert bert.agreements.get(made.id).value.text == ""  # title and value: one step


def test_live_change_fills_an_untouched_form_and_spares_typed_edits(qtbot, clients):
    """A colleague's edit arriving live shows in an unmodified form (with the new
    version: saving then is no conflict); a form with unsaved edits keeps them, shows the
    colleague's other fields, and its save of the same field conflicts."""
    anna, bert = clients
    made, _ = anna.agreements.create("Wind deal", summary="Draft")
    controller, dialogs = gui_controller(anna)
    follow_live(anna, controller)
    view = make_view(qtbot, controller, made.id)
    bert.agreements.update(made.id, summary="Signed", seen=bert.agreements.get(made.id))
    anna.live.check()
    assert view.summary_edit.toPlainText() == "Signed"
    assert view.form.shown is not None and view.form.shown.stamp.version == 2
    view.title_edit.setText("Anna's title")
    bert.agreements.update(made.id, title="Bert's title", type="treaty",
                           seen=bert.agreements.get(made.id))
    anna.live.check()
    assert view.title_edit.text() == "Anna's title"
    assert view.type_edit.currentText() == "treaty"
    click_save(qtbot, view)
    assert len(dialogs) == 1
    assert cells(dialogs[0], "title") == ["Wind deal", "Anna's title", "Bert's title"]
    assert bert.agreements.get(made.id).title == "Bert's title"


def test_removing_a_party_status_or_evidence_changed_since_is_refused(qtbot, clients,
                                                                      tmp_path):
    """Bert changes the party's role, the status step's note and the evidence's stance
    after Anna's view listed them: each removal opens the dialog and removes nothing."""
    anna, bert = clients
    source = tmp_path / "deal.txt"
    source.write_text("Kasachstan kauft 15 Flugzeuge von Boeing.\n", encoding="utf-8")
    article_id = anna.imports.import_paths([source]).imported[0].id
    kz, _ = anna.actors.create("Kasachstan", kind="state")
    made, _ = anna.agreements.create_with("Boeing", parties=[(kz.id, "buyer")],
                                          status="signed", passage=(article_id, 0, 10))
    controller, dialogs = gui_controller(anna)
    view = make_view(qtbot, controller, made.id)
    now = bert.agreements.get(made.id)
    bert.agreements.set_party_role(now.parties[0].id, "signatory", seen=now.parties[0])
    bert.agreements.update_event(now.events[0].id, note="Astana", seen=now.events[0])
    bert.agreements.set_evidence(now.evidence[0].id, stance="mentions", seen=now.evidence[0])
    view.parties.setCurrentRow(0)
    view.remove_party()
    view.events.setCurrentRow(0)
    view.remove_event()
    view.evidence.setCurrentItem(view.evidence.topLevelItem(0))
    view.remove_evidence()
    assert len(dialogs) == 3
    assert all("bert" in d.heading.text() and "not deleted" in d.heading.text()
               for d in dialogs)
    assert [d.heading.text().split(" ")[0] for d in dialogs] == ["Party", "Status",
                                                                  "Evidence"]
    stored = bert.agreements.get(made.id)
    assert (len(stored.parties), len(stored.events), len(stored.evidence)) == (1, 1, 1)
    for dialog in dialogs:
        dialog.reject()
    view.parties.setCurrentRow(0)
    view.remove_party()  # the view shows the current version now: removed
    assert len(dialogs) == 3 and bert.agreements.get(made.id).parties == ()


def test_new_agreement_form_is_one_undo_step(qtbot, clients, tmp_path):
    """OK in the new-agreement form (value, two parties, a status step, a passage) records
    one undo step: undo removes it all, redo restores the same ids and rows."""
    anna, bert = clients
    source = tmp_path / "deal.txt"
    source.write_text("Kasachstan kauft 15 Flugzeuge von Boeing.\n", encoding="utf-8")
    article_id = anna.imports.import_paths([source]).imported[0].id
    anna.actors.create("Kasachstan", kind="state")
    anna.actors.create("Boeing", kind="company")
    controller, _dialogs = gui_controller(anna)
    before = anna.history.undo_label
    dialog = NewAgreementDialog(controller, (article_id, 0, 10), passage="Kasachstan")
    qtbot.addWidget(dialog)
    dialog.title.setText("Boeing purchase")
    dialog.value.setText("USD 1.1 bn")
    for row in range(dialog.party_list.count()):
        dialog.party_list.item(row).setCheckState(Qt.CheckState.Checked)
    dialog.status_box.setCurrentText("signed")
    dialog.date.setText("2025-11-06")
    dialog.create()
    created = bert.agreements.get(dialog.agreement_id)
    assert len(created.parties) == 2 and len(created.events) == 1
    assert len(created.evidence) == 1 and created.value.currency == "USD"
    controller.undo()
    assert bert.agreements.list() == [] and anna.history.undo_label == before
    controller.redo()
    again = bert.agreements.get(dialog.agreement_id)
    assert [(p.id, p.actor_id, p.role) for p in again.parties] == [
        (p.id, p.actor_id, p.role) for p in created.parties]
    assert [(e.id, e.status, e.date) for e in again.events] == [
        (e.id, e.status, e.date) for e in created.events]
    assert [e.id for e in again.evidence] == [e.id for e in created.evidence]


@pytest.mark.postgres
def test_agreement_form_conflict_on_postgres_through_the_window(qtbot, make_window, pg_url,
                                                                tmp_path):
    """On PostgreSQL, in the main window: the colleague's summary arrives live in the
    untouched form; Anna's title save over the colleague's title opens the window's
    conflict dialog naming them; 'theirs' leaves their title and the form shows it."""
    mine = pg.open_pg_notebook(pg_url, tmp_path, "mine", author="anna")
    theirs = pg.open_pg_notebook(pg_url, tmp_path, "theirs", author="bert")
    window = None
    try:
        made, _ = mine.agreements.create("Wind deal", summary="Draft")
        window = make_window(mine)
        team = window.findChild(TeamActions)
        qtbot.waitUntil(lambda: team.live._watched is not None, timeout=5000)
        view = window.actor_views.agreements_view
        assert view.select_agreement(made.id)
        theirs.agreements.update(made.id, summary="Signed",
                                 seen=theirs.agreements.get(made.id))
        with qtbot.waitSignal(window.controller.changed, timeout=5000):
            mine.live.check()
        assert view.summary_edit.toPlainText() == "Signed"
        theirs.agreements.update(made.id, title="Wind pact",
                                 seen=theirs.agreements.get(made.id))
        view.title_edit.setText("Wind agreement")
        click_save(qtbot, view)
        dialog = window.findChild(ConflictDialog)
        assert dialog is not None and "bert" in dialog.heading.text()
        assert cells(dialog, "title") == ["Wind deal", "Wind agreement", "Wind pact"]
        dialog.choose("title", "theirs")
        assert dialog.save_choice()
        assert view.title_edit.text() == "Wind pact"
        stored = theirs.agreements.get(made.id)
        assert (stored.title, stored.summary) == ("Wind pact", "Signed")
        assert view.form.shown is not None and view.form.shown.stamp == stored.stamp
    finally:
        if window is not None:
            window.runner.wait(10_000)
        theirs.close()
        mine.close()
