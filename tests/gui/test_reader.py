"""Tests for app.gui.reader.view: one pane drawing a real notebook's highlights."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat, QTextCursor

from app.gui.reader.view import ReaderView

TEXT = (
    "„Grüß Gott“ 😀. Familie 👩\u200d👩\u200d👧 und x\u0301 Energie.\n"
    "Zweite Zeile mit 🇩🇪 Flagge und Gas.\n"
    "שלום עולם and the third line.\n"
)


@pytest.fixture
def article(notebook, tmp_path, import_text):
    return import_text("a.txt", TEXT)


@pytest.fixture
def view(qtbot, controller, article):
    reader = ReaderView(controller)
    qtbot.addWidget(reader)
    reader.resize(700, 400)
    reader.show()
    reader.load_article(article.id)
    return reader


def _span(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def _select(view: ReaderView, start: int, end: int) -> None:
    cursor = view.textCursor()
    cursor.setPosition(view.positions.to_qt(start))
    cursor.setPosition(view.positions.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)


def _format_at(view: ReaderView, cp: int) -> QTextCharFormat:
    """The highlighter's format covering code point ``cp`` (empty format if none)."""
    pos = view.positions.to_qt(cp)
    block = view.document().findBlock(pos)
    for fmt_range in block.layout().formats():
        if fmt_range.start <= pos - block.position() < fmt_range.start + fmt_range.length:
            return QTextCharFormat(fmt_range.format)
    return QTextCharFormat()


def _add(controller, article_id: int, start: int, end: int, colour: str = "") -> int:
    nb = controller.nb
    highlight, _ = controller.edit(lambda: nb.annotations.add(article_id, start, end,
                                                             colour=colour))
    return highlight.id


def test_load_article_shows_text_and_maps_positions(view, article) -> None:
    """The stored text is shown and its position map matches the document."""
    assert view.text == article.text
    assert view.positions.matches(view.document())


def test_existing_highlight_drawn_at_mapped_positions_on_open(controller, article, qtbot) -> None:
    """A highlight made before opening covers exactly its code points, in its colour."""
    start, end = _span(article.text, "Familie 👩\u200d👩\u200d👧")
    controller.nb.annotations.add(article.id, start, end, colour="#ff0000")
    reader = ReaderView(controller)
    qtbot.addWidget(reader)
    reader.load_article(article.id)
    assert reader.highlight_ids_at(start) and reader.highlight_ids_at(end - 1)
    assert not reader.highlight_ids_at(start - 1) and not reader.highlight_ids_at(end)
    colour = _format_at(reader, start).background().color()
    assert colour.red() > colour.blue() and colour.red() > colour.green()
    assert _format_at(reader, end - 1).hasProperty(QTextCharFormat.Property.BackgroundBrush)
    assert not _format_at(reader, end).hasProperty(QTextCharFormat.Property.BackgroundBrush)


def test_selected_span_with_emoji_is_code_points(view, article) -> None:
    """A Qt selection across emoji and a combining mark reports code-point offsets."""
    start, end = _span(article.text, "😀. Familie 👩\u200d👩\u200d👧 und x\u0301")
    _select(view, start, end)
    assert view.selected_span() == (start, end)


def test_add_highlight_redraws_only_its_blocks_when_edited(view, controller, article,
                                                           monkeypatch) -> None:
    """Adding a highlight re-runs rehighlightBlock on its block only, never rehighlight()."""
    redrawn: list[int] = []
    monkeypatch.setattr(view.renderer, "rehighlightBlock",
                        lambda block: redrawn.append(block.blockNumber()))
    monkeypatch.setattr(view.renderer, "rehighlight", lambda: redrawn.append(-1))
    start, end = _span(article.text, "Flagge")
    _add(controller, article.id, start, end)
    assert redrawn == [1]


def test_added_highlight_appears_and_undo_removes_it(view, controller, article) -> None:
    """A highlight added through the controller is drawn; undo takes it away again."""
    start, end = _span(article.text, "Energie")
    highlight_id = _add(controller, article.id, start, end)
    assert view.highlight_ids_at(start) == [highlight_id]
    controller.undo()
    assert view.highlight_ids_at(start) == []
    controller.redo()
    assert len(view.highlight_ids_at(start)) == 1


def test_deleted_highlight_disappears(view, controller, article) -> None:
    """Deleting a highlight through the services removes its mark and formats."""
    start, end = _span(article.text, "Gas")
    highlight_id = _add(controller, article.id, start, end)
    nb = controller.nb
    controller.edit(lambda: nb.annotations.delete(highlight_id))
    assert view.highlight_ids_at(start) == []
    assert not _format_at(view, start).hasProperty(QTextCharFormat.Property.BackgroundBrush)


def test_overlap_gets_blended_background_and_dotted_underline(view, controller, article) -> None:
    """Where two highlights overlap the segment is underlined and coloured unlike either."""
    a0, a1 = _span(article.text, "Zweite Zeile")
    b0, b1 = _span(article.text, "Zeile mit")
    _add(controller, article.id, a0, a1, colour="#ff0000")
    _add(controller, article.id, b0, b1, colour="#0000ff")
    only_a, both, only_b = _format_at(view, a0), _format_at(view, b0), _format_at(view, b1 - 1)
    assert both.underlineStyle() == QTextCharFormat.UnderlineStyle.DotLine
    assert only_a.underlineStyle() != QTextCharFormat.UnderlineStyle.DotLine
    colours = {f.background().color().name() for f in (only_a, both, only_b)}
    assert len(colours) == 3


def test_overlaps_get_separate_margin_lanes(view, controller, article) -> None:
    """Two overlapping highlights occupy two margin lanes; disjoint ones share one."""
    a0, a1 = _span(article.text, "Zweite Zeile")
    b0, b1 = _span(article.text, "Zeile mit")
    first = _add(controller, article.id, a0, a1)
    second = _add(controller, article.id, b0, b1)
    lanes = view.renderer.index.lanes()
    assert {lanes[first], lanes[second]} == {0, 1}
    assert view.margin_bar().lanes_shown() == 2
    c0, c1 = _span(article.text, "third")
    third = _add(controller, article.id, c0, c1)
    assert view.renderer.index.lanes()[third] == 0


def test_click_on_overlap_activates_innermost_highlight(view, controller, article, qtbot) -> None:
    """Clicking inside nested highlights emits the id of the shortest one."""
    outer = _add(controller, article.id, *_span(article.text, "Zweite Zeile mit"))
    inner = _add(controller, article.id, *_span(article.text, "Zeile"))
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.positions.to_qt(article.text.index("Zeile") + 2))
    point = view.cursorRect(cursor).center()
    with qtbot.waitSignal(view.highlightActivated) as signal:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert signal.args == [inner]
    assert outer != inner


def test_click_outside_highlights_activates_none(view, article, qtbot) -> None:
    """A click on plain text emits 0."""
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.positions.to_qt(article.text.index("third") + 2))
    with qtbot.waitSignal(view.highlightActivated) as signal:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                         pos=view.cursorRect(cursor).center())
    assert signal.args == [0]


def test_enter_activates_highlight_at_caret(view, controller, article, qtbot) -> None:
    """Keyboard users activate the highlight under the caret with Enter."""
    start, end = _span(article.text, "Energie")
    highlight_id = _add(controller, article.id, start, end)
    _select(view, start + 1, start + 1)
    with qtbot.waitSignal(view.highlightActivated) as signal:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert signal.args == [highlight_id]


def test_tag_colour_change_recolours_highlight(view, controller, article) -> None:
    """Changing a tag's colour redraws highlights carrying that tag."""
    start, end = _span(article.text, "Energie")
    nb = controller.nb
    controller.edit(lambda: nb.annotations.tag_passage(article.id, start, end, "Energie"))
    tag = next(t for t in nb.tags.list() if t.path == "Energie")
    before = _format_at(view, start).background().color().name()
    controller.edit(lambda: nb.tags.set_colour(tag.id, "#0000ff"))
    after = _format_at(view, start).background().color()
    assert after.name() != before and after.blue() > after.red()


def test_find_selects_matches_case_insensitively_and_wraps(view, article) -> None:
    """find() walks through matches in code points and wraps to the first."""
    matches = [i for i in range(len(article.text)) if article.text.startswith("line", i)]
    assert view.find("LINE")
    first = view.selected_span()
    assert first == (matches[0], matches[0] + 4)
    assert view.find("LINE")
    assert view.selected_span() == first
    assert view.find_match_count() == 1
    assert len(view.extraSelections()) == 1


def test_find_after_emoji_selects_exact_code_points(view, article) -> None:
    """A match after astral characters is selected at the right code points."""
    assert view.find("flagge")
    assert view.selected_span() == _span(article.text, "Flagge")
    assert view.find("flagge", backward=True)
    assert not view.find("not in the text")


def test_hits_cycle_forward_and_backward(view, article) -> None:
    """Search hits are visited in order and wrap around both ways."""
    spans = [_span(article.text, "Grüß"), _span(article.text, "Gas"), _span(article.text, "and")]
    view.set_hits(spans)
    assert view.hit_count() == 3 and view.current_hit() == 0
    view.next_hit()
    view.next_hit()
    view.next_hit()
    assert view.current_hit() == 0
    view.previous_hit()
    assert view.current_hit() == 2
    view.viewport().repaint()


def test_deleted_article_empties_view(view, controller, article) -> None:
    """Deleting the shown article clears the pane."""
    nb = controller.nb
    controller.edit(lambda: nb.articles.delete([article.id]))
    assert view.article_id == 0 and view.text == ""


@pytest.fixture
def long_article(notebook, tmp_path):
    lines = [f"Absatz {i}: Energie und Gas aus Kasachstan, 😀 Gespräch Nummer {i}."
             for i in range(400)]
    path = tmp_path / "long.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return notebook.articles.get(notebook.imports.import_paths([path]).imported[0].id)


def test_open_formats_only_visible_blocks_when_article_is_long(controller, long_article,
                                                              qtbot) -> None:
    """Opening a long article draws the highlights on screen and defers the rest."""
    text = long_article.text
    first = _span(text, "Absatz 1:")
    last = _span(text, "Absatz 398:")
    for start, end in (first, last):
        controller.nb.annotations.add(long_article.id, start, end, colour="#ff0000")
    reader = ReaderView(controller)
    qtbot.addWidget(reader)
    reader.resize(600, 300)
    reader.show()
    reader.load_article(long_article.id)
    assert _format_at(reader, first[0]).hasProperty(QTextCharFormat.Property.BackgroundBrush)
    assert 398 in reader.renderer.stale_blocks()
    assert not _format_at(reader, last[0]).hasProperty(QTextCharFormat.Property.BackgroundBrush)


def test_scrolled_into_view_block_gets_highlight_when_article_is_long(controller, long_article,
                                                                     qtbot) -> None:
    """A highlight far down is drawn once its paragraph scrolls into view."""
    start, end = _span(long_article.text, "Absatz 398:")
    controller.nb.annotations.add(long_article.id, start, end, colour="#ff0000")
    reader = ReaderView(controller)
    qtbot.addWidget(reader)
    reader.resize(600, 300)
    reader.show()
    reader.load_article(long_article.id)
    reader.scroll_to_span(start, end)
    assert 398 not in reader.renderer.stale_blocks()
    colour = _format_at(reader, start).background().color()
    assert colour.red() > colour.blue()
    assert reader.highlight_ids_at(start)


def test_reload_redraws_drawn_blocks_and_defers_others_when_article_is_long(
        controller, long_article, qtbot) -> None:
    """After a full reload, a removed highlight's visible block loses its format."""
    start, end = _span(long_article.text, "Absatz 2:")
    highlight, _ = controller.nb.annotations.add(long_article.id, start, end, colour="#ff0000")
    reader = ReaderView(controller)
    qtbot.addWidget(reader)
    reader.resize(600, 300)
    reader.show()
    reader.load_article(long_article.id)
    controller.nb.annotations.delete(highlight.id)
    reader.reload_highlights()
    assert not _format_at(reader, start).hasProperty(QTextCharFormat.Property.BackgroundBrush)
    assert not reader.renderer.stale_blocks() & set(reader.visible_blocks())
