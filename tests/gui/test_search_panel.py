"""Search panel: escaped snippets with marks, inline syntax errors, opening results."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.core.ids import ArticleId
from app.core.records import SearchHit
from app.gui.search_panel import MARK_STYLE, hit_html, marked_html


def test_marked_html_escapes_text_when_snippet_has_markup():
    """Angle brackets and ampersands in article text become entities, marks stay spans."""
    html = marked_html("<b>Tokayev</b> & Co", [(3, 10)])
    assert html == f'&lt;b&gt;<span style="{MARK_STYLE}">Tokayev</span>&lt;/b&gt; &amp; Co'


def test_marked_html_counts_code_points_when_text_has_emoji():
    """Marks are code-point spans: an emoji before a hit does not shift it."""
    html = marked_html("😀 Abkommen", [(2, 10)])
    assert html.endswith(f'<span style="{MARK_STYLE}">Abkommen</span>')


def test_marked_html_clips_marks_when_overlapping_or_out_of_range():
    """Overlapping and out-of-range marks never produce broken or duplicated text."""
    html = marked_html("abcdef", [(0, 3), (2, 5), (4, 99)])
    plain = html.replace(f'<span style="{MARK_STYLE}">', "").replace("</span>", "")
    assert plain == "abcdef"
    assert html.count("<span") == 3


def test_hit_html_escapes_title_when_title_has_markup():
    """A result's title and source are escaped too."""
    hit = SearchHit(ArticleId(1), "<script>x</script>", "A&B", "de", "2025", 1.0, "s", (), ())
    html = hit_html(hit)
    assert "<script>" not in html and "&lt;script&gt;" in html and "A&amp;B" in html


def test_more_results_appended_when_more_clicked(qtbot, demo_notebook, monkeypatch):
    """With more hits than a page, 'Show more results' appends the next page."""
    from app.gui.controller import NotebookController
    from app.gui.search_panel import SearchPanel

    monkeypatch.setattr(SearchPanel, "PAGE_SIZE", 2)
    panel = SearchPanel(NotebookController(demo_notebook))
    qtbot.addWidget(panel)
    panel.show()
    total = demo_notebook.search.search("Tokajew").total
    assert total > 2
    panel.query_edit.setText("Tokajew")
    QTest.keyClick(panel.query_edit, Qt.Key.Key_Return)
    assert panel.results.count() == 2 and panel.more_button.isVisible()
    QTest.mouseClick(panel.more_button, Qt.MouseButton.LeftButton)
    assert panel.results.count() == min(4, total)
    ids = [panel.hit_at(i).article_id for i in range(panel.results.count())]
    assert len(set(ids)) == len(ids)
