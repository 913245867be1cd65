"""The window on a 1024 x 700 laptop: readers keep a readable width, long titles elide."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from app.gui.reader.pane import MIN_READER_WIDTH

LONG_TITLE = "Trump lädt Tokajew und Mirziyoyev " * 12


@pytest.fixture
def laptop_window(qtbot, notebook, tmp_path, make_window):
    folder = tmp_path / "in"
    folder.mkdir()
    paths = []
    for n in range(3):
        path = folder / f"a{n}.md"
        path.write_text(f"---\ntitle: {LONG_TITLE}{n}\n---\n\nText {n} über Energie und Wolfram.\n",
                        encoding="utf-8")
        paths.append(path)
    report = notebook.imports.import_paths(paths)
    window = make_window(notebook)
    window.resize(1024, 700)
    window.show()
    qtbot.waitExposed(window)
    return window, [a.id for a in report.imported]


def test_three_readers_keep_their_minimum_width_at_1024(qtbot, laptop_window) -> None:
    """Three panes at 1024 x 700 are each at least MIN_READER_WIDTH wide and scroll instead."""
    window, ids = laptop_window
    for number, article_id in enumerate(ids):
        window.reader_area.open_article(article_id, new_pane=number > 0)
    qtbot.wait(50)
    panes = window.reader_area.panes()
    assert len(panes) == 3
    assert all(pane.width() >= MIN_READER_WIDTH for pane in panes)
    assert window.reader_area.scroller.horizontalScrollBar().maximum() > 0
    # the focused (last opened) pane is scrolled into view
    last = panes[-1]
    viewport = window.reader_area.scroller.viewport()
    qtbot.wait(20)
    centre = last.mapTo(viewport, last.rect().center()).x()
    assert 0 <= centre < viewport.width()


def test_long_titles_do_not_widen_the_inspector_or_panes(qtbot, laptop_window, notebook) -> None:
    """A 400-character title elides: the inspector and a pane can be narrower than it."""
    window, ids = laptop_window
    highlight, _ = notebook.annotations.add(ids[0], 0, 4)
    window.reader_area.open_article(ids[0])
    window.inspector.show_highlight(highlight.id)
    assert window.inspector.minimumSizeHint().width() < 300
    pane = window.reader_area.panes()[0]
    assert pane.minimumSizeHint().width() <= MIN_READER_WIDTH
    assert pane.title.toolTip().startswith("Trump lädt")
    assert pane.title.elided_text().endswith("…")


def test_the_window_starts_within_a_small_screen(qtbot, notebook, tmp_path, make_window) -> None:
    """A new window is no larger than the screen (offscreen: 800 x 800) allows, and its
    minimum width leaves a 1024 px laptop room to spare."""
    window = make_window(notebook)
    room = window.screen().availableGeometry()
    minimum = window.minimumSizeHint()
    assert window.width() <= max(room.width(), minimum.width())
    assert window.height() <= max(room.height(), minimum.height())
    # room for a reader at 1024 px, and for a title bar and a panel on a 700 px screen
    assert minimum.width() <= 1024 - MIN_READER_WIDTH // 2 and minimum.height() <= 700 - 60
