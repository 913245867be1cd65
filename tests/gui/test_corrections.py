"""Correcting an article's text from the GUI (issue 12): edit mode, trims, the Needs
Review panel, revisions and re-imported newer versions, on real notebooks."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QMenu, QMessageBox

from app.core.revisions import DiffSegment
from app.gui.common.controller import NotebookController
from app.gui.common.tasks import TaskRunner
from app.gui.corrections.mount import show_revisions
from app.gui.corrections.revisions_dialog import diff_html
from app.gui.library.import_dialog import ImportDialog

TEXT = ("back to top\n-2.4 C\nEurope\n"
        "Trump calls Tokayev to the G20 summit\n"
        "The White House said so on Sunday.\n"
        "Tokayev\u00a0accepted 😀 at once.\n"
        "Share this article")  # as stored: an import drops the final line break


@pytest.fixture
def setup(qtbot, notebook, tmp_path, make_window):
    """A window over a notebook with TEXT open and two highlights: 'White House' and
    'Sunday'."""
    path = tmp_path / "in" / "page.txt"
    path.parent.mkdir()
    path.write_text(TEXT, encoding="utf-8")
    [article] = notebook.imports.import_paths([str(path)]).imported
    stored = notebook.articles.get(article.id).text
    assert stored == TEXT
    ids = {}
    for word in ("White House", "Sunday"):
        start = stored.index(word)
        ids[word] = notebook.annotations.add(article.id, start, start + len(word))[0].id
    window = make_window(notebook)
    window.show()
    qtbot.waitExposed(window)
    window.open_article(article.id)
    return window, notebook, article.id, ids


def _view(window):
    return window.reader_area.current_view()


def _replace_in_editor(view, old: str, new: str) -> None:
    """Type a replacement into the editor: select ``old`` (Qt positions) and insert."""
    doc_text = view.document().toRawText().replace("\u2029", "\n")
    start = doc_text.index(old)  # TEXT has no astral character before the edits below
    cursor = view.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(start + len(old), QTextCursor.MoveMode.KeepAnchor)
    cursor.insertText(new)


def _span(nb, highlight_id):
    h = nb.annotations.get(highlight_id)
    return h.start, h.end


def test_edit_mode_save_moves_highlights_and_reports(setup):
    """Edit Text, a fix above a highlight, Save with a reason: a new revision, the
    highlight follows its words, the status bar says what moved; Undo restores both."""
    window, nb, aid, ids = setup
    view = _view(window)
    before = _span(nb, ids["Sunday"])
    window.menu_actions["edit_text"].trigger()
    pane = window.reader_area.current_pane()
    assert view.is_editing and not view.isReadOnly() and pane.edit_bar.isVisible()
    _replace_in_editor(view, "said so", "said so, according to officials,")
    pane.edit_bar.reason.setText("added attribution")
    assert pane.edit_bar.save()
    assert not view.is_editing and not pane.edit_bar.isVisible()
    stored = nb.articles.get(aid).text
    assert "according to officials" in stored and view.text == stored
    start, end = _span(nb, ids["Sunday"])
    assert stored[start:end] == "Sunday" and start > before[0]
    assert "1 moved" in window.statusBar().currentMessage()
    assert [r.reason for r in nb.revisions.revisions(aid)] == ["imported", "added attribution"]
    assert view.renderer.index.get(ids["Sunday"]).start == view.positions.to_qt(start)
    window.menu_actions["undo"].trigger()
    assert nb.articles.get(aid).text == TEXT and view.text == TEXT
    assert _span(nb, ids["Sunday"]) == before


def test_ctrl_s_in_the_editor_saves(setup, qtbot):
    """Ctrl+S in edit mode saves, as in every editor."""
    window, nb, aid, _ids = setup
    view = _view(window)
    window.activateWindow()
    window.menu_actions["edit_text"].trigger()
    _replace_in_editor(view, "said so", "said it")
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not view.is_editing and "said it" in nb.articles.get(aid).text


def test_edit_mode_cancel_restores_text_and_writes_nothing(setup):
    """Cancel leaves edit mode with the stored text and highlights shown again."""
    window, nb, aid, ids = setup
    view = _view(window)
    window.menu_actions["edit_text"].trigger()
    _replace_in_editor(view, "Europe", "Asia")
    window.reader_area.current_pane().edit_bar.cancel()
    assert not view.is_editing and view.isReadOnly()
    assert view.document().toRawText().replace("\u2029", "\n") == TEXT
    assert nb.revisions.revisions(aid) == [] and nb.articles.get(aid).text == TEXT
    assert view.renderer.index.get(ids["White House"]) is not None


def test_edit_mode_saving_unchanged_text_keeps_nbsp_and_emoji(setup):
    """The editor hands back NBSP and astral characters intact: saving without a change
    writes no revision."""
    window, nb, aid, _ids = setup
    window.menu_actions["edit_text"].trigger()
    assert _view(window).edited_text() == TEXT
    assert window.reader_area.current_pane().edit_bar.save()
    assert nb.revisions.revisions(aid) == []
    assert window.statusBar().currentMessage() == "The text did not change."


def test_edit_that_orphans_asks_first_and_cancel_keeps_editing(setup, monkeypatch):
    """Deleting a highlighted word warns "1 highlight will need review"; answering Cancel
    writes nothing and edit mode goes on; answering Save orphans it (kept, not drawn)."""
    window, nb, aid, ids = setup
    view = _view(window)
    asked = []

    def answer(reply):
        def question(_parent, _title, text, *_args):
            asked.append(text)
            return reply
        return question

    window.menu_actions["edit_text"].trigger()
    _replace_in_editor(view, " on Sunday", "")
    bar = window.reader_area.current_pane().edit_bar
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Cancel))
    assert not bar.save()
    assert asked[0].startswith("1 highlight will need review")
    assert view.is_editing and nb.articles.get(aid).text == TEXT
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Save))
    assert bar.save()
    assert "1 needs review" in window.statusBar().currentMessage()
    assert [o.highlight_id for o in nb.revisions.orphans(aid)] == [ids["Sunday"]]
    assert view.renderer.index.get(ids["Sunday"]) is None  # zero-width: not drawn
    assert view.renderer.index.get(ids["White House"]) is not None


def test_trim_above_and_below_selection_are_single_undoable_edits(setup):
    """Trim Above cuts at the selection's start, Trim Below at its end; each undoes in
    one step and highlights keep their words."""
    window, nb, aid, ids = setup
    view = _view(window)
    headline = TEXT.index("Trump calls")
    view.select_span(headline, headline + 5)
    window.menu_actions["trim_above"].trigger()
    stored = nb.articles.get(aid).text
    assert stored.startswith("Trump calls Tokayev") and view.text == stored
    assert stored[slice(*_span(nb, ids["White House"]))] == "White House"
    assert "Trimmed above the selection" in window.statusBar().currentMessage()
    end = stored.index("at once.") + len("at once.\n")
    view.select_span(end - 9, end)
    window.menu_actions["trim_below"].trigger()
    assert nb.articles.get(aid).text == stored[:end]
    assert not nb.articles.get(aid).text.endswith("Share this article")
    window.menu_actions["undo"].trigger()
    assert nb.articles.get(aid).text == stored
    window.menu_actions["undo"].trigger()
    assert nb.articles.get(aid).text == TEXT and view.text == TEXT


def test_trim_without_selection_only_explains(setup):
    """Without a selection Trim says what to do and changes nothing."""
    window, nb, aid, _ids = setup
    window.menu_actions["trim_above"].trigger()
    assert "Select the first line to keep" in window.statusBar().currentMessage()
    assert nb.articles.get(aid).text == TEXT


def test_context_menu_offers_edit_and_trims(setup):
    """The reader's right-click menu has Edit Text, the trims and Revisions, with or
    without a selection."""
    window, _nb, _aid, _ids = setup
    area = window.reader_area
    pane = area.current_pane()
    names = {a.objectName() for a in area.context_menu(pane, QPoint(5, 5)).actions()}
    assert {"edit_text", "trim_above", "trim_below", "revisions"} <= names
    pane.view.select_span(0, 4)
    menu = area.context_menu(pane, QPoint(5, 5))
    names = {a.objectName() for a in menu.actions()}
    assert {"edit_text", "trim_above", "trim_below", "quick_tag"} <= names
    menu.popup(pane.view.mapToGlobal(QPoint(5, 5)))
    assert not [m for m in menu.findChildren(QMenu) if m.isVisible()]  # no menu inside
    menu.close()


def _orphan_sunday(window, nb, aid):
    text = nb.articles.get(aid).text
    window.controller.edit(lambda: nb.revisions.edit_text(aid, text.replace(" on Sunday", "")))


def test_review_panel_lists_orphan_with_context_and_reattaches(setup):
    """The panel shows the orphan's quote, context and article; Re-attach puts it on the
    reader's selection and the list empties; Undo brings it back."""
    window, nb, aid, ids = setup
    panel = window.review_panel
    assert panel.orphans() == []
    _orphan_sunday(window, nb, aid)
    [orphan] = panel.orphans()
    assert orphan.highlight_id == ids["Sunday"]
    label = panel.list.itemWidget(panel.list.item(0)).text()
    assert "<b>Sunday</b>" in label and "said so" in label and "Trump calls Tokayev" in label
    view = _view(window)
    start = view.text.index("said so")
    view.select_span(start, start + 7)
    assert panel.reattach()
    assert panel.orphans() == []
    assert view.text[slice(*_span(nb, ids["Sunday"]))] == "said so"
    assert view.renderer.index.get(ids["Sunday"]) is not None
    window.menu_actions["undo"].trigger()
    assert [o.highlight_id for o in panel.orphans()] == [ids["Sunday"]]


def test_review_panel_refuses_selection_in_other_article_and_deletes(setup, tmp_path):
    """Re-attaching to words of another article is refused with a message; Delete
    removes the orphan (undoable)."""
    window, nb, aid, ids = setup
    _orphan_sunday(window, nb, aid)
    other = tmp_path / "other.txt"
    other.write_text("A different article about tungsten.\n", encoding="utf-8")
    [second] = nb.imports.import_paths([str(other)]).imported
    window.open_article(second.id, new_pane=True)
    _view(window).select_span(2, 11)
    panel = window.review_panel
    assert not panel.reattach()
    assert "another article" in panel.message.text()
    assert panel.delete()
    assert panel.orphans() == []
    assert ids["Sunday"] not in {h.id for h in nb.annotations.highlights_for(aid)}
    window.menu_actions["undo"].trigger()
    assert len(panel.orphans()) == 1


def test_review_panel_show_article_opens_where_words_were(setup, qtbot):
    """Show Article opens the orphan's article with the caret where its words were."""
    window, nb, aid, _ids = setup
    _orphan_sunday(window, nb, aid)
    window.reader_area.close_current_pane()
    window.review_panel.show_article()
    view = _view(window)
    assert view.article_id == aid
    orphan = window.review_panel.orphans()[0]
    assert view.positions.from_qt(view.textCursor().position()) == orphan.position


def test_revisions_dialog_lists_revisions_and_colours_diff(setup):
    """Revisions… lists imported + edited revisions (who, why) and shows the last edit's
    deletion struck through."""
    window, nb, aid, _ids = setup
    _orphan_sunday(window, nb, aid)
    dialog = show_revisions(window)
    assert dialog.table.rowCount() == 2
    assert dialog.table.item(0, 3).text() == "imported"
    html = dialog.diff_view.toHtml()
    assert "line-through" in html and "Sunday" in html
    assert [s.kind for s in dialog.segments if s.kind != "equal"] == ["delete"]
    dialog.close()


def test_diff_html_escapes_and_shortens_unchanged_runs():
    """Text is HTML-escaped; long unchanged runs are shortened to their ends."""
    out = diff_html([DiffSegment("equal", "x" * 1000), DiffSegment("delete", "<b>&"),
                     DiffSegment("insert", "<i>"), DiffSegment("equal", "y" * 1000)])
    assert "&lt;b&gt;&amp;" in out and "&lt;i&gt;" in out and "<b>&" not in out
    assert out.count("800 characters unchanged") == 2
    assert "x" * 200 in out and "x" * 201 not in out
    assert "y" * 200 in out and "y" * 201 not in out
    assert "same" in diff_html([DiffSegment("equal", "abc")])


def test_import_dialog_offers_newer_versions_and_replaces(qtbot, notebook, tmp_path):
    """A re-imported changed file is counted as a newer version; the button replaces the
    stored text (a revision naming the source) and keeps the highlight on its words."""
    path = tmp_path / "bericht.txt"
    path.write_text("Bericht\n\nTokajev trifft Trump in Washington.\n", encoding="utf-8")
    [first] = notebook.imports.import_paths([path]).imported
    text = notebook.articles.get(first.id).text
    start = text.index("Washington")
    hid = notebook.annotations.add(first.id, start, start + 10)[0].id
    path.write_text("Bericht\n\nTokajew trifft Präsident Trump in Washington.\n",
                    encoding="utf-8")
    runner = TaskRunner()
    controller = NotebookController(notebook)
    dialog = ImportDialog(controller, runner, [str(path)])
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.importFinished, timeout=30_000):
        pass
    assert "Newer versions: 1" in dialog.summary_label.text()
    assert any("newer version of" in text for _path, text in dialog.detail_rows())
    assert dialog.replace_button is not None and dialog.replace_button.isEnabled()
    [report] = dialog.replace_with_newer()
    assert report.moved == 1 and not dialog.replace_button.isEnabled()
    stored = notebook.articles.get(first.id).text
    assert "Präsident" in stored
    h = notebook.annotations.get(hid)
    assert stored[h.start:h.end] == "Washington"
    assert notebook.revisions.revisions(first.id)[-1].reason == f"re-imported from {path}"
    assert "Replaced 1 of 1" in dialog.summary_label.text()
    assert runner.wait(10_000)


def test_import_dialog_without_newer_versions_has_no_replace_button(qtbot, notebook,
                                                                    tmp_path: Path):
    """A plain import offers no replace button."""
    path = tmp_path / "a.txt"
    path.write_text("Something new.\n", encoding="utf-8")
    runner = TaskRunner()
    dialog = ImportDialog(NotebookController(notebook), runner, [str(path)])
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.importFinished, timeout=30_000):
        pass
    assert dialog.replace_button is None
    assert "Newer" not in dialog.summary_label.text()
    assert runner.wait(10_000)


def test_a_pane_being_edited_is_never_replaced_by_opening_another(setup, tmp_path,
                                                                  monkeypatch) -> None:
    """With three panes open and the focused one editing, opening a fourth article uses
    another pane; with every pane editing it refuses, and no edit is lost."""
    window, nb, article_id, _ids = setup
    folder = tmp_path / "more"
    folder.mkdir()
    for n in range(3):
        (folder / f"{n}.txt").write_text(f"Titel {n}\n\nText {n}.\n", encoding="utf-8")
    others = [s.id for s in nb.imports.import_paths([folder]).imported]
    area = window.reader_area
    area.open_article(others[0], new_pane=True)
    area.open_article(others[1], new_pane=True)
    for pane in area.panes():  # every pane is editing
        pane.view.set_editing(True)
    messages = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: messages.append(a[2]))
    area.open_article(others[2])
    assert area.open_article_ids() == [article_id, others[0], others[1]]
    assert messages and "editing" in messages[0]
    area.panes()[0].view.set_editing(False)
    area.open_article(others[2])
    assert others[2] in area.open_article_ids()
    assert all(p.view.is_editing for p in area.panes() if p.view.article_id != others[2])


def test_no_two_window_actions_share_a_shortcut(setup) -> None:
    """An ambiguous shortcut fires nothing in Qt: every shortcut names one action."""
    window, *_ = setup
    seen: dict[str, str] = {}
    for action in window.actions():
        for sequence in action.shortcuts():
            keys = sequence.toString()
            assert keys not in seen, f"{keys}: {seen[keys]!r} and {action.text()!r}"
            seen[keys] = action.text()
