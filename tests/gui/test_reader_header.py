"""A reader shows what the article is and where it is from; opened passages are centred."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from app.gui.common.controller import NotebookController
from app.gui.reader.area import ReaderArea

BODY = "\n".join(f"Absatz {n}: Kasachstan und die USA verhandeln über Wolfram." for n in range(300))


@pytest.fixture
def area(qtbot, notebook, tmp_path):
    path = tmp_path / "bericht.md"
    path.write_text("---\ntitle: Wolfram-Abkommen unterzeichnet\noutlet: Euronews\n"
                    "published: 2025-11\nurl: https://example.org/wolfram\n---\n\n" + BODY,
                    encoding="utf-8")
    article_id = notebook.imports.import_paths([path]).imported[0].id
    widget = ReaderArea(NotebookController(notebook))
    qtbot.addWidget(widget)
    widget.resize(700, 400)
    widget.show()
    qtbot.waitExposed(widget)
    return widget, notebook.articles.get(article_id)


def test_header_shows_title_outlet_date_language_and_source(area) -> None:
    """The pane's header names the article and its outlet, date, language and URL."""
    widget, article = area
    widget.open_article(article.id)
    pane = widget.panes()[0]
    assert pane.title.text() == "Wolfram-Abkommen unterzeichnet"
    line = pane.source.text()
    for part in ("Euronews", "2025-11", article.summary.language, "https://example.org/wolfram"):
        assert part in line


def test_an_opened_passage_is_centred_in_the_pane(qtbot, area) -> None:
    """Opening at a span deep in the text puts it in the middle of the view, not at an edge."""
    widget, article = area
    start = article.text.index("Absatz 200:")
    widget.open_article(article.id, scroll_to=(start, start + 9))
    qtbot.wait(20)
    view = widget.current_view()
    [rect, *_] = view.span_rects(start, start + 9)
    middle = view.verticalScrollBar().value() + view.viewport().height() / 2
    assert abs(rect.center().y() - middle) < view.viewport().height() / 6
