"""Editing an article's text in the reader is a versioned write (issue 13): a colleague's
save since edit mode began merges line by line; a save of the same lines opens the
window's conflict dialog naming the colleague and writes nothing."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor

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


def test_text_save_over_a_colleagues_same_line_asks(qtbot, make_window, clients, tmp_path):
    """Both change line two: Anna's Save opens the conflict dialog naming Bert, stays in
    edit mode with her text, and Bert's text is what is stored."""
    anna, bert = clients
    article_id = import_article(anna, tmp_path, TEXT)
    window, view, pane = _editing(qtbot, make_window, anna, article_id)
    base = bert.articles.get(article_id).text
    bert.revisions.edit_text(article_id, base.replace("Zweite", "2."))
    _replace(view, "Zweite", "Second")
    assert not pane.edit_bar.save()
    dialog = window.findChild(ConflictDialog)
    assert dialog is not None and "bert" in dialog.heading.text()
    assert view.is_editing and "Second Zeile" in view.edited_text()
    assert "2. Zeile" in bert.articles.get(article_id).text
    assert "Second" not in bert.articles.get(article_id).text
    window.runner.wait(10_000)
