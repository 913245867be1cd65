"""Tests for app.gui.inspector: details, tag chips, memo autosave, delete."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QApplication

from app.gui.controller import NotebookController
from app.gui.inspector import InspectorPanel

TEXT = "Kasachstan tritt dem Abraham-Abkommen bei 😀. Boeing liefert 37 Jets.\n"


@pytest.fixture
def controller(notebook):
    return NotebookController(notebook)


@pytest.fixture
def highlight(notebook, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    article_id = notebook.imports.import_paths([path]).imported[0].id
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
