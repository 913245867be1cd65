"""The reader shows actor mentions and agreement evidence as such, and drags passages."""

from __future__ import annotations

import json
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QHelpEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication, QToolTip

from app.gui.annotate.highlighter import MENTION_COLOUR
from app.gui.common.controller import NotebookController
from app.gui.notes.editor import PASSAGE_MIME
from app.gui.notes.links import note_service
from app.gui.notes.view import NotesView
from app.gui.reader.view import ReaderView

TEXT = ("Präsident 😀 Tokajew traf Trump. Kasachstan kauft 37 Boeing-Jets.\n"
        "Zweite Zeile über „Wolfram“ und Abkommen.\n")


@pytest.fixture
def article_id(notebook, tmp_path, import_text):
    return import_text("a.txt", TEXT).id


def _reader(qtbot, controller, article_id: int) -> ReaderView:
    reader = ReaderView(controller)
    qtbot.addWidget(reader)
    reader.resize(700, 400)
    reader.show()
    reader.load_article(article_id)
    reader.renderer.rehighlight()
    return reader


@pytest.fixture
def view(qtbot, controller, article_id):
    return _reader(qtbot, controller, article_id)


def _span(needle: str) -> tuple[int, int]:
    start = TEXT.index(needle)
    return start, start + len(needle)


def _format_at(view: ReaderView, cp: int) -> QTextCharFormat:
    pos = view.positions.to_qt(cp)
    block = view.document().findBlock(pos)
    for fmt_range in block.layout().formats():
        if fmt_range.start <= pos - block.position() < fmt_range.start + fmt_range.length:
            return QTextCharFormat(fmt_range.format)
    return QTextCharFormat()


def _mark_actor(controller, article_id: int, needle: str, name: str):
    nb = controller.nb
    start, end = _span(needle)
    mention, _ = controller.edit(lambda: nb.actors.mark(article_id, start, end, new_name=name))
    return mention


def test_marking_an_actor_underlines_the_mention_and_names_it(view, controller,
                                                               article_id) -> None:
    """Mark as actor: solid indigo underline and the tooltip "Actor: <canonical name>"."""
    start = _span("Tokajew")[0]
    solid = QTextCharFormat.UnderlineStyle.SingleUnderline
    assert _format_at(view, start).underlineStyle() != solid
    mention = _mark_actor(controller, article_id, "Tokajew", "Kassym-Jomart Tokayev")
    fmt = _format_at(view, start + 2)
    assert fmt.underlineStyle() == solid
    assert fmt.underlineColor() == MENTION_COLOUR
    assert view.tooltip_at(start + 2) == "Actor: Kassym-Jomart Tokayev"
    assert view.mention_actor_ids(mention.highlight_id) == [mention.actor_id]
    assert view.tooltip_at(_span("Trump")[0]) == ""


def test_unmark_and_undo_update_the_open_reader(view, controller, article_id) -> None:
    """Removing the mention drops the underline; undo brings it back."""
    mention = _mark_actor(controller, article_id, "Trump", "Donald Trump")
    start = _span("Trump")[0]
    controller.edit(lambda: controller.nb.actors.unmark(mention.id))
    assert view.tooltip_at(start) == ""
    assert _format_at(view, start).underlineStyle() == QTextCharFormat.UnderlineStyle.NoUnderline
    controller.undo()
    assert view.tooltip_at(start) == "Actor: Donald Trump"
    assert _format_at(view, start).underlineColor() == MENTION_COLOUR


def test_renaming_the_actor_renames_the_tooltip(view, controller, article_id) -> None:
    """The tooltip names the actor's current canonical name."""
    mention = _mark_actor(controller, article_id, "Tokajew", "Tokajew")
    controller.edit(lambda: controller.nb.actors.update(mention.actor_id,
                                                        name="Kassym-Jomart Tokayev"))
    assert view.tooltip_at(_span("Tokajew")[0]) == "Actor: Kassym-Jomart Tokayev"


def test_evidence_gets_a_margin_marker_and_names_the_agreement(view, controller,
                                                                article_id) -> None:
    """Add as evidence: the margin marks the passage; hovering names agreement and stance."""
    nb = controller.nb
    agreement, _ = controller.edit(lambda: nb.agreements.create("Boeing purchase", "purchase"))
    start, end = _span("37 Boeing-Jets")
    evidence, _ = controller.edit(lambda: nb.agreements.cite(
        agreement.id, article_id, start, end, stance="contradicts"))
    assert view.renderer.index.get(evidence.highlight_id).is_evidence
    assert view.evidence_stance(evidence.highlight_id) == "contradicts"
    assert view.tooltip_at(start + 1) == "Evidence for „Boeing purchase“ (contradicts)"
    mark = view.renderer.index.get(evidence.highlight_id)
    top, bottom = view.mark_extent(mark)
    middle = (top + bottom) / 2 - view.verticalScrollBar().value()
    assert view.margin_bar().evidence_at(middle) == [evidence.highlight_id]
    assert view.margin_bar().sizeHint().width() > view.margin_bar()._lanes_width()
    controller.edit(lambda: nb.agreements.remove_evidence(evidence.id))
    assert not view.renderer.index.get(evidence.highlight_id).is_evidence
    assert view.margin_bar().evidence_at(middle) == []


def test_mention_and_evidence_on_one_passage_list_both(view, controller, article_id) -> None:
    """One passage naming an actor and backing an agreement shows both lines."""
    nb = controller.nb
    mention = _mark_actor(controller, article_id, "Tokajew", "Kassym-Jomart Tokayev")
    agreement, _ = controller.edit(lambda: nb.agreements.create("Abraham Accords accession"))
    controller.edit(lambda: nb.agreements.add_evidence(agreement.id, mention.highlight_id,
                                                       stance="mentions"))
    assert view.tooltip_at(_span("Tokajew")[0]).splitlines() == [
        "Actor: Kassym-Jomart Tokayev", "Evidence for „Abraham Accords accession“ (mentions)"]


def test_demo_article_opens_with_its_mentions_and_evidence(qtbot, demo_notebook) -> None:
    """Every demo mention and evidence passage is flagged when its article opens."""
    nb = demo_notebook
    controller = NotebookController(nb)
    flagged = 0
    reader = ReaderView(controller)
    qtbot.addWidget(reader)
    for article in nb.articles.list().items:
        reader.load_article(article.id)
        for mention in nb.actors.mentions_in(article.id):
            assert reader.renderer.index.get(mention.highlight_id).is_mention
            name = nb.actors.get(mention.actor_id).name
            assert f"Actor: {name}" in reader.describe(mention.highlight_id)
            flagged += 1
        for evidence in nb.agreements.evidence_in(article.id):
            assert reader.renderer.index.get(evidence.highlight_id).is_evidence
            flagged += 1
    assert flagged > 10


def test_drag_payload_carries_code_point_span_after_emoji(view, article_id) -> None:
    """The drag's MIME data has the text and the passage in code points (emoji before it)."""
    start, end = _span("Tokajew traf")
    cursor = view.textCursor()
    cursor.setPosition(view.positions.to_qt(start))
    cursor.setPosition(view.positions.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    mime = view.createMimeDataFromSelection()
    assert mime.text() == "Tokajew traf"
    assert mime.hasFormat(PASSAGE_MIME) and mime.hasHtml()
    payload = json.loads(bytes(mime.data(PASSAGE_MIME).data()).decode("utf-8"))
    assert payload == {"article_id": article_id, "start": start, "end": end}
    assert view.positions.to_qt(start) == start + 1  # the emoji is two Qt units


def test_dropping_a_reader_selection_into_a_note_cites_it(qtbot, view, controller,
                                                           article_id) -> None:
    """Reader selection -> notes editor: a highlight on exactly that span and a citation."""
    notes = note_service(controller.nb)
    notes_view = NotesView(controller)
    qtbot.addWidget(notes_view)
    notes_view.new_note("Drop")
    view.select_span(*_span("„Wolfram“"))
    notes_view.editor.insertFromMimeData(view.createMimeDataFromSelection())
    [highlight] = controller.nb.annotations.highlights_for(article_id)
    assert (highlight.start, highlight.end) == _span("„Wolfram“")
    assert notes_view.editor.toPlainText() == f"[[passage:{highlight.id}|„„Wolfram““]]"
    notes.close()


def test_no_selection_gives_no_passage(view) -> None:
    """Without a selection there is nothing to cite."""
    assert not view.createMimeDataFromSelection().hasFormat(PASSAGE_MIME)
    assert view.margin_bar().evidence_at(QPoint(0, 0).y()) == []


def test_hovering_a_mention_shows_its_tooltip(view, controller, article_id) -> None:
    """A tooltip event over the mention's text shows "Actor: <name>"."""
    _mark_actor(controller, article_id, "Tokajew", "Kassym-Jomart Tokayev")
    start = view.positions.to_qt(_span("Tokajew")[0])
    rect = view.span_rects(start + 2, start + 3)[0]
    point = rect.center().toPoint() - QPoint(view.horizontalScrollBar().value(),
                                             view.verticalScrollBar().value())
    viewport = view.viewport()
    event = QHelpEvent(QEvent.Type.ToolTip, point, viewport.mapToGlobal(point))
    QApplication.sendEvent(viewport, event)
    assert QToolTip.text() == "Actor: Kassym-Jomart Tokayev"
    QToolTip.hideText()
