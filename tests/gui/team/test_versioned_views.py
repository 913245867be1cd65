"""Every GUI edit is a versioned write (issue 13), view by view: the inspector's memo, the
actor form and its aliases, the tag manager, the article metadata dialog and the notes
editor. Anna edits through the real widgets while Bert, another client of the same SQLite
notebook, changed the record after Anna's view was filled: the conflict dialog names Bert
with both values and nothing of Bert's is overwritten without Anna's choice (notes merge
line by line, or keep a linked conflict copy). Saving twice, or after one's own undo, is
no false conflict."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import QPushButton

from app.gui.actors.actors_view import ActorsView
from app.gui.annotate.inspector import InspectorPanel
from app.gui.annotate.tag_manager import TagManagerDialog
from app.gui.library.metadata_dialog import MetadataDialog, meta_of
from app.gui.notes.view import NotesView
from tests.gui.team.versioned_support import (  # noqa: F401  (a fixture)
    cells,
    clients_fixture,
    follow_live,
    gui_controller,
    import_article,
)

TEXT = "Kasachstan kauft 15 Flugzeuge von Boeing.\n\nDer Vertrag wurde in Astana unterzeichnet.\n"


def test_memo_over_a_colleagues_memo_asks_then_saves_freely(qtbot, clients, tmp_path):
    """Bert writes a memo after Anna's inspector showed the highlight: Anna's memo save
    opens the dialog (empty / Anna's / Bert's), Bert's memo stays until Anna chooses;
    then saving twice and after an undo goes through without a dialog."""
    anna, bert = clients
    highlight, _ = anna.annotations.add(import_article(anna, tmp_path, TEXT), 0, 10)
    controller, dialogs = gui_controller(anna)
    panel = InspectorPanel(controller)
    qtbot.addWidget(panel)
    panel.show_highlight(highlight.id)
    bert.annotations.set_memo(highlight.id, "Bert's memo", seen=bert.annotations.get(
        highlight.id))
    panel.memo_edit.setPlainText("Anna's memo")
    panel.save_memo()
    assert len(dialogs) == 1 and "bert" in dialogs[0].heading.text()
    assert cells(dialogs[0], "memo") == ["(empty)", "Anna's memo", "Bert's memo"]
    assert bert.annotations.get(highlight.id).memo == "Bert's memo"
    dialogs[0].choose("memo", "mine")
    assert dialogs[0].save_choice()
    assert panel.memo_edit.toPlainText() == "Anna's memo"
    for memo in ("Anna 2", "Anna 3"):
        panel.memo_edit.setPlainText(memo)
        panel.save_memo()
    controller.undo()
    panel.memo_edit.setPlainText("Anna 4")
    panel.save_memo()
    assert len(dialogs) == 1
    assert bert.annotations.get(highlight.id).memo == "Anna 4"


def test_memo_typed_while_a_colleague_recolours_keeps_both(qtbot, clients, tmp_path):
    """Bert's colour change arrives live while Anna types a memo: her typing stays, and
    its save merges with his colour (no dialog)."""
    anna, bert = clients
    highlight, _ = anna.annotations.add(import_article(anna, tmp_path, TEXT), 0, 10)
    controller, dialogs = gui_controller(anna)
    follow_live(anna, controller)
    panel = InspectorPanel(controller)
    qtbot.addWidget(panel)
    panel.show_highlight(highlight.id)
    panel.memo_edit.setPlainText("typing")
    bert.annotations.set_colour(highlight.id, "#ff0000",
                                seen=bert.annotations.get(highlight.id))
    anna.live.check()
    assert panel.memo_edit.toPlainText() == "typing"
    panel.save_memo()
    stored = bert.annotations.get(highlight.id)
    assert dialogs == [] and (stored.memo, stored.colour) == ("typing", "#ff0000")


def test_deleting_a_highlight_a_colleague_changed_since_is_refused(qtbot, clients,
                                                                    tmp_path):
    """Bert writes a memo after Anna's inspector showed the highlight: her Delete opens
    the dialog and deletes nothing; once the panel shows his memo, Delete deletes."""
    anna, bert = clients
    highlight, _ = anna.annotations.add(import_article(anna, tmp_path, TEXT), 0, 10)
    controller, dialogs = gui_controller(anna)
    panel = InspectorPanel(controller)
    qtbot.addWidget(panel)
    panel.show_highlight(highlight.id)
    bert.annotations.set_memo(highlight.id, "keep this", seen=bert.annotations.get(
        highlight.id))
    panel.delete_highlight()
    assert len(dialogs) == 1 and "not deleted" in dialogs[0].heading.text()
    assert dialogs[0].heading.text().startswith("Highlight ")
    assert bert.annotations.get(highlight.id).memo == "keep this"
    dialogs[0].reject()
    assert panel.memo_edit.toPlainText() == "keep this"
    panel.delete_highlight()
    assert len(dialogs) == 1 and bert.annotations.highlights_for(highlight.article_id) == []


def test_actor_form_and_alias_over_colleagues_changes_ask(qtbot, clients):
    """Bert rewrites the actor's description and corrects its alias after Anna's view
    showed them: Anna's Save and her alias edit each open the dialog naming Bert; after
    Keep Theirs the view shows Bert's values, and her next save is no conflict."""
    anna, bert = clients
    actor, _ = anna.actors.create("Kasachstan", kind="state")
    alias, _ = anna.actors.add_alias(actor.id, "Kazachstan")
    controller, dialogs = gui_controller(anna)
    view = ActorsView(controller)
    qtbot.addWidget(view)
    assert view.select_actor(actor.id)
    bert.actors.update(actor.id, description="Central Asian state",
                       seen=bert.actors.get(actor.id))
    bert.actors.set_alias(alias.id, name="Kazakhstan", seen=bert.actors.get(actor.id).aliases[0])
    view.description_edit.setPlainText("A state")
    view.aliases.item(0, 0).setText("Qazaqstan")
    assert len(dialogs) == 1 and "bert" in dialogs[0].heading.text()
    assert cells(dialogs[0], "name") == ["Kazachstan", "Qazaqstan", "Kazakhstan"]
    assert dialogs[0].heading.text().startswith("Alias ")
    dialogs[0].reject()
    assert view.aliases.item(0, 0).text() == "Kazakhstan"
    assert view.description_edit.toPlainText() == "A state"  # typed, not yet saved
    view.findChild(QPushButton, "saveActor").click()
    assert len(dialogs) == 2 and "bert" in dialogs[1].heading.text()
    assert cells(dialogs[1], "description") == ["(empty)", "A state", "Central Asian state"]
    assert bert.actors.get(actor.id).description == "Central Asian state"
    dialogs[1].reject()
    assert view.description_edit.toPlainText() == "Central Asian state"
    view.aliases.item(0, 1).setText("en")
    view.kind_edit.setCurrentText("government body")
    view.findChild(QPushButton, "saveActor").click()
    view.findChild(QPushButton, "saveActor").click()
    stored = bert.actors.get(actor.id)
    assert len(dialogs) == 2
    assert (stored.kind, stored.aliases[0].name, stored.aliases[0].language) == (
        "government body", "Kazakhstan", "en")


def test_tag_rename_over_a_colleagues_rename_asks(qtbot, clients):
    """Bert renames the tag after Anna's tag manager listed it: Anna's rename in place
    opens the dialog; Bert's name stays until she chooses, then the tree shows it."""
    anna, bert = clients
    tag, _ = anna.tags.create("Energie")
    controller, dialogs = gui_controller(anna)
    manager = TagManagerDialog(controller)
    qtbot.addWidget(manager)
    bert.tags.rename(tag.id, "Energy", seen=bert.tags.get(tag.id))
    manager.item_for(tag.id).setText(0, "Energiepolitik")
    assert len(dialogs) == 1 and "bert" in dialogs[0].heading.text()
    assert cells(dialogs[0], "name") == ["Energie", "Energiepolitik", "Energy"]
    assert bert.tags.get(tag.id).name == "Energy"
    dialogs[0].reject()
    assert manager.item_for(tag.id).text(0) == "Energy"
    manager.item_for(tag.id).setText(0, "Energy policy")
    manager.item_for(tag.id).setText(0, "Energy politics")
    assert len(dialogs) == 1 and bert.tags.get(tag.id).name == "Energy politics"


def test_metadata_dialog_over_a_colleagues_title_asks_and_follows_live(qtbot, clients,
                                                                       tmp_path):
    """Bert's outlet change arrives live in the open metadata dialog (untouched field);
    his title change then makes Anna's OK open the conflict dialog, and the metadata
    dialog stays open with nothing of Bert's overwritten."""
    anna, bert = clients
    article_id = import_article(anna, tmp_path, TEXT)
    controller, dialogs = gui_controller(anna)
    follow_live(anna, controller)
    dialog = MetadataDialog(controller, article_id)
    qtbot.addWidget(dialog)
    seen = bert.articles.get(article_id)
    bert.articles.update_meta(article_id, dataclasses.replace(meta_of(seen.summary),
                                                              outlet="Kursiv"), seen=seen)
    anna.live.check()
    assert dialog.edits["outlet"].text() == "Kursiv"
    seen = bert.articles.get(article_id)
    bert.articles.update_meta(article_id, dataclasses.replace(meta_of(seen.summary),
                                                              title="Boeing deal"), seen=seen)
    dialog.edits["title"].setText("Kazakhstan buys aircraft")
    dialog.accept()
    assert len(dialogs) == 1 and "bert" in dialogs[0].heading.text()
    assert cells(dialogs[0], "title")[1:] == ["Kazakhstan buys aircraft", "Boeing deal"]
    assert bert.articles.get(article_id).summary.title == "Boeing deal"
    dialogs[0].choose("title", "mine")
    assert dialogs[0].save_choice()
    assert dialog.edits["title"].text() == "Kazakhstan buys aircraft"
    dialog.edits["language"].setText("en")
    dialog.accept()
    stored = bert.articles.get(article_id).summary
    assert len(dialogs) == 1
    assert (stored.title, stored.outlet, stored.language) == (
        "Kazakhstan buys aircraft", "Kursiv", "en")


def test_note_edits_merge_by_line_or_keep_a_linked_conflict_copy(qtbot, clients):
    """Bert changes line two after Anna's editor loaded the note: Anna's save of line one
    merges silently and her editor shows both lines. Bert then changes line one again
    while Anna rewrites it: her save keeps his text, makes a conflict copy with hers and
    shows a link that opens the copy. Saving twice in a row is no conflict."""
    anna, bert = clients
    note, _ = anna.notes.create("Briefing", "line one\nline two\n")
    controller, dialogs = gui_controller(anna)
    view = NotesView(controller)
    qtbot.addWidget(view)
    view.open_note(note.id)
    bert.conflicts.save_note(note.id, "line one\nBERT two\n", bert.notes.get(note.id))
    view.editor.setPlainText("ANNA one\nline two\n")
    view.save_now()
    assert view.editor.toPlainText() == "ANNA one\nBERT two\n"
    assert bert.notes.get(note.id).body == "ANNA one\nBERT two\n"
    assert "merged" in view.save_note_label.text()
    view.editor.setPlainText("ANNA one\nBERT two\nthree\n")
    view.save_now()
    view.editor.setPlainText("ANNA one\nBERT two\nthree\nfour\n")
    view.save_now()
    assert bert.notes.get(note.id).body == "ANNA one\nBERT two\nthree\nfour\n"
    assert not view.save_note_label.isVisibleTo(view)
    bert.conflicts.save_note(note.id, "BERT one\nBERT two\nthree\nfour\n",
                             bert.notes.get(note.id))
    view.editor.setPlainText("Anna's first line\nBERT two\nthree\nfour\n")
    view.save_now()
    assert bert.notes.get(note.id).body == "BERT one\nBERT two\nthree\nfour\n"
    assert view.editor.toPlainText() == "BERT one\nBERT two\nthree\nfour\n"
    copies = [n for n in bert.notes.list() if "conflict copy" in n.title]
    assert len(copies) == 1
    assert "Anna's first line" in bert.notes.get(copies[0].id).body
    assert f'href="note:{copies[0].id}"' in view.save_note_label.text()
    view.save_note_label.linkActivated.emit(f"note:{copies[0].id}")
    assert view.note_id() == copies[0].id
    assert dialogs == []


def test_colleagues_note_save_arrives_live_and_typing_survives_it(qtbot, clients):
    """Bert's save arrives live in Anna's untouched editor (her next save is based on it:
    no copy); arriving while she types, it leaves her typing alone and her save merges."""
    anna, bert = clients
    note, _ = anna.notes.create("Briefing", "one\ntwo\nthree\n")
    controller, _dialogs = gui_controller(anna)
    follow_live(anna, controller)
    view = NotesView(controller)
    qtbot.addWidget(view)
    view.open_note(note.id)
    bert.conflicts.save_note(note.id, "one\nBERT\nthree\n", bert.notes.get(note.id))
    anna.live.check()
    assert view.editor.toPlainText() == "one\nBERT\nthree\n"
    view.editor.setPlainText("one\nBERT, ANNA\nthree\n")
    view.save_now()
    assert bert.notes.get(note.id).body == "one\nBERT, ANNA\nthree\n"
    view.editor.setPlainText("ANNA\nBERT, ANNA\nthree\n")
    bert.conflicts.save_note(note.id, "one\nBERT, ANNA\nBERT again\n", bert.notes.get(note.id))
    anna.live.check()
    assert view.editor.toPlainText() == "ANNA\nBERT, ANNA\nthree\n"
    view.save_now()
    assert view.editor.toPlainText() == "ANNA\nBERT, ANNA\nBERT again\n"
    assert bert.notes.get(note.id).body == "ANNA\nBERT, ANNA\nBERT again\n"
    assert [n.title for n in bert.notes.list()] == ["Briefing"]
