"""Tests for app.gui.annotate.inspector: details, tag chips, memo autosave, delete."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QEvent, Qt, QUrl
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QApplication

from app.gui.annotate.inspector import InspectorPanel
from app.gui.common.controller import NotebookController

TEXT = "Kasachstan tritt dem Abraham-Abkommen bei 😀. Boeing liefert 37 Jets.\n"


@pytest.fixture
def highlight(notebook, tmp_path, import_text):
    article_id = import_text("a.txt", TEXT).id
    start = TEXT.index("Abraham")
    made, _ = notebook.annotations.tag_passage(article_id, start, start + 17, "Diplomatie")
    notebook.annotations.tag_passage(article_id, start, start + 17, "Nahost/Abkommen")
    return notebook.annotations.get(made.id)


@pytest.fixture
def panel(qtbot, controller, highlight):
    widget = InspectorPanel(controller)
    qtbot.addWidget(widget)
    widget.show()
    widget.show_highlight(highlight.id)
    return widget


def test_shows_quote_tags_and_author(panel, highlight, notebook) -> None:
    """The quote, one chip per tag and the author are shown."""
    assert highlight.exact in panel.quote_label.text()
    assert panel.chip_tag_ids() == list(highlight.tag_ids)
    assert panel.author_label.text() == (highlight.author or "\u2014")
    assert panel.details.isVisible() and not panel.empty_label.isVisible()


def test_show_none_clears_panel(panel) -> None:
    """show_highlight(None) shows the empty state."""
    panel.show_highlight(None)
    assert panel.highlight_id() == 0 and panel.empty_label.isVisible()


def test_memo_autosaves_after_typing_pause(panel, highlight, notebook, qtbot) -> None:
    """Typed Markdown is saved by the debounce timer without any other action."""
    qtbot.keyClicks(panel.memo_edit, "**wichtig**")
    assert panel.is_memo_dirty()
    qtbot.waitUntil(lambda: not panel.is_memo_dirty(), timeout=3000)
    assert notebook.annotations.get(highlight.id).memo == "**wichtig**"
    assert panel.preview.toPlainText().strip() == "wichtig"
    assert "font-weight:700" in panel.preview.toHtml()


def test_memo_saved_on_focus_out(panel, highlight, notebook, qtbot) -> None:
    """Leaving the memo editor saves at once."""
    qtbot.keyClicks(panel.memo_edit, "Notiz")
    QApplication.sendEvent(panel.memo_edit, QFocusEvent(QEvent.Type.FocusOut))
    assert notebook.annotations.get(highlight.id).memo == "Notiz"


def test_memo_saved_when_other_highlight_shown(panel, highlight, notebook, qtbot) -> None:
    """Switching highlights saves the pending memo of the previous one."""
    qtbot.keyClicks(panel.memo_edit, "vorher")
    other, _ = notebook.annotations.add(highlight.article_id, 0, 10)
    panel.show_highlight(other.id)
    assert notebook.annotations.get(highlight.id).memo == "vorher"
    assert panel.memo_edit.toPlainText() == ""


def test_memo_saved_when_panel_hidden(panel, highlight, notebook, qtbot) -> None:
    """Hiding the panel saves the pending memo."""
    qtbot.keyClicks(panel.memo_edit, "versteckt")
    panel.hide()
    assert notebook.annotations.get(highlight.id).memo == "versteckt"


def test_undo_memo_updates_editor(panel, highlight, controller, qtbot) -> None:
    """Undoing a memo edit shows the previous memo in the editor."""
    qtbot.keyClicks(panel.memo_edit, "eins")
    panel.save_memo()
    controller.undo()
    assert panel.memo_edit.toPlainText() == ""


def test_remove_tag_chip_removes_tag(panel, highlight, notebook, qtbot) -> None:
    """Clicking a chip's × takes that tag off the highlight."""
    first_tag = highlight.tag_ids[0]
    chip = panel.chips.itemAt(0).widget()
    qtbot.mouseClick(chip.remove_button, Qt.MouseButton.LeftButton)
    assert first_tag not in notebook.annotations.get(highlight.id).tag_ids
    assert first_tag not in panel.chip_tag_ids()


@pytest.mark.parametrize(("answer", "kept", "tagged"), [
    ("Discard", False, False), ("No", True, False), ("Cancel", True, True)])
def test_removing_the_last_tag_asks_about_the_highlight(panel, highlight, notebook, qtbot,
                                                        monkeypatch, answer, kept,
                                                        tagged) -> None:
    """Removing the last tag asks: delete the highlight, keep it untagged, or cancel."""
    from PySide6.QtWidgets import QMessageBox

    asked = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: asked.append(box.text()) or
                        getattr(QMessageBox.StandardButton, answer).value)
    first, last = highlight.tag_ids
    panel.remove_tag(first)
    assert asked == []  # not the last tag yet
    panel.remove_tag(last)
    assert len(asked) == 1 and "last tag" in asked[0]
    remaining = notebook.annotations.highlights_for(highlight.article_id)
    assert bool(remaining) is kept
    if kept:
        assert (last in remaining[0].tag_ids) is tagged


def test_add_tag_popup_adds_new_tag(panel, highlight, notebook, qtbot) -> None:
    """'Add tag…' opens the quick-tag popup; Enter adds the typed tag."""
    qtbot.mouseClick(panel.add_tag_button, Qt.MouseButton.LeftButton)
    popup = panel.add_tag_popup()
    qtbot.keyClicks(popup.edit, "Handel")
    qtbot.keyClick(popup.edit, Qt.Key.Key_Return)
    paths = [notebook.tags.get(t).path for t in notebook.annotations.get(highlight.id).tag_ids]
    assert "Handel" in paths and len(panel.chip_tag_ids()) == 3


def test_delete_highlight_clears_panel(panel, highlight, notebook, qtbot) -> None:
    """Delete removes the highlight from the notebook and empties the panel."""
    qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    assert notebook.annotations.highlights_for(highlight.article_id) == []
    assert panel.highlight_id() == 0


def test_show_in_article_emits_open_passage(panel, highlight, qtbot) -> None:
    """'Show in article' emits the article id and span."""
    with qtbot.waitSignal(panel.openPassage) as signal:
        qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    assert signal.args == [highlight.article_id, highlight.start, highlight.end]


def test_unknown_highlight_shows_empty(panel) -> None:
    """An id that does not exist shows the empty state instead of failing."""
    panel.show_highlight(99999)
    assert panel.highlight_id() == 0


# -- memo links and "Cited in notes" ---------------------------------------------------

def _click_anchor(qtbot, browser, href: str) -> None:
    """Click the middle of the first anchor with ``href`` in a QTextBrowser."""
    from PySide6.QtGui import QTextCursor

    doc = browser.document()
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().anchorHref() == href:
                cursor = QTextCursor(doc)
                cursor.setPosition(fragment.position() + fragment.length() // 2)
                point = browser.cursorRect(cursor).center()
                qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=point)
                return
            it += 1
        block = block.next()
    raise AssertionError(f"no anchor {href} in the preview")


def test_memo_preview_resolves_links_like_notes(panel, notebook, qtbot) -> None:
    """[[links]] in a memo render as dossier:// anchors; unknown targets as broken."""
    actor, _ = notebook.actors.create("Kassym-Jomart Tokayev", aliases=["Tokajew"])
    note, _ = notebook.notes.create("Befund", "Text")
    panel.memo_edit.setPlainText("Vgl. [[Tokajew]], [[note:Befund]] und [[Niemand]]")
    html = panel.preview_html()
    assert f"dossier://actor/{actor.id}" in html and f"dossier://note/{note.id}" in html
    assert "[[Niemand]]" in html and "line-through" in html


def test_memo_preview_strips_scripts(panel) -> None:
    """The memo is sanitised like a note: no script survives into the preview."""
    panel.memo_edit.setPlainText("<script>alert(1)</script>**ok** [x](javascript:alert(1))")
    html = panel.preview_html()
    assert "alert" not in html and "javascript" not in html and "ok" in html


def test_clicking_memo_links_emits_open_signals(panel, notebook, highlight, qtbot) -> None:
    """Clicking an actor, note or passage link in the memo preview asks to open it."""
    actor, _ = notebook.actors.create("Kassym-Jomart Tokayev", aliases=["Tokajew"])
    note, _ = notebook.notes.create("Befund", "Text")
    other, _ = notebook.annotations.add(highlight.article_id, 0, 10)
    panel.memo_edit.setPlainText(
        f"[[Tokajew]]\n\n[[note:Befund]]\n\n[[passage:{other.id}|Anfang]]")
    with qtbot.waitSignal(panel.openActor) as opened:
        _click_anchor(qtbot, panel.preview, f"dossier://actor/{actor.id}")
    assert opened.args == [actor.id]
    with qtbot.waitSignal(panel.openNote) as opened:
        _click_anchor(qtbot, panel.preview, f"dossier://note/{note.id}")
    assert opened.args == [note.id]
    with qtbot.waitSignal(panel.openPassage) as opened:
        _click_anchor(qtbot, panel.preview, f"dossier://passage/{other.id}")
    assert opened.args == [highlight.article_id, 0, 10]


def test_link_to_deleted_passage_shows_message(panel, notebook, highlight) -> None:
    """Following a link whose passage is gone tells the user instead of failing."""
    other, _ = notebook.annotations.add(highlight.article_id, 0, 10)
    notebook.annotations.delete(other.id)
    panel.open_url(QUrl(f"dossier://passage/{other.id}"))
    assert "no longer exists" in panel.link_status.text() and panel.link_status.isVisible()


def test_cited_in_notes_lists_citing_notes_and_opens_one(panel, notebook, highlight,
                                                         qtbot) -> None:
    """Notes citing the passage are listed; clicking one asks to open that note."""
    assert not panel.backlinks.isVisible()
    note, _ = notebook.notes.create("Befund", f"Beleg: [[passage:{highlight.id}]]")
    notebook.notes.create("Anderes", "kein Zitat")
    panel.show_highlight(highlight.id)
    assert panel.backlink_titles() == ["Befund"] and panel.backlinks.isVisible()
    assert panel.backlinks_label.text() == "Cited in notes (1)"
    rect = panel.backlinks.visualItemRect(panel.backlinks.item(0))
    with qtbot.waitSignal(panel.openNote) as opened:
        qtbot.mouseClick(panel.backlinks.viewport(), Qt.MouseButton.LeftButton,
                         pos=rect.center())
    assert opened.args == [note.id]


def test_cited_in_notes_follows_note_edits_and_undo(panel, notebook, highlight,
                                                    controller) -> None:
    """A note created, then deleted, through the controller updates the list; undo too."""
    made = controller.edit(lambda: notebook.notes.create("Neu", f"[[passage:{highlight.id}]]"))
    assert panel.backlink_titles() == ["Neu"]
    controller.edit(lambda: notebook.notes.delete(made[0].id))
    assert panel.backlink_titles() == [] and not panel.backlinks.isVisible()
    controller.undo()
    assert panel.backlink_titles() == ["Neu"]


def test_memo_link_written_before_target_resolves_when_created(panel, notebook,
                                                               controller) -> None:
    """A memo linking a note that does not exist yet turns into a link once it does."""
    panel.memo_edit.setPlainText("Siehe [[note:Später]]")
    panel.save_memo()
    assert "line-through" in panel.preview_html()
    made = controller.edit(lambda: notebook.notes.create("Später", "Text"))
    assert f"dossier://note/{made[0].id}" in panel.preview_html()


def test_demo_passage_shows_demo_notes_citing_it(qtbot, demo_notebook) -> None:
    """In the demo notebook a seed passage cited by a demo note lists that note."""
    controller = NotebookController(demo_notebook)
    widget = InspectorPanel(controller)
    qtbot.addWidget(widget)
    widget.show()
    quote = "hält Cove Capital 70 Prozent des Joint Ventures"
    article = next(a for a in demo_notebook.articles.list(limit=10).items
                   if a.title.startswith("USA verkünden"))
    (hit,) = [h for h in demo_notebook.annotations.highlights_for(article.id) if h.exact == quote]
    widget.show_highlight(hit.id)
    assert widget.backlink_titles() == ["Wolfram-Joint-Venture: offene Fragen"]
