"""Search panel: escaped snippets with marks, inline syntax errors, opening results."""

from __future__ import annotations

import os
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.core.errors import Cancelled
from app.core.ids import ArticleId
from app.core.progress import ProgressEvent, no_progress
from app.core.records import SearchHit
from app.gui.common.controller import NotebookController
from app.gui.search.panel import MARK_STYLE, SearchPanel, hit_html, marked_html


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
    from app.gui.common.controller import NotebookController
    from app.gui.search.panel import SearchPanel

    monkeypatch.setattr(SearchPanel, "PAGE_SIZE", 2)
    panel = SearchPanel(NotebookController(demo_notebook))
    qtbot.addWidget(panel)
    panel.show()
    total = demo_notebook.notes.search_all("Tokajew").total
    assert total > 2
    panel.query_edit.setText("Tokajew")
    QTest.keyClick(panel.query_edit, Qt.Key.Key_Return)
    assert panel.wait()
    assert panel.results.count() == 2 and panel.more_button.isVisible()
    QTest.mouseClick(panel.more_button, Qt.MouseButton.LeftButton)
    assert panel.wait()
    assert panel.results.count() == min(4, total)
    ids = [(panel.hit_at(i).kind, panel.hit_at(i).article_id)
           for i in range(panel.results.count())]
    assert len(set(ids)) == len(ids)


@pytest.fixture
def controller(demo_notebook):
    return NotebookController(demo_notebook)


@pytest.fixture
def panel(qtbot, controller):
    widget = SearchPanel(controller)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _search(panel: SearchPanel, query: str) -> list[SearchHit]:
    panel.query_edit.setText(query)
    QTest.keyClick(panel.query_edit, Qt.Key.Key_Return)
    assert panel.wait()
    return [panel.hit_at(i) for i in range(panel.results.count())]


def _keys(hits) -> list[tuple[str, int]]:
    return [(h.kind, int(h.article_id)) for h in hits]


def test_hit_html_shows_kind_badge_when_hit_is_note_or_article():
    """Every result starts with a badge naming its kind."""
    article = SearchHit(ArticleId(1), "T", "", "de", "", 1.0, "s", (), ())
    note = SearchHit(ArticleId(2), "N", "Note", "", "", 1.0, "s", (), (), kind="note",
                     note_id=2)
    assert ">&nbsp;Article&nbsp;</span> <b>T</b>" in hit_html(article)
    assert ">&nbsp;Note&nbsp;</span> <b>N</b>" in hit_html(note)


def test_results_list_articles_and_notes_when_filter_is_all(panel, demo_notebook):
    """One query finds the demo's articles and notes, ranked together as the service does."""
    hits = _search(panel, "Tokajew")
    expected = demo_notebook.notes.search_all("Tokajew", 0, SearchPanel.PAGE_SIZE)
    assert _keys(hits) == _keys(expected.hits)
    assert {h.kind for h in hits} == {"article", "note"}
    for row, hit in enumerate(hits):
        badge = "Note" if hit.kind == "note" else "Article"
        assert f"&nbsp;{badge}&nbsp;" in panel.results.item(row).text()


def test_filter_narrows_results_to_notes_or_articles(panel, demo_notebook):
    """Choosing Notes or Articles re-runs the query for that kind only."""
    _search(panel, "Tokajew OR Wolfram")
    panel.set_filter("Notes")
    assert panel.wait()
    notes = [panel.hit_at(i) for i in range(panel.results.count())]
    expected = demo_notebook.notes.search("Tokajew OR Wolfram")
    assert notes and {h.kind for h in notes} == {"note"}
    assert sorted(h.note_id for h in notes) == sorted(h.note_id for h in expected.hits)
    assert panel.status_label.text().startswith(f"{expected.total} ")
    panel.set_filter("Articles")
    assert panel.wait()
    articles = [panel.hit_at(i) for i in range(panel.results.count())]
    assert articles and {h.kind for h in articles} == {"article"}
    assert len(articles) == min(SearchPanel.PAGE_SIZE,
                                demo_notebook.search.search("Tokajew OR Wolfram",
                                                            kinds=("article",)).total)


def test_activating_note_hit_emits_open_note_not_open_hit(panel, qtbot):
    """Enter on a note result asks for the note, never for an article with that id."""
    panel.set_filter("Notes")
    hits = _search(panel, "Tokajew")
    assert hits and hits[0].kind == "note"
    articles_opened: list[int] = []
    panel.openHit.connect(articles_opened.append)
    panel.results.setFocus()
    panel.results.setCurrentRow(0)
    with qtbot.waitSignal(panel.openNote) as opened:
        QTest.keyClick(panel.results, Qt.Key.Key_Return)
    assert opened.args == [hits[0].note_id] and articles_opened == []


def test_activating_article_hit_still_emits_open_hit(panel, qtbot):
    """Article results keep opening the reader at their hits."""
    panel.set_filter("Articles")
    hits = _search(panel, "Tokajew")
    with qtbot.waitSignal(panel.openHit) as opened:
        panel.activate_current()
    assert opened.args == [hits[0].article_id, tuple(hits[0].hit_spans)]


def test_deleted_note_drops_only_its_result(panel, controller, demo_notebook):
    """Deleting a note removes its result; an article with the same id stays."""
    hits = _search(panel, "Tokajew")
    note = next(h for h in hits if h.kind == "note")
    before = _keys(hits)
    controller.edit(lambda: demo_notebook.notes.delete(note.note_id))
    after = _keys(panel.hit_at(i) for i in range(panel.results.count()))
    assert after == [k for k in before if k != ("note", note.note_id)]


def test_bad_query_shows_inline_error_for_notes_too(panel):
    """A malformed query shows a message under the box, whatever the filter."""
    panel.set_filter("Notes")
    _search(panel, '"unclosed')
    assert panel.error_text.startswith("Cannot read this query") and not panel.results.count()


def test_main_window_opens_note_hit_in_notes_view(qtbot, controller, demo_notebook, make_window):
    """In the window, a note result opens the notes view on that note, not a reader."""

    window = make_window(controller)
    window.show()
    window.search_panel.set_filter("Notes")
    hits = _search(window.search_panel, "Wolfram")
    assert hits and hits[0].kind == "note"
    window.search_panel.activate_current()
    assert window.notes_view.note_id() == hits[0].note_id
    assert window.notes_dock.isVisible()
    assert window.current_article_id() == 0


def test_ctrl_enter_opens_an_article_result_in_a_new_pane(qtbot, controller, demo_notebook,
                                                          tmp_path, make_window):
    """With a reader open, Ctrl+Enter on a result (or its menu's "Open in New Pane") opens
    it beside, scrolled to the hit; a note result's menu offers no new pane."""
    from PySide6.QtTest import QTest


    window = make_window(controller)
    window.show()
    window.search_panel.set_filter("Articles")
    hits = _search(window.search_panel, "Tokajew")
    assert len(hits) >= 2
    window.search_panel.activate_current()
    assert window.reader_area.open_article_ids() == [hits[0].article_id]
    window.search_panel.results.setCurrentRow(1)
    window.search_panel.results.setFocus()
    QTest.keyClick(window.search_panel.results, Qt.Key.Key_Return,
                   Qt.KeyboardModifier.ControlModifier)
    assert window.reader_area.open_article_ids() == [hits[0].article_id, hits[1].article_id]
    menu = window.search_panel.results_menu()
    assert [a.text() for a in menu.actions()] == ["&Open", "Open in &New Pane"]
    window.search_panel.set_filter("Notes")
    _search(window.search_panel, "Wolfram")
    beside = window.search_panel.results_menu().actions()[1]
    assert not beside.isEnabled()


def _blocking_search(monkeypatch, notebook, release: threading.Event, seen: list):
    """Replace the notes search with one that reports index progress, then waits for
    ``release`` (or for its cancel token), recording the thread and query it ran with."""
    real = notebook.notes.search_all

    def search_all(query, offset=0, limit=20, kinds=("article", "note"),
                   progress=no_progress, cancel=None):
        seen.append((query, threading.current_thread()))
        progress(ProgressEvent(3, 10, "documents"))
        while not release.wait(0.01):
            if cancel is not None and cancel.is_cancelled:
                raise Cancelled("indexing cancelled; the rest stays queued")
        return real(query, offset, limit, kinds)

    monkeypatch.setattr(notebook.notes, "search_all", search_all)


def test_search_runs_off_gui_thread_with_progress_and_cancel(panel, demo_notebook,
                                                             monkeypatch, qtbot):
    """A long search (an index rebuilt first) leaves the GUI responsive, shows a progress
    bar with Cancel, and Cancel stops it with a message and no stale results."""
    release, seen = threading.Event(), []
    _blocking_search(monkeypatch, demo_notebook, release, seen)
    panel.query_edit.setText("Tokajew")
    QTest.keyClick(panel.query_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.progress_bar.isVisible(), timeout=10_000)
    assert seen[0][1] is not threading.main_thread()
    assert panel.cancel_button.isVisible() and panel.is_searching
    assert (panel.progress_bar.value(), panel.progress_bar.maximum()) == (3, 10)
    QTest.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert panel.wait()
    assert panel.status_label.text() == "Search cancelled"
    assert panel.results.count() == 0 and not panel.progress_bar.isVisible()


def test_newer_query_supersedes_running_search(panel, demo_notebook, monkeypatch, qtbot):
    """Two queries in a row: only the second one's results are shown."""
    release, seen = threading.Event(), []
    _blocking_search(monkeypatch, demo_notebook, release, seen)
    panel.query_edit.setText("Wolfram")
    QTest.keyClick(panel.query_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=10_000)
    panel.query_edit.setText("Tokajew")
    QTest.keyClick(panel.query_edit, Qt.Key.Key_Return)
    release.set()
    assert panel.wait()
    assert [query for query, _thread in seen] == ["Wolfram", "Tokajew"]
    expected = demo_notebook.notes.search_all("Tokajew", 0, SearchPanel.PAGE_SIZE)
    assert _keys(panel.hit_at(i) for i in range(panel.results.count())) == _keys(expected.hits)
    assert panel.status_label.text().startswith(f"{expected.total} ")
