"""Tests for reading in the reader: paragraph spacing and headings (issue 11, item 4),
shown through formats only, never by changing the text or its offsets."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtGui import QFont, QTextCursor, QTextFormat

from app.gui.reader.structure import is_heading_block, is_heading_text, structure_of
from app.gui.reader.view import ReaderView

# One paragraph per line, as the German seeds are stored.
RUN_TOGETHER = (
    "US-Präsident Donald Trump kündigte an, dass er Tokajew einladen werde.\n"
    "Die Einladung unterstreicht Washingtons wachsenden Fokus auf Zentralasien.\n"
    "Trump veröffentlichte auf seiner Plattform eine Nachricht.\n"
)
# Blank lines between paragraphs, a headline and a subheading.
WITH_HEADINGS = (
    "Amerikanisches Investment im kasachischen Bergbau\n"
    "\n"
    "Am späten Abend verkündete die US-Regierung neue Wirtschaftsabkommen.\n"
    "\n"
    "Symbolischer Schritt: Kasachstan tritt bei\n"
    "\n"
    "Darüber hinaus kündigte die Regierung an, mehr zu investieren.\n"
)


@pytest.fixture
def reader(qtbot, controller):
    view = ReaderView(controller)
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    qtbot.waitExposed(view)
    return view


def _block_rect(view: ReaderView, number: int):
    document = view.document()
    return document.documentLayout().blockBoundingRect(document.findBlockByNumber(number))


def _stored_text_of(view: ReaderView) -> str:
    return view.document().toRawText().replace("\u2029", "\n")


def test_heading_text_is_short_and_does_not_end_like_a_sentence() -> None:
    """Short lines without final punctuation are heading text; sentences are not."""
    assert is_heading_text("Symbolischer Schritt: Kasachstan tritt bei")
    assert is_heading_text("„C5+1“-Gipfel in Washington")
    assert not is_heading_text("Die Reise findet statt.")
    assert not is_heading_text("Er sagte: „Wir kommen.“")
    assert not is_heading_text("-2.4")
    assert not is_heading_text("Wort " * 30)


def test_structure_finds_headings_only_between_blank_lines_or_as_the_title() -> None:
    """Standalone short lines and the title line are headings; furniture lines that run
    into the next line are not."""
    text = "back to top\nEurope\nSunday\n\nTrump lädt ein\n\nEr schrieb das.\nEnde ohne Punkt"
    structure = structure_of(text, title="")
    lines = text.split("\n")
    assert [lines[i] for i in structure.heading_lines] == ["Trump lädt ein"]
    titled = structure_of("Vorspann.\nDer Titel der Seite\nText danach.", "Der Titel der Seite")
    assert titled.heading_lines == (1,)


def test_single_newline_paragraphs_are_spaced_without_changing_the_text(
        reader, import_text) -> None:
    """Paragraphs stored one per line get space below them; the document holds exactly the
    stored text, so every offset (and a highlight's words) stays the same."""
    article = import_text("lauf.txt", RUN_TOGETHER)
    reader.load_article(article.id)
    document = reader.document()
    assert _stored_text_of(reader) == article.text
    assert reader.positions.matches(document)
    for number in range(3):
        assert document.findBlockByNumber(number).blockFormat().bottomMargin() > 0
    first, second = _block_rect(reader, 0), _block_rect(reader, 1)
    gap = second.top() - (first.top() + document.findBlockByNumber(0).layout().boundingRect()
                          .height())
    assert gap > 4  # visibly apart, not run together
    start = article.text.index("Die Einladung")
    reader.select_span(start, start + len("Die Einladung"))
    assert reader.textCursor().selectedText() == "Die Einladung"


def test_headings_are_bold_and_larger_and_blank_line_paragraphs_keep_their_blocks(
        reader, import_text) -> None:
    """Headline and subheading lines are bold and larger; paragraphs already separated by
    blank lines get no extra margin; the text is unchanged."""
    article = import_text("bergbau.txt", WITH_HEADINGS)
    reader.load_article(article.id)
    document = reader.document()
    assert _stored_text_of(reader) == article.text
    assert is_heading_block(document, 0) and is_heading_block(document, 4)
    assert not is_heading_block(document, 2) and not is_heading_block(document, 6)
    heading_format = document.findBlockByNumber(4).begin().fragment().charFormat()
    assert heading_format.fontWeight() >= QFont.Weight.Bold
    assert heading_format.intProperty(QTextFormat.Property.FontSizeAdjustment) == 1
    heading_line = document.findBlockByNumber(4).layout().lineAt(0).height()
    body_line = document.findBlockByNumber(6).layout().lineAt(0).height()
    assert heading_line > body_line
    assert document.findBlockByNumber(2).blockFormat().bottomMargin() == 0


def test_a_highlight_on_a_heading_keeps_its_span_and_the_heading_its_font(
        reader, controller, import_text) -> None:
    """Highlighting heading words draws over the heading font and keeps exact offsets."""
    article = import_text("bergbau.txt", WITH_HEADINGS)
    start = article.text.index("Kasachstan tritt")
    end = start + len("Kasachstan tritt")
    nb = controller.nb
    highlight, _ = controller.edit(lambda: nb.annotations.add(article.id, start, end))
    reader.load_article(article.id)
    assert reader.highlight_ids_at(start) == [highlight.id]
    assert not reader.highlight_ids_at(end)
    cursor = QTextCursor(reader.document())
    cursor.setPosition(reader.positions.to_qt(start) + 1)
    assert cursor.charFormat().fontWeight() >= QFont.Weight.Bold


def test_reloading_another_article_drops_the_previous_formats(reader, import_text) -> None:
    """Spacing and headings belong to one article: the next one starts plain."""
    spaced = import_text("lauf.txt", RUN_TOGETHER)
    plain = import_text("plain.txt", "Nur ein Satz hier.\n\nUnd noch einer.\n")
    reader.load_article(spaced.id)
    reader.load_article(plain.id)
    document = reader.document()
    assert document.findBlockByNumber(0).blockFormat().bottomMargin() == 0
    assert not is_heading_block(document, 0)


def test_german_seed_paragraphs_are_spaced_in_the_demo(qtbot, demo_notebook) -> None:
    """The demo's German seed stored one paragraph per line shows its paragraphs apart."""
    from app.gui.common.controller import NotebookController

    view = ReaderView(NotebookController(demo_notebook))
    qtbot.addWidget(view)
    ids = [s.id for s in demo_notebook.articles.list(limit=50).items]
    article_id = next(i for i in ids  # the Euronews page on Trump's call with Tokajew
                      if "Veröffentlicht am" in demo_notebook.articles.get(i).text)
    view.load_article(article_id)
    document = view.document()
    assert document.blockCount() > 5
    assert all(document.findBlockByNumber(n).blockFormat().bottomMargin() > 0
               for n in range(document.blockCount()))
    assert _stored_text_of(view) == view.text


def test_a_long_article_with_highlights_is_laid_out_to_its_end(
        qtbot, reader, controller, import_text) -> None:
    """Qt's lazy layout stops once on-screen highlights re-lay blocks out; the reader
    carries on in the background, so the scroll range reaches the last line."""
    lines = [f"Absatz {i}: Energie und Gas aus Kasachstan, Gespräch Nummer {i}, „Zitat“."
             for i in range(1500)]
    article = import_text("lang.txt", "\n".join(lines))
    nb = controller.nb
    for i in range(0, 12, 2):  # on the first screen: formatted as the article opens
        start = article.text.index(f"Absatz {i}:")
        controller.edit(lambda s=start: nb.annotations.add(article.id, s, s + 20))
    reader.load_article(article.id)
    document = reader.document()
    qtbot.waitUntil(lambda: document.lastBlock().layout().lineCount() > 0, timeout=20_000)
    bar = reader.verticalScrollBar()
    bar.setValue(bar.maximum())
    last = document.documentLayout().blockBoundingRect(document.lastBlock())
    assert bar.value() + reader.viewport().height() >= last.bottom() - 1
