"""What scrolling a long reader relies on: the background layout formats highlights before
laying their blocks out (nothing is formatted, hence re-laid out, while scrolling), and the
margin's per-highlight extents taken from two lines equal the line rectangles."""

from __future__ import annotations

import os
import random

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtGui import QTextCharFormat

from app.gui.annotate.highlighter import assign_lanes
from app.gui.reader.view import ReaderView


@pytest.fixture
def long_text() -> str:
    rng = random.Random(2)
    words = ["Energie", "und", "Gas", "😀", "Kasachstan", "x\u0301", "שלום", "Gespräch"]
    return "\n".join(" ".join(rng.choice(words) for _ in range(rng.randint(5, 60)))
                     for _ in range(300)) + "\n"


def _open(qtbot, controller, import_text, text: str, spans) -> tuple[ReaderView, str]:
    article = import_text("long.txt", text)
    stored = article.text
    for start, end in spans(stored):
        controller.nb.annotations.add(article.id, start, end)
    reader = ReaderView(controller)
    qtbot.addWidget(reader)
    reader.resize(600, 300)
    reader.show()
    reader.load_article(article.id)
    qtbot.waitUntil(lambda: not reader.layout_timer.isActive(), timeout=20_000)
    return reader, stored


def _random_spans(count: int):
    def spans(text: str) -> list[tuple[int, int]]:
        rng = random.Random(9)
        out = []
        for _ in range(count):
            start = rng.randrange(len(text) - 2)
            out.append((start, min(len(text), start + rng.randint(1, 300))))
        return out
    return spans


def test_background_layout_formats_every_highlight_without_scrolling(
        qtbot, controller, import_text, long_text) -> None:
    """Once the background layout is done, no block waits for its highlight formats,
    the last paragraph's highlight included, and the text is laid out to its end."""
    last_line = long_text.rstrip("\n").rsplit("\n", 1)[1]

    def spans(text: str) -> list[tuple[int, int]]:
        start = text.rindex(last_line)
        return [*_random_spans(80)(text), (start, start + len(last_line))]

    reader, stored = _open(qtbot, controller, import_text, long_text, spans)
    assert reader.verticalScrollBar().value() == 0
    assert not reader.renderer.has_stale_blocks
    pos = reader.positions.to_qt(stored.rindex(last_line))
    block = reader.document().findBlock(pos)
    assert block.layout().lineCount() > 0
    formats = block.layout().formats()
    assert formats and formats[0].format.hasProperty(QTextCharFormat.Property.BackgroundBrush)


def test_mark_extent_equals_line_rectangles_for_every_mark(
        qtbot, controller, import_text, long_text) -> None:
    """Top and bottom of each highlight's lines, looked up from its first and last
    characters, equal those of its line rectangles (spans ending and starting at line
    breaks, across paragraphs, on emoji and combining marks)."""

    def spans(text: str) -> list[tuple[int, int]]:
        breaks = [i for i, c in enumerate(text) if c == "\n"][:20]
        at_breaks = [(b - 3, b + 1) for b in breaks] + [(b, b + 4) for b in breaks]
        return _random_spans(150)(text) + [s for s in at_breaks if s[0] >= 0]

    reader, _ = _open(qtbot, controller, import_text, long_text, spans)
    reader.document().size()  # lays out whatever is left
    marks = reader.renderer.index.marks()
    assert len(marks) > 150
    for mark in marks:
        rects = reader.span_rects(mark.start, mark.end)
        expected = (rects[0].top(), rects[-1].bottom()) if rects else (0.0, 0.0)
        assert reader.mark_extent(mark) == pytest.approx(expected), mark


def _open_now(qtbot, controller, import_text, text: str, count: int):
    """Open without waiting for the background steps; the stored text and the spans."""
    article = import_text("long.txt", text)
    stored = article.text
    spans = _random_spans(count)(stored)
    ids = [controller.nb.annotations.add(article.id, s, e)[0].id for s, e in spans]
    reader = ReaderView(controller)
    qtbot.addWidget(reader)
    reader.resize(600, 300)
    reader.show()
    reader.load_article(article.id)
    return reader, stored, dict(zip(ids, spans, strict=True))


def test_marks_off_the_first_screen_are_filed_when_asked_for(
        qtbot, controller, import_text, long_text) -> None:
    """Right after opening only the first screen's marks are filed; asking about a far
    position, or about all marks, files them, each at its stored span."""
    reader, _, spans = _open_now(qtbot, controller, import_text, long_text, 200)
    index = reader.renderer.index
    assert index.has_pending
    far_id, (start, _) = max(spans.items(), key=lambda item: item[1][0])
    assert far_id in reader.highlight_ids_at(start)
    marks = {m.id: reader.positions.span_from_qt(m.start, m.end) for m in index.marks()}
    assert marks == spans
    assert not index.has_pending


def test_lanes_of_marks_filed_later_equal_those_of_all_filed_at_once(
        qtbot, controller, import_text, long_text) -> None:
    """The margin's lane count at opening counts every highlight, and each mark's lane
    is the one a full assignment gives."""
    reader, _, _ = _open_now(qtbot, controller, import_text, long_text, 400)
    index = reader.renderer.index
    count_at_open = index.lane_count()
    first_lanes = dict(index.lanes())  # the filed (first-screen) marks only
    assert index.has_pending and first_lanes
    full = assign_lanes(index.marks())
    assert index.lanes() == full
    assert count_at_open == max(full.values()) + 1 == index.lane_count()
    assert all(full[i] == lane for i, lane in first_lanes.items())


def test_highlight_deleted_before_it_was_filed_stays_deleted(
        qtbot, controller, import_text, long_text) -> None:
    """Deleting a highlight whose mark still waits to be filed removes it for good: the
    later filing does not bring it back, nor its format."""
    reader, _, spans = _open_now(qtbot, controller, import_text, long_text, 200)
    far_id, (start, _) = max(spans.items(), key=lambda item: item[1][0])
    assert reader.renderer.index.has_pending
    controller.edit(lambda: controller.nb.annotations.delete(far_id))
    qtbot.waitUntil(lambda: not reader.layout_timer.isActive(), timeout=20_000)
    assert far_id not in {m.id for m in reader.renderer.index.marks()}
    assert far_id not in reader.highlight_ids_at(start)


def _fresh_extent(reader: ReaderView, mark) -> tuple[float, float]:
    rects = reader.span_rects(mark.start, mark.end)
    return (rects[0].top(), rects[-1].bottom()) if rects else (0.0, 0.0)


def test_kept_mark_extents_follow_every_layout_change(
        qtbot, controller, import_text, long_text) -> None:
    """The margin keeps each highlight's extent between paints; after a narrower
    window, a bigger font and a new article the kept extents are those of the new
    layout, never the old lines."""
    reader, _ = _open(qtbot, controller, import_text, long_text, _random_spans(60))
    reader.document().size()
    marks = reader.renderer.index.marks()
    before = {m.id: reader.mark_extent(m) for m in marks}
    assert reader._extents  # kept
    for change in (lambda: reader.resize(350, 300),
                   lambda: reader.document().setDefaultFont(
                       reader.font().__class__(reader.font().family(), 19))):
        change()
        qtbot.wait(20)
        reader.document().size()  # Qt lays out whatever the change left
        moved = 0
        for mark in marks:
            extent = reader.mark_extent(mark)
            assert extent == pytest.approx(_fresh_extent(reader, mark)), mark
            moved += extent != pytest.approx(before[mark.id])
        assert moved > len(marks) // 2  # the change moved the lines: a real test
        before = {m.id: reader.mark_extent(m) for m in marks}
    other = import_text("other.txt", "Andere Zeilen\n" + long_text[::-1])
    for start, end in _random_spans(40)(other.text):
        controller.nb.annotations.add(other.id, start, end)
    reader.load_article(other.id)
    qtbot.waitUntil(lambda: not reader.layout_timer.isActive(), timeout=20_000)
    reader.document().size()
    for mark in reader.renderer.index.marks():
        assert reader.mark_extent(mark) == pytest.approx(_fresh_extent(reader, mark))
