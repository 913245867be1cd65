"""Tests for app.gui.annotate.quicktag: ranking, and the Ctrl+T flow on a real notebook."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from app.core.records import Tag
from app.gui.annotate.quicktag import choose_rows, normalise_path, rank_tags
from app.gui.common.controller import NotebookController
from app.gui.reader.area import ReaderArea

TEXT = (
    "„Grüß Gott“ 😀. Familie 👩\u200d👩\u200d👧 und x\u0301 Energie.\n"
    "Zweite Zeile mit 🇩🇪 Flagge und Gas.\n"
)

def _tag(tag_id: int, path: str) -> Tag:
    return Tag(tag_id, path.rsplit("/", 1)[-1], "", None, "", path)


TAGS = [_tag(1, "Economy"), _tag(2, "Economy/Energy"), _tag(3, "Politik/Diplomatie"),
        _tag(4, "Energie/Gas")]


def test_rank_empty_query_lists_all_tags_by_path() -> None:
    """With nothing typed every tag is offered, sorted by path."""
    assert [c.path for c in rank_tags("", TAGS)] == sorted(t.path for t in TAGS)


def test_rank_puts_fuzzy_prefix_match_first() -> None:
    """'dipl' ranks Politik/Diplomatie first."""
    assert rank_tags("dipl", TAGS)[0].path == "Politik/Diplomatie"


def test_choose_new_tag_first_when_only_a_similar_tag_exists() -> None:
    """Enter after 'ener' creates 'ener' (issue 11: a typed path is never filed under a
    similar tag); the matching Energy tags are listed below it, nothing unrelated is."""
    rows, current = choose_rows("ener", TAGS)
    assert current == 0 and rows[0] == rows[current] and rows[0].tag_id == 0
    assert {r.tag_id for r in rows[1:]} == {2, 4}


def test_choose_child_path_of_an_existing_tag_is_a_new_tag() -> None:
    """'Diplomatie/Botschaft' with a tag 'Diplomatie' defaults to the new child, not the parent."""
    tags = [*TAGS, _tag(5, "Diplomatie")]
    rows, current = choose_rows("Diplomatie/Botschaft", tags)
    assert rows[current].tag_id == 0 and rows[current].path == "Diplomatie/Botschaft"


def test_rank_lists_only_matching_tags() -> None:
    """Tags unlike the query are filtered out, not just sorted last."""
    assert rank_tags("zz", TAGS) == []
    assert [c.path for c in rank_tags("dipl", TAGS)] == ["Politik/Diplomatie"]


def test_choose_new_tag_when_no_good_match() -> None:
    """A query unlike every tag defaults to creating it."""
    rows, current = choose_rows("Abraham Accords", TAGS)
    assert rows[current].tag_id == 0 and rows[current].path == "Abraham Accords"


def test_choose_exact_path_match_wins_case_insensitively() -> None:
    """Typing an existing path in other case picks that tag and offers no duplicate."""
    rows, current = choose_rows("economy/energy", TAGS)
    assert rows[current].tag_id == 2
    assert all(r.tag_id for r in rows)


def test_choose_exact_leaf_name_wins_over_new() -> None:
    """Typing a leaf name ('Gas') picks the tag with that name."""
    rows, current = choose_rows("gas", TAGS)
    assert rows[current].tag_id == 4


def test_normalise_path_trims_parts() -> None:
    """Spaces around and empty path parts are dropped."""
    assert normalise_path(" Economy / Energy /") == "Economy/Energy"


@pytest.fixture
def article(notebook, tmp_path, import_text):
    return notebook.articles.get(import_text("a.txt", TEXT).id)


@pytest.fixture
def area(qtbot, notebook, article):
    widget = ReaderArea(NotebookController(notebook))
    qtbot.addWidget(widget)
    widget.resize(800, 500)
    widget.show()
    widget.open_article(article.id)
    return widget


def _select(area: ReaderArea, text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    end = start + len(needle)
    view = area.current_view()
    cursor = view.textCursor()
    cursor.setPosition(view.positions.to_qt(start))
    cursor.setPosition(view.positions.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    return start, end


def _type_tag(qtbot, area: ReaderArea, typed: str, key=Qt.Key.Key_Return) -> None:
    area.quick_tag()
    popup = area.quick_tag_popup()
    assert popup is not None and popup.parent() is area
    qtbot.keyClicks(popup.edit, typed)
    qtbot.keyClick(popup.edit, key)


def test_quick_tag_creates_tag_and_highlight_on_emoji_selection(qtbot, area, article,
                                                                notebook) -> None:
    """Select text with emoji and a combining mark, type a new tag, Enter: exact span."""
    start, end = _select(area, article.text, "😀. Familie 👩\u200d👩\u200d👧 und x\u0301")
    _type_tag(qtbot, area, "Politik/Familie")
    [highlight] = notebook.annotations.highlights_for(article.id)
    assert (highlight.start, highlight.end) == (start, end)
    assert highlight.exact == article.text[start:end]
    assert [notebook.tags.get(t).path for t in highlight.tag_ids] == ["Politik/Familie"]
    assert area.current_view().highlight_ids_at(start) == [highlight.id]


@pytest.mark.parametrize("key", [Qt.Key.Key_Down, Qt.Key.Key_Tab])
def test_quick_tag_partial_name_then_down_or_tab_uses_existing_tag(qtbot, area, article,
                                                                   notebook, key) -> None:
    """Typing part of a tag's name, then Down (or Tab to complete), tags with that tag."""
    tag, _ = notebook.tags.ensure("Economy/Energy")
    before = len(notebook.tags.list())
    _select(area, article.text, "Energie")
    area.quick_tag()
    popup = area.quick_tag_popup()
    qtbot.keyClicks(popup.edit, "energ")
    qtbot.keyClick(popup.edit, key)
    qtbot.keyClick(popup.edit, Qt.Key.Key_Return)
    [highlight] = notebook.annotations.highlights_for(article.id)
    assert highlight.tag_ids == (tag.id,)
    assert len(notebook.tags.list()) == before


def test_quick_tag_new_child_path_is_created_not_its_parent(qtbot, area, article,
                                                              notebook) -> None:
    """Ctrl+T, 'Diplomatie/Botschaft', Enter with 'Diplomatie' existing: the child is applied."""
    parent, _ = notebook.tags.ensure("Diplomatie")
    _select(area, article.text, "Flagge")
    _type_tag(qtbot, area, "Diplomatie/Botschaft")
    [highlight] = notebook.annotations.highlights_for(article.id)
    [tag_id] = highlight.tag_ids
    child = notebook.tags.get(tag_id)
    assert child.path == "Diplomatie/Botschaft" and child.parent_id == parent.id


def test_quick_tag_clears_the_selection_so_the_colour_shows(qtbot, area, article,
                                                            notebook) -> None:
    """After tagging, the reader's selection is gone (the highlight colour is visible)."""
    _select(area, article.text, "Gas")
    _type_tag(qtbot, area, "Energie")
    assert not area.current_view().textCursor().hasSelection()


def test_quick_tag_on_existing_span_adds_tag_to_it(qtbot, area, article, notebook) -> None:
    """When the selection equals a highlight, the tag goes onto that highlight."""
    start, end = _select(area, article.text, "Flagge")
    existing, _ = notebook.annotations.add(article.id, start, end)
    _type_tag(qtbot, area, "Symbole")
    [highlight] = notebook.annotations.highlights_for(article.id)
    assert highlight.id == existing.id and len(highlight.tag_ids) == 1


def test_quick_tag_escape_cancels(qtbot, area, article, notebook) -> None:
    """Escape closes the popup without tagging anything."""
    _select(area, article.text, "Gas")
    _type_tag(qtbot, area, "Energie", key=Qt.Key.Key_Escape)
    assert notebook.annotations.highlights_for(article.id) == []
    assert area.quick_tag_popup().is_done


def test_quick_tag_second_enter_is_ignored(qtbot, area, article, notebook) -> None:
    """Enter pressed twice still makes one highlight."""
    _select(area, article.text, "Gas")
    _type_tag(qtbot, area, "Energie")
    qtbot.keyClick(area.quick_tag_popup().edit, Qt.Key.Key_Return)
    area.quick_tag_popup().accept_current()
    assert len(notebook.annotations.highlights_for(article.id)) == 1


def test_quick_tag_is_one_undo_step(qtbot, area, article, notebook) -> None:
    """One undo removes the highlight and the tag the popup created."""
    _select(area, article.text, "Zweite")
    _type_tag(qtbot, area, "Neu")
    assert notebook.history.undo_label == "add tag 'Neu'"
    area._controller.undo()
    assert notebook.annotations.highlights_for(article.id) == []
    assert all(t.path != "Neu" for t in notebook.tags.list())


def test_quick_tag_without_selection_opens_nothing(area) -> None:
    """With no selection there is nothing to tag and no popup."""
    area.quick_tag()
    assert area.quick_tag_popup() is None


def test_quick_tag_arrow_keys_choose_another_row(qtbot, area, article, notebook) -> None:
    """Down moves from the default row to the next one, which Enter then takes."""
    notebook.tags.ensure("Alpha")
    notebook.tags.ensure("Beta")
    _select(area, article.text, "Zeile")
    area.quick_tag()
    popup = area.quick_tag_popup()
    qtbot.keyClick(popup.edit, Qt.Key.Key_Down)
    qtbot.keyClick(popup.edit, Qt.Key.Key_Return)
    [highlight] = notebook.annotations.highlights_for(article.id)
    assert [notebook.tags.get(t).path for t in highlight.tag_ids] == ["Beta"]
