"""The notes view, "copy as citation" in the reader and the notes dock of the main window."""

from __future__ import annotations

import json
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtWidgets import QApplication

from app.gui.notes.editor import PASSAGE_MIME
from app.gui.notes.links import note_service
from app.gui.notes.view import NotesView
from app.gui.reader.area import ReaderArea

TEXT = "Präsident Tokajew verkündete den Beitritt zum Abraham-Abkommen. 😀 Boeing liefert Jets.\n"


@pytest.fixture
def article_id(notebook, tmp_path, import_text):
    return import_text("tokajew.txt", TEXT).id


@pytest.fixture
def notes(notebook):
    service = note_service(notebook)
    yield service
    service.close()


@pytest.fixture
def view(qtbot, controller, notes):
    widget = NotesView(controller)
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    return widget


def _type(view: NotesView, text: str) -> None:
    view.editor.setFocus()
    view.editor.moveCursor(view.editor.textCursor().MoveOperation.End)
    view.editor.insertPlainText(text)


def test_list_sorts_by_title_or_last_change(view, notes) -> None:
    """The tree follows the sort box: titles A-Z, or the most recently changed first."""
    older, _ = notes.create("Zebra")
    notes.create("alpha")
    notes.save_body(older.id, "newest change")
    view.refresh_list()
    assert view.note_titles() == ["alpha", "Zebra"]
    view.sort_box.setCurrentIndex(1)
    assert view.note_titles()[0] == "Zebra"


def test_tree_shows_child_notes_under_their_parent(view, notes) -> None:
    """A note with a parent is listed below it."""
    parent, _ = notes.create("Kazakhstan")
    notes.create("Tungsten", parent_id=parent.id)
    view.refresh_list()
    top = view.tree.topLevelItem(0)
    assert (top.text(0), top.child(0).text(0)) == ("Kazakhstan", "Tungsten")


def test_typing_autosaves_after_pause(view, notes, qtbot) -> None:
    """Typed text reaches the database by the debounce timer alone."""
    note_id = view.new_note("Draft")
    _type(view, "Erste Zeile")
    assert view.is_dirty()
    qtbot.waitUntil(lambda: notes.get(note_id).body == "Erste Zeile", timeout=5000)
    assert not view.is_dirty()


def test_autosave_timer_firing_after_the_notebook_closed_writes_nothing(
        view, notes, notebook, monkeypatch) -> None:
    """A view outliving its notebook (closed by its owner; the window saves before that)
    must not write through it: the engine would reconnect to a file or database that is
    no longer this view's. A run on PostgreSQL crashed the test process this way: the
    stray save failed on a dropped database and its message box had a deleted parent."""
    from PySide6.QtWidgets import QMessageBox

    note_id = view.new_note("Late")
    notes.save_body(note_id, "stored", seen=notes.get(note_id))
    view.open_note(note_id)
    _type(view, " typed")
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(a))
    notebook.close()
    view.save_now()  # what the timer does
    assert warned == []
    assert not view.save_timer.isActive()
    from app.services import Notebook
    from tests.pg_backend import location

    with Notebook.open(location(notebook)) as again:
        assert again.notes.get(note_id).body == "stored"


def test_opening_another_note_saves_pending_typing(view, notes) -> None:
    """Switching notes saves what was typed before the timer fired."""
    first = view.new_note("One")
    _type(view, "typed fast")
    view.new_note("Two")
    assert notes.get(first).body == "typed fast"


def test_undo_of_typing_reloads_editor(view, notes, controller) -> None:
    """Undo (the notebook's) puts the stored text back into the editor."""
    view.new_note("Undo me")
    _type(view, "some words")
    view.save_now()
    controller.undo()
    assert view.editor.toPlainText() == ""


def test_preview_renders_links_and_broken_links(view, notes, notebook, article_id) -> None:
    """Resolved links become dossier:// anchors; unknown ones are marked broken."""
    actor, _ = notebook.actors.create("Kassym-Jomart Tokayev", aliases=["Tokajew"])
    view.new_note("Links")
    _type(view, f"[[Tokayev]] [[Nobody]] [[article:{article_id}]]")
    view.render_preview()
    html = view.preview_html()
    assert f"dossier://actor/{actor.id}" in html and f"dossier://article/{article_id}" in html
    assert "[[Nobody]]" in html and "line-through" in html


def test_clicking_links_emits_open_signals(view, notes, notebook, article_id, qtbot) -> None:
    """Passage links open the article at the span; actor and article links are signalled."""
    highlight, _ = notebook.annotations.add(article_id, 10, 17)
    with qtbot.waitSignal(view.openPassage) as passage:
        view.open_url(QUrl(f"dossier://passage/{highlight.id}"))
    assert passage.args == [article_id, 10, 17]
    with qtbot.waitSignal(view.openActor) as actor:
        view.open_url(QUrl("dossier://actor/3"))
    assert actor.args == [3]
    with qtbot.waitSignal(view.openArticle) as article:
        view.open_url(QUrl(f"dossier://article/{article_id}"))
    assert article.args == [article_id]


def test_clicking_deleted_passage_shows_message_not_error(view, notebook, article_id) -> None:
    """A link to a deleted passage tells the user instead of raising."""
    highlight, _ = notebook.annotations.add(article_id, 10, 17)
    notebook.annotations.delete(highlight.id)
    view.open_url(QUrl(f"dossier://passage/{highlight.id}"))
    assert "no longer exists" in view.status.text()


def test_double_bracket_offers_completion_and_inserts_link(view, notebook) -> None:
    """Typing [[Tok offers the actor; choosing it completes the link."""
    notebook.actors.create("Kassym-Jomart Tokayev", aliases=["Tokajew"])
    view.new_note("Completion")
    _type(view, "Met [[Tokaj")
    displays = view.editor.completion_displays()
    assert "Tokajew (actor)" in displays
    view.editor.insert_completion("Tokajew (actor)")
    assert view.editor.toPlainText() == "Met [[Tokajew]]"
    view.editor.insert_completion("Tokajew (actor)")  # a second Enter changes nothing
    assert view.editor.toPlainText() == "Met [[Tokajew]]"


def test_backlinks_list_notes_linking_here(view, notes) -> None:
    """The backlinks panel of a note lists the notes that link to it."""
    target, _ = notes.create("Target")
    notes.create("Source", "See [[note:Target]] for details")
    view.open_note(target.id)
    assert view.backlinks.count() == 1
    assert view.backlinks.item(0).text() == "Source — See [[note:Target]] for details"


def test_passage_drop_inserts_a_citation(view, notes, notebook, article_id) -> None:
    """Dropping a passage payload cites it: a highlight plus a quoting passage link."""
    view.new_note("Drop")
    mime = QMimeData()
    mime.setData(PASSAGE_MIME, json.dumps(
        {"article_id": article_id, "start": 10, "end": 17}).encode())
    view.editor.insertFromMimeData(mime)
    [highlight] = notebook.annotations.highlights_for(article_id)
    assert view.editor.toPlainText() == f"[[passage:{highlight.id}|„Tokajew“]]"


def test_reader_copy_citation_puts_passage_link_on_clipboard(qtbot, controller, notes,
                                                            notebook, article_id) -> None:
    """The reader's selection becomes a highlight and a citation on the clipboard."""
    area = ReaderArea(controller)
    qtbot.addWidget(area)
    area.show()
    area.open_article(article_id)
    area.current_view().select_span(10, 17)
    markdown = area.copy_citation()
    [highlight] = notebook.annotations.highlights_for(article_id)
    assert markdown == f"[[passage:{highlight.id}|„Tokajew“]]"
    assert QApplication.clipboard().text() == markdown


def test_main_window_mounts_notes_dock_and_menu(qtbot, controller, notes, make_window) -> None:
    """The main window has a Notes dock, a View toggle and a Notes menu with citations."""

    window = make_window(controller)
    menus = {a.text().replace("&", ""): a.menu() for a in window.menuBar().actions()}
    notes_menu = [a.text().replace("&", "") for a in menus["Notes"].actions()]
    assert "Copy as Citation" in notes_menu and "New Note…" in notes_menu
    assert "Notes" in [a.text() for a in menus["View"].actions()]
    assert window.notes_view.parent() is window.notes_dock


def test_search_box_filters_notes_with_query_syntax(view, notes) -> None:
    """A query lists only matching notes; a bad query shows a message; clearing restores."""
    notes.create("Jets", "Boeing liefert Jets")
    notes.create("Wolfram", "Gemeinschaftsunternehmen")
    view.refresh_list()
    view.search_edit.setText("Boeing OR Flugzeug")
    view.search_notes()
    assert view.note_titles() == ["Jets"]
    view.search_edit.setText('"unclosed')
    view.search_notes()
    assert view.status.text().startswith("Search:") and view.note_titles() == ["Jets"]
    view.search_edit.clear()
    assert view.note_titles() == ["Jets", "Wolfram"]


def test_preview_heading_stays_modest_in_a_narrow_dock(view, notes) -> None:
    """A note's '# Title' is larger than the text but not Qt's xx-large, which broke long
    German words mid-word in the notes dock."""
    view.new_note("Heading")
    _type(view, "# Kasachstan und das Abraham-Abkommen\n\nText darunter.")
    view.render_preview()
    doc = view.preview.document()
    heading, body = doc.firstBlock(), doc.lastBlock()
    heading_size = heading.charFormat().font().pointSizeF() or heading.begin().fragment(
        ).charFormat().font().pointSizeF()
    body_size = body.begin().fragment().charFormat().font().pointSizeF()
    assert body_size > 0 and heading_size > body_size
    assert heading_size <= 1.5 * body_size


def test_move_note_puts_it_under_another_and_undo_takes_it_back(view, notes, controller,
                                                               monkeypatch) -> None:
    """The move button asks where (the top level, or any note but itself and those under
    it, by path) and moves the open note there; undo restores the old place."""
    from PySide6.QtWidgets import QInputDialog

    parent = view.new_note("Kasachstan")
    child = view.new_note("Wolfram")
    grandchild = view.new_note("Preise")
    view.open_note(grandchild)
    view.move_note("Wolfram")
    assert notes.get(grandchild).summary.parent_id == child
    view.open_note(child)
    offered = []

    def ask(_parent, _title, _label, items, current, _editable):
        offered.extend(items)
        return "Kasachstan", True
    monkeypatch.setattr(QInputDialog, "getItem", ask)
    view.move_note()
    assert offered == ["(top level)", "Kasachstan"]  # not itself, not its child "Preise"
    assert notes.get(child).summary.parent_id == parent
    top = view.tree.topLevelItem(0)
    assert top.text(0) == "Kasachstan" and top.child(0).text(0) == "Wolfram"
    assert top.child(0).child(0).text(0) == "Preise"
    controller.nb.history.undo()
    assert notes.get(child).summary.parent_id is None


def test_right_click_on_a_note_opens_it_and_offers_rename_move_delete(view, notes) -> None:
    first = view.new_note("Eins")
    view.new_note("Zwei")
    item = next(i for i in walk_items(view) if i.text(0) == "Eins")
    view._on_tree_menu(view.tree.visualItemRect(item).center())
    assert view.note_id() == first
    assert view.tree_menu.isVisible()
    assert [a.text() for a in view.tree_menu.actions()] == ["Rename…", "Move to…", "Delete"]
    view.tree_menu.close()


def walk_items(view: NotesView) -> list:
    from app.gui.notes.tree import walk

    return walk(view.tree)


def test_delete_button_asks_before_deleting(view, notes, monkeypatch) -> None:
    """The − button asks, as its tooltip and the menu do: ``clicked`` passed its
    ``checked=False`` on as ``confirm=False``, so the note went without a question."""
    from PySide6.QtWidgets import QMessageBox

    view.new_note("Eins")
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No)
    view.buttons["delete"].click()
    assert asked == ["Delete the note “Eins”?"]
    assert [n.title for n in notes.list()] == ["Eins"]


def test_buttons_acting_on_the_open_note_are_off_without_one(view) -> None:
    """Rename, move and delete act on the open note: greyed while none is open."""
    enabled = {name: b.isEnabled() for name, b in view.buttons.items()}
    assert enabled == {"new": True, "rename": False, "move": False, "delete": False}
    view.new_note("Eins")
    assert all(b.isEnabled() for b in view.buttons.values())
