"""The last unversioned GUI edits (issue 13 item 3): the tag manager's delete, move and
merge and the notes view's rename are based on the record as shown, and the agreements
view keeps unsaved edits over a colleague's deletion. Anna edits through the real
widgets while Bert, another client of the same notebook, changed the record after Anna's
view listed it: the conflict dialog names Bert and nothing of his is lost; his change of
another field merges without a dialog; an edit against his deletion keeps the edit."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from app.gui.actors.agreements_view import AgreementsView
from app.gui.annotate.tag_manager import TagManagerDialog
from app.gui.notes.view import NotesView
from tests.gui.team.versioned_support import (  # noqa: F401  (a fixture)
    cells,
    clients_fixture,
    follow_live,
    gui_controller,
    import_article,
)


def test_tag_delete_after_a_colleagues_rename_is_refused_then_redone(qtbot, clients,
                                                                     monkeypatch):
    """Bert renames the tag Anna's manager lists: her delete opens the dialog ("not
    deleted"), the tag stays with his name; after she closes it the tree shows his name
    and deleting again goes through."""
    anna, bert = clients
    tag, _ = anna.tags.create("Energie")
    controller, dialogs = gui_controller(anna)
    manager = TagManagerDialog(controller)
    qtbot.addWidget(manager)
    monkeypatch.setattr(manager, "_ask_confirm", lambda title, text: True)
    bert.tags.rename(tag.id, "Energiepolitik", seen=bert.tags.get(tag.id))
    manager.select_tag(tag.id)
    manager.delete_selected()
    assert len(dialogs) == 1
    assert "bert" in dialogs[0].heading.text() and "not deleted" in dialogs[0].heading.text()
    assert [t.name for t in bert.tags.list()] == ["Energiepolitik"]
    dialogs[0].reject()
    assert manager.item_for(tag.id).text(0) == "Energiepolitik"
    manager.select_tag(tag.id)
    manager.delete_selected()
    assert len(dialogs) == 1 and bert.tags.list() == []


def test_tag_merge_after_a_colleague_recoloured_a_source_writes_nothing(
        qtbot, clients, monkeypatch, tmp_path):
    """Bert recolours a tag Anna merges away: the dialog names him and both tags keep
    their highlights; after she closes it the merge from the fresh list goes through."""
    anna, bert = clients
    article_id = import_article(anna, tmp_path, "Erdgas aus Katar fuer Deutschland.\n")
    gas, _ = anna.tags.create("Gas")
    energy, _ = anna.tags.create("Energie")
    anna.annotations.add(article_id, 0, 6, tag_ids=[gas.id])
    controller, dialogs = gui_controller(anna)
    manager = TagManagerDialog(controller)
    qtbot.addWidget(manager)
    monkeypatch.setattr(manager, "_ask_choice", lambda title, label, options: "Energie")
    bert.tags.set_colour(gas.id, "#123456", seen=bert.tags.get(gas.id))
    for tag_id in (gas.id, energy.id):
        manager.item_for(tag_id).setSelected(True)
    manager.merge_selected()
    assert len(dialogs) == 1 and "bert" in dialogs[0].heading.text()
    assert {t.name: (t.colour, t.highlight_count) for t in bert.tags.list()} == {
        "Gas": ("#123456", 1), "Energie": (energy.colour, 0)}
    dialogs[0].reject()
    for tag_id in (gas.id, energy.id):
        manager.item_for(tag_id).setSelected(True)
    manager.merge_selected()
    assert len(dialogs) == 1
    assert [(t.name, t.highlight_count) for t in bert.tags.list()] == [("Energie", 1)]


def test_tag_move_merges_a_colleagues_rename_and_asks_over_their_move(qtbot, clients):
    """Bert renames a tag Anna then drags under another: his name stays, no dialog. He
    moves it elsewhere; her next move from the list she has conflicts and his place
    stays."""
    anna, bert = clients
    energy, _ = anna.tags.create("Energie")
    trade, _ = anna.tags.create("Handel")
    gas, _ = anna.tags.create("Gas")
    controller, dialogs = gui_controller(anna)
    manager = TagManagerDialog(controller)
    qtbot.addWidget(manager)
    bert.tags.rename(gas.id, "Erdgas", seen=bert.tags.get(gas.id))
    manager.move_tag(gas.id, energy.id)
    assert dialogs == [] and bert.tags.get(gas.id).path == "Energie/Erdgas"
    bert.tags.set_parent(gas.id, trade.id, seen=bert.tags.get(gas.id))
    manager.move_tag(gas.id, 0)
    assert len(dialogs) == 1 and "bert" in dialogs[0].heading.text()
    assert bert.tags.get(gas.id).path == "Handel/Erdgas"


def test_note_rename_over_a_colleagues_rename_asks(qtbot, clients):
    """Bert retitles the note open in Anna's view: her rename opens the dialog with the
    three titles and his title stays until she chooses."""
    anna, bert = clients
    note, _ = anna.notes.create("Befunde", "eins\n")
    controller, dialogs = gui_controller(anna)
    view = NotesView(controller)
    qtbot.addWidget(view)
    view.open_note(note.id)
    bert.notes.rename(note.id, "Befunde Katar", seen=bert.notes.get(note.id))
    view.rename_note("Ergebnisse")
    assert len(dialogs) == 1 and "bert" in dialogs[0].heading.text()
    assert cells(dialogs[0], "title") == ["Befunde", "Ergebnisse", "Befunde Katar"]
    assert bert.notes.get(note.id).title == "Befunde Katar"
    dialogs[0].choose("title", "mine")
    assert dialogs[0].save_choice()
    assert bert.notes.get(note.id).title == "Ergebnisse"


def test_note_rename_after_a_live_rename_while_typing_is_no_conflict(qtbot, clients):
    """Bert's rename arrives live while Anna types (her text's base stays older): the
    title she sees is his, so her rename goes through without a dialog, and her typing
    still saves merged with nothing lost."""
    anna, bert = clients
    note, _ = anna.notes.create("Befunde", "eins\nzwei\n")
    controller, dialogs = gui_controller(anna)
    follow_live(anna, controller)
    view = NotesView(controller)
    qtbot.addWidget(view)
    view.open_note(note.id)
    view.editor.setPlainText("EINS\nzwei\n")
    bert.notes.rename(note.id, "Befunde Katar", seen=bert.notes.get(note.id))
    anna.live.check()
    assert view.title_label.text() == "Befunde Katar"
    view.rename_note("Befunde Katar und Oman")
    view.save_now()
    stored = bert.notes.get(note.id)
    assert dialogs == [] and (stored.title, stored.body) == ("Befunde Katar und Oman",
                                                             "EINS\nzwei\n")


def _agreement_view(qtbot, controller, agreement_id):
    view = AgreementsView(controller)
    qtbot.addWidget(view)
    view.show()
    assert view.select_agreement(agreement_id)
    return view


def test_agreement_deleted_under_unsaved_edits_keeps_them_and_save_recreates(qtbot,
                                                                            clients):
    """Bert deletes the agreement while Anna's form holds an unsaved title: the form
    keeps it and says Bert deleted it; Save brings the agreement back (same id) with
    her title and the rest as she saw it, without a dialog."""
    anna, bert = clients
    made, _ = anna.agreements.create("Wind deal", type="purchase", summary="Entwurf")
    controller, dialogs = gui_controller(anna)
    follow_live(anna, controller)
    view = _agreement_view(qtbot, controller, made.id)
    view.title_edit.setText("Wind agreement")
    bert.agreements.delete(made.id, seen=bert.agreements.get(made.id))
    anna.live.check()
    assert view.title_edit.text() == "Wind agreement"
    assert view.deleted_label.isVisibleTo(view) and "bert" in view.deleted_label.text()
    view.findChild(QPushButton, "saveAgreement").click()
    back = bert.agreements.get(made.id)
    assert dialogs == [] and (back.title, back.type, back.summary) == (
        "Wind agreement", "purchase", "Entwurf")
    assert not view.deleted_label.isVisibleTo(view) and not view.form.is_dirty()


def test_agreement_deleted_under_unsaved_edits_discard_clears(qtbot, clients):
    """Discard after Bert's deletion drops Anna's edits and writes nothing; without
    unsaved edits his deletion simply clears the form as before."""
    anna, bert = clients
    made, _ = anna.agreements.create("Wind deal")
    other, _ = anna.agreements.create("Solar deal")
    controller, dialogs = gui_controller(anna)
    follow_live(anna, controller)
    view = _agreement_view(qtbot, controller, made.id)
    view.summary_edit.setPlainText("typed")
    bert.agreements.delete(made.id, seen=bert.agreements.get(made.id))
    anna.live.check()
    assert view.summary_edit.toPlainText() == "typed"
    view.findChild(QPushButton, "discardDeleted").click()
    assert (view.summary_edit.toPlainText(), view.title_edit.text()) == ("", "")
    assert not view.deleted_label.isVisibleTo(view)
    assert [a.title for a in bert.agreements.list()] == ["Solar deal"]
    assert view.select_agreement(other.id)
    bert.agreements.delete(other.id, seen=bert.agreements.get(other.id))
    anna.live.check()
    assert view.title_edit.text() == "" and not view.deleted_label.isVisibleTo(view)
    assert dialogs == []
