"""Editing an article's text in the reader is a versioned write (issue 13): a colleague's
save since edit mode began merges line by line; a save of the same lines writes nothing
and opens the text merge, where the user chooses per place and the result goes back to
the editor."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QDialog

from app.core.text_merge import TextClash, merge_regions
from app.gui.corrections.text_merge_dialog import TextMergeDialog, marked_html
from app.gui.team.conflict_dialog import ConflictDialog
from tests.gui.team.versioned_support import (  # noqa: F401  (a fixture)
    clients_fixture,
    import_article,
)

TEXT = "Erste Zeile.\nZweite Zeile.\nDritte Zeile.\n"


def _replace(view, old: str, new: str) -> None:
    """Type a replacement into the reader's editor (ASCII text: Qt positions = ours)."""
    start = view.document().toRawText().replace("\u2029", "\n").index(old)
    cursor = view.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(start + len(old), QTextCursor.MoveMode.KeepAnchor)
    cursor.insertText(new)


def _editing(qtbot, make_window, nb, article_id):
    window = make_window(nb)
    window.show()
    qtbot.waitExposed(window)
    window.open_article(article_id)
    window.menu_actions["edit_text"].trigger()
    return window, window.reader_area.current_view(), window.reader_area.current_pane()


def test_text_save_merges_a_colleagues_other_lines(qtbot, make_window, clients, tmp_path):
    """Bert corrects line three while Anna edits line one: her Save keeps both."""
    anna, bert = clients
    article_id = import_article(anna, tmp_path, TEXT)
    window, view, pane = _editing(qtbot, make_window, anna, article_id)
    base = bert.articles.get(article_id).text
    bert.revisions.edit_text(article_id, base.replace("Dritte", "Die dritte"))
    _replace(view, "Erste", "Die erste")
    assert pane.edit_bar.save()
    text = bert.articles.get(article_id).text
    assert "Die erste Zeile." in text and "Die dritte Zeile." in text
    assert window.findChild(ConflictDialog) is None
    window.runner.wait(10_000)


def _answering(monkeypatch, choices, accept=True):
    """Stand in for the merge dialog's modal loop: make these choices, then press Use in
    Editor (or Cancel); the dialogs shown are collected."""
    shown: list[TextMergeDialog] = []

    def exec_(dialog: TextMergeDialog) -> int:
        shown.append(dialog)
        for place, choice in enumerate(choices):
            dialog.choose(place, choice)
        if accept:
            assert dialog.use_button.isEnabled()
            return QDialog.DialogCode.Accepted.value
        return QDialog.DialogCode.Rejected.value

    monkeypatch.setattr(TextMergeDialog, "exec", exec_)
    return shown


def test_text_save_over_a_colleagues_same_line_opens_the_merge(
        qtbot, make_window, clients, tmp_path, monkeypatch):
    """Both change line two: Anna's Save shows the one place with Bert's version beside
    hers and writes nothing; Cancel leaves her text in the editor, still editing."""
    anna, bert = clients
    article_id = import_article(anna, tmp_path, TEXT)
    window, view, pane = _editing(qtbot, make_window, anna, article_id)
    base = bert.articles.get(article_id).text
    bert.revisions.edit_text(article_id, base.replace("Zweite", "2."))
    _replace(view, "Zweite", "Second")
    shown = _answering(monkeypatch, [], accept=False)
    assert not pane.edit_bar.save()
    assert len(shown) == 1 and "bert" in shown[0].heading.text()
    assert [(c.mine, c.theirs) for c in shown[0].clash.clashes] == [
        ("Second Zeile.\n", "2. Zeile.\n")]
    assert window.findChild(ConflictDialog) is None
    assert view.is_editing and "Second Zeile" in view.edited_text()
    assert "2. Zeile" in bert.articles.get(article_id).text
    assert "Second" not in bert.articles.get(article_id).text
    window.runner.wait(10_000)


def test_a_merged_text_goes_to_the_editor_to_save(
        qtbot, make_window, clients, tmp_path, monkeypatch):
    """Anna keeps both lines at the clash; her editor gets the merge (Ctrl+Z there
    gives her own text back), and Save stores it over Bert's without asking again."""
    anna, bert = clients
    article_id = import_article(anna, tmp_path, "Eins.\nZwischen.\nDrei.\nZwischen.\nFünf.\n")
    window, view, pane = _editing(qtbot, make_window, anna, article_id)
    base = bert.articles.get(article_id).text
    bert.revisions.edit_text(article_id, base.replace("Drei.", "3.").replace("Fünf.", "5."))
    _replace(view, "Drei.", "Three.")
    mine = view.edited_text()
    shown = _answering(monkeypatch, ["both"])
    assert not pane.edit_bar.save()
    merged = "Eins.\nZwischen.\nThree.\n3.\nZwischen.\n5."
    assert view.edited_text().rstrip("\n") == merged
    assert "check the text, then Save" in pane.edit_bar.last_message
    view.document().undo()
    assert view.edited_text() == mine
    view.document().redo()
    assert pane.edit_bar.save() and len(shown) == 1
    assert bert.articles.get(article_id).text.rstrip("\n") == merged
    window.runner.wait(10_000)


def test_the_merge_dialog_wants_a_choice_at_every_place(qtbot):
    """Use in Editor is greyed until each place has a choice; the changed words of each
    side are marked against the text as it was."""
    clash = TextClash("article", 1, "Vertrag", merge_regions(
        "Eins.\nA\nZwei.\nB\n", "Uno.\nA\nDos.\nB\n", "One.\nA\nTwo.\nB\n"), "bert")
    dialog = TextMergeDialog(clash)
    qtbot.addWidget(dialog)
    assert len(dialog.choices()) == 2 and not dialog.use_button.isEnabled()
    assert "merged on" not in dialog.heading.text()  # nothing merged: not "0 changes"
    dialog.choose(0, "theirs")
    assert not dialog.use_button.isEnabled() and "1 place still" in dialog.status.text()
    dialog.choose(1, "mine")
    assert dialog.use_button.isEnabled()
    assert dialog.merged_text() == "One.\nA\nDos.\nB\n"
    html = marked_html("Eins zwei drei", "Eins 2 drei")
    assert "line-through" in html and ">zwei<" in html and ">2<" in html


@pytest.mark.parametrize("author", ["bert", "Mia", "tom"])
def test_the_keep_buttons_have_distinct_access_keys(qtbot, author):
    """Alt+M, Alt+T and Alt+B each choose one button whatever the colleague's name (a
    name's first letter as the key clashed with Mine or Both)."""
    clash = TextClash("article", 1, "Vertrag", merge_regions("a\n", "b\n", "c\n"), author)
    dialog = TextMergeDialog(clash)
    qtbot.addWidget(dialog)
    keys = [b.text()[b.text().index("&") + 1].lower() for b in dialog._groups[0].buttons()]
    assert sorted(keys) == ["b", "m", "t"]
