"""Tests for app.gui.annotate.tag_manager: the tag tree and its edits on a real notebook."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt

from app.gui.annotate.tag_manager import TOP_LEVEL, TagManagerDialog

TEXT = "Tokajew trifft Trump. Boeing verkauft 37 Jets an Kasachstan. Wolfram-Joint-Venture.\n"


@pytest.fixture
def tagged(notebook, tmp_path, import_text):
    """An article with three highlights tagged Economy/Energy, Economy/Trade and Politics."""
    article_id = import_text("a.txt", TEXT).id
    for needle, tag in (("Tokajew", "Politics"), ("Boeing", "Economy/Trade"),
                        ("Wolfram", "Economy/Energy"), ("Jets", "Economy/Trade")):
        start = TEXT.index(needle)
        notebook.annotations.tag_passage(article_id, start, start + len(needle), tag)
    return {t.path: t for t in notebook.tags.list()}


@pytest.fixture
def dialog(qtbot, controller, tagged):
    widget = TagManagerDialog(controller)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_tree_shows_hierarchy_counts_and_swatches(dialog, tagged) -> None:
    """Children sit under their parent; counts and colour icons are shown."""
    trade = dialog.item_for(tagged["Economy/Trade"].id)
    assert trade.parent() is dialog.item_for(tagged["Economy"].id)
    assert trade.text(1) == "2"
    assert not trade.icon(0).isNull()
    assert dialog.tree.topLevelItemCount() == 2


def test_selecting_tag_lists_its_passages(dialog, tagged, qtbot, notebook) -> None:
    """The passages list shows each highlight with the tag; activation opens it."""
    dialog.select_tag(tagged["Economy/Trade"].id)
    assert dialog.passages.count() == 2
    item = dialog.passages.item(0)
    with qtbot.waitSignal(dialog.openPassage) as signal:
        dialog.passages.itemActivated.emit(item)
    article_id, start, end = signal.args
    assert TEXT[start:end] in ("Boeing", "Jets")
    assert notebook.articles.get(article_id).text[start:end] == TEXT[start:end]


def test_inline_rename_renames_tag(dialog, tagged, notebook) -> None:
    """Editing the name in the tree renames the tag in the notebook."""
    item = dialog.item_for(tagged["Politics"].id)
    item.setText(0, "Politik")
    assert notebook.tags.get(tagged["Politics"].id).path == "Politik"
    assert dialog.item_for(tagged["Politics"].id).text(0) == "Politik"


def test_change_colour_uses_picked_colour(dialog, tagged, notebook, monkeypatch) -> None:
    """The colour the picker returns becomes the tag's colour."""
    monkeypatch.setattr(dialog, "_ask_colour", lambda initial: "#123456")
    dialog.select_tag(tagged["Politics"].id)
    dialog.change_colour()
    assert notebook.tags.get(tagged["Politics"].id).colour == "#123456"


def test_move_under_reparents_tag(dialog, tagged, notebook, monkeypatch) -> None:
    """'Move under…' sets the chosen parent; the choices exclude the tag's own subtree."""
    offered: list[list[str]] = []

    def choose(title, label, options):
        offered.append(options)
        return "Politics"

    monkeypatch.setattr(dialog, "_ask_choice", choose)
    dialog.select_tag(tagged["Economy"].id)
    dialog.move_selected()
    assert "Economy/Trade" not in offered[0] and TOP_LEVEL in offered[0]
    assert notebook.tags.get(tagged["Economy/Trade"].id).path == "Politics/Economy/Trade"


def test_drop_on_item_requests_reparent(dialog, tagged, notebook) -> None:
    """moveRequested (what a drop emits) re-parents; moving to top level works too."""
    dialog.tree.moveRequested.emit(tagged["Economy/Energy"].id, tagged["Politics"].id)
    assert notebook.tags.get(tagged["Economy/Energy"].id).path == "Politics/Energy"
    dialog.tree.moveRequested.emit(tagged["Economy/Energy"].id, 0)
    assert notebook.tags.get(tagged["Economy/Energy"].id).path == "Energy"


def test_merge_selected_into_chosen_tag(dialog, tagged, notebook, monkeypatch) -> None:
    """Merging moves the highlights to the chosen tag and removes the others."""
    monkeypatch.setattr(dialog, "_ask_choice", lambda title, label, options: "Economy/Trade")
    dialog.tree.clearSelection()
    for path in ("Economy/Trade", "Economy/Energy"):
        dialog.item_for(tagged[path].id).setSelected(True)
    assert dialog.buttons["merge"].isEnabled()
    dialog.merge_selected()
    paths = {t.path: t for t in notebook.tags.list()}
    assert "Economy/Energy" not in paths
    assert paths["Economy/Trade"].highlight_count == 3


def test_delete_asks_with_highlight_count(dialog, tagged, notebook, monkeypatch) -> None:
    """The confirmation names how many highlights lose the tag; No keeps it."""
    questions: list[str] = []
    monkeypatch.setattr(dialog, "_ask_confirm",
                        lambda title, text: questions.append(text) or False)
    dialog.select_tag(tagged["Economy/Trade"].id)
    dialog.delete_selected()
    assert "2 highlights will lose it" in questions[0]
    assert "Economy/Trade" in {t.path for t in notebook.tags.list()}


def test_delete_confirmed_removes_tag_and_undo_restores(dialog, tagged, notebook, controller,
                                                        monkeypatch) -> None:
    """Confirmed delete removes the tag; undo brings it back into the tree."""
    monkeypatch.setattr(dialog, "_ask_confirm", lambda title, text: True)
    tag_id = tagged["Politics"].id
    dialog.select_tag(tag_id)
    dialog.delete_selected()
    assert dialog.item_for(tag_id) is None
    controller.undo()
    assert dialog.item_for(tag_id) is not None


def test_new_tag_created_under_selection(dialog, tagged, notebook, monkeypatch) -> None:
    """'New…' creates a child of the selected tag and selects it."""
    monkeypatch.setattr(dialog, "_ask_text", lambda title, label: "Gas")
    dialog.select_tag(tagged["Economy"].id)
    dialog.new_tag()
    assert "Economy/Gas" in {t.path for t in notebook.tags.list()}
    assert [notebook.tags.get(i).path for i in dialog.selected_ids()] == ["Economy/Gas"]


def test_buttons_follow_selection(dialog, tagged) -> None:
    """Single-tag actions need one selected tag; merge needs two or more."""
    dialog.tree.clearSelection()
    assert not dialog.buttons["delete"].isEnabled()
    dialog.select_tag(tagged["Politics"].id)
    assert dialog.buttons["delete"].isEnabled() and not dialog.buttons["merge"].isEnabled()


def test_rename_key_starts_editing(dialog, tagged, qtbot) -> None:
    """F2 on a tag opens its name editor (keyboard-only rename)."""
    dialog.select_tag(tagged["Politics"].id)
    dialog.tree.setFocus()
    qtbot.keyClick(dialog.tree, Qt.Key.Key_F2)
    assert dialog.tree.state() == dialog.tree.State.EditingState


def test_ctrl_z_in_the_tag_manager_undoes_the_last_edit(dialog, tagged, qtbot, notebook,
                                                        controller) -> None:
    """Ctrl+Z typed in the tag manager window undoes a rename made there; Ctrl+Shift+Z redoes."""
    politics = tagged["Politics"]
    controller.edit(lambda: notebook.tags.rename(politics.id, "Politik"))
    dialog.activateWindow()
    dialog.tree.setFocus()
    qtbot.keyClick(dialog.tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert notebook.tags.get(politics.id).name == "Politics"
    assert dialog.item_for(politics.id).text(0) == "Politics"
    qtbot.keyClick(dialog.tree, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert notebook.tags.get(politics.id).name == "Politik"
