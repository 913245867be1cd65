"""Benchmark: open a 500 KB article with 1,000 highlights in a ReaderView.

A plain script, run on demand (pytest does not collect ``bench_*`` files)::

    QT_QPA_PLATFORM=offscreen python3 tests/bench/bench_reader.py

Compares, in the same run, a bare ``QTextEdit.setPlainText`` of the same text with
opening the article in the reader (database read, 1,000 marks, highlighter pass),
each until painted (the two alternately, 21 pairs, with the median of the per-pair
ratios), times adding and removing one highlight through the services, and scrolls the
open article from top to end (by wheel steps and by pages, cold after opening and again)
timing each frame from the scroll to the text and margin painted. Prints milliseconds
(frame counts as counts), the scroll position each scroll ended at against the end of
the text (a scroll that stops early is no measurement of the whole article), and the
load average before and after.

With ``--stages`` it also times each step of opening (median over the paired runs):
the service reads, the position map, marks and index, the document.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QApplication, QTextEdit

from app.gui.common.controller import NotebookController
from app.gui.reader.view import ReaderView
from app.services import Notebook

RUNS = 5
PAIRED_RUNS = 21
TARGET_BYTES = 500_000
HIGHLIGHTS = 1_000
FRAME_S = 1 / 60
MAX_FRAMES = 5_000
"""Time between scroll steps: 60 frames a second."""


def _text() -> str:
    rng = random.Random(7)
    words = ["Kasachstan", "Abkommen", "Präsident", "Tokajew", "Energie", "Gespräch",
             "und", "die", "der", "mit", "über", "😀", "„Zitat“", "Wolfram", "Boeing"]
    paragraphs, size = [], 0
    while size < TARGET_BYTES:
        paragraph = " ".join(rng.choice(words) for _ in range(rng.randint(40, 120))) + "."
        paragraphs.append(paragraph)
        size += len(paragraph.encode("utf-8")) + 1
    return "\n".join(paragraphs)


def _median_ms(fn: Callable[[], None], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _paired(baseline: Callable[[], None], case: Callable[[], None],
            runs: int = PAIRED_RUNS) -> tuple[float, float, float]:
    """Medians of both and of their per-pair ratio, the two run alternately.

    The build machine is shared: load from other jobs comes and goes within seconds,
    so a baseline measured in one block and the case in the next can differ by 2x.
    """
    pairs = []
    for _ in range(runs):
        times = []
        for fn in (baseline, case):
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
        pairs.append((times[0], times[1]))
    return (statistics.median(b for b, _ in pairs), statistics.median(c for _, c in pairs),
            statistics.median(c / b for b, c in pairs))


def main() -> None:
    stages = "--stages" in sys.argv[1:]
    print("load average before:", _load())
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.txt"
        path.write_text(_text(), encoding="utf-8")
        nb = Notebook.open(Path(tmp) / "nb")
        article_id = nb.imports.import_paths([path]).imported[0].id
        text = nb.articles.get(article_id).text
        rng = random.Random(11)
        tag, _ = nb.tags.ensure("Bench")
        for _ in range(HIGHLIGHTS):
            start = rng.randrange(0, len(text) - 400)
            nb.annotations.add(article_id, start, start + rng.randint(5, 400), tag_ids=[tag.id])
        controller = NotebookController(nb)
        timings: dict[str, list[float]] = {}
        rows = _measure(app, controller, article_id, text, timings if stages else None)
        nb.close()
    print(f"{'case':<66}{'ms':>10}")
    for name, value in rows:
        digits = 2 if name.startswith("ratio") else 1
        print(f"{name:<66}{value:>10.{digits}f}")
    for name, values in timings.items():
        print(f"{'open stage: ' + name:<66}{statistics.median(values):>10.1f}")
    print("load average after:", _load())


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _time_stages(reader: ReaderView, nb: Notebook, timings: dict[str, list[float]],
                 recording: list[bool]) -> None:
    """Wrap the steps of ``load_article`` (service reads, position map, marks, index,
    document) to collect their wall times while ``recording[0]`` is true."""
    import app.gui.reader.view as view_module

    def timed(owner: object, name: str, label: str) -> None:
        inner = getattr(owner, name)

        def wrapper(*args: object, **kwargs: object) -> object:
            start = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                if recording[0]:
                    timings.setdefault(label, []).append((time.perf_counter() - start) * 1000)
        setattr(owner, name, wrapper)

    for owner, name, label in (
        (nb.articles, "get", "article (service)"), (nb.tags, "list", "tags (service)"),
        (nb.annotations, "spans_for", "spans (service)"),
        (reader, "_load_overlays", "mentions + evidence (services)"),
        (reader, "_marks", "marks (positions converted)"),
        (reader.renderer, "install", "index"), (reader, "_set_document", "document"),
        (reader, "_draw_visible", "first-screen formats after setDocument"),
    ):
        timed(owner, name, label)
    positions = view_module.TextPositions

    def map_text(text: str) -> object:
        start = time.perf_counter()
        made = positions(text)
        if recording[0]:
            timings.setdefault("position map", []).append((time.perf_counter() - start) * 1000)
        return made
    view_module.TextPositions = map_text  # type: ignore[assignment,misc]  # timing only


def _measure(app: QApplication, controller: NotebookController, article_id: int,
             text: str, timings: dict[str, list[float]] | None) -> list[tuple[str, float]]:
    bare = QTextEdit()
    bare.resize(900, 700)
    bare.show()
    reader = ReaderView(controller)
    reader.resize(900, 700)
    reader.show()

    def open_bare() -> None:
        bare.setPlainText(text)
        bare.viewport().repaint()

    def open_reader() -> None:
        reader.load_article(article_id)
        reader.viewport().repaint()
        reader.margin_bar().repaint()

    recording = [True]
    if timings is not None:
        _time_stages(reader, controller.nb, timings, recording)
    bare_ms, reader_ms, ratio = _paired(open_bare, open_reader)
    recording[0] = False  # what follows are no opens
    nb = controller.nb
    start = text.index("Wolfram", len(text) // 2)
    added: list[int] = []

    def add_one() -> None:
        highlight, _ = controller.edit(lambda: nb.annotations.add(article_id, start, start + 30))
        added.append(highlight.id)
        reader.viewport().repaint()

    def remove_one() -> None:
        highlight_id = added.pop()
        controller.edit(lambda: nb.annotations.delete(highlight_id))
        reader.viewport().repaint()

    add_ms = _median_ms(add_one)
    remove_ms = _median_ms(remove_one)
    app.processEvents()
    laid_out_ms = _median_ms(lambda: _open_and_lay_out(app, reader, article_id), runs=3)
    rows = [
        (f"bare QTextEdit.setPlainText ({len(text.encode()) // 1000} KB)", bare_ms),
        (f"ReaderView open, {HIGHLIGHTS:,} highlights", reader_ms),
        ("ratio reader / bare (median of paired runs)", ratio),
        ("add one highlight (service + redraw)", add_ms),
        ("remove one highlight (service + redraw)", remove_ms),
        ("open, until the background layout has laid out the whole text", laid_out_ms),
    ]
    for label, step in (("page", 1), ("wheel (3 lines)", 0)):
        bare.setPlainText(text)  # the baseline: a bare QTextEdit scrolled the same way
        base = _scroll_frames(app, bare, step)
        ends = [_reached(bare)]
        reader.load_article(article_id)  # cold: laid out and formatted while scrolling
        frames = _scroll_frames(app, reader, step)
        ends.append(_reached(reader))
        again = _scroll_frames(app, reader, step)
        ends.append(_reached(reader))
        for name, (values, unpainted), end in zip((f"bare QTextEdit, scroll by {label}",
                                                   f"reader, scroll by {label}, cold",
                                                   f"reader, scroll by {label}, again"),
                                                  (base, frames, again), ends, strict=True):
            rows += [(f"{name}: frames (count)", float(len(values))),
                     (f"{name}: frames that painted nothing (count)", float(unpainted)),
                     (f"{name}: frames over 16 ms (count)",
                      float(sum(v > 16 for v in values))),
                     (f"{name}: px short of the end (0: reached)", end),
                     (f"{name}: median frame", statistics.median(values)),
                     (f"{name}: p95 frame", _percentile(values, 95)),
                     (f"{name}: max frame", max(values))]
    return rows


def _open_and_lay_out(app: QApplication, reader: ReaderView, article_id: int) -> None:
    """Open the article and let the events run, without scrolling, until the reader's
    background layout has reached the end of the text (until then a scroll's frames
    share the time with its layout steps)."""
    reader.load_article(article_id)
    while reader.layout_timer.isActive():
        app.processEvents()
        time.sleep(0.001)


class _Paints(QObject):
    """Counts a widget's paint events and the height each one painted."""

    def __init__(self) -> None:
        super().__init__()
        self.heights: list[int] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and isinstance(event, QPaintEvent):
            self.heights.append(event.rect().height())
        return False


def _scroll_frames(app: QApplication, view: QTextEdit, page: int) -> tuple[list[float], int]:
    """Scroll from the top to the end, one wheel step (three lines) or one page per
    frame at 60 frames a second; per frame the milliseconds from the scroll until Qt has
    run what the scroll posted (the paint of the text, and a reader's margin) and the
    events due in between (its lazy layout of the rest of the text goes on in 10 ms timer
    steps, so frames must be spaced in time as a user's are, else the end is never
    reached). Also returns how many frames painted nothing (then the figure would not
    be a frame's: 0 in every run so far).

    Each frame paints what a scroll paints: Qt moves the pixels already drawn and paints
    the strip scrolled into view (a wheel step), or the whole viewport (a page). Until
    2026-11-27 this also forced a repaint of the whole viewport each frame, after the
    scroll's own paint: two paints per frame, one of them the whole window, on both
    sides."""
    bar = view.verticalScrollBar()
    bar.setValue(0)
    app.processEvents()
    step = bar.pageStep() if page else 3 * view.fontMetrics().lineSpacing()
    paints = _Paints()
    view.viewport().installEventFilter(paints)
    frames: list[float] = []
    unpainted = 0
    at_end = 0  # frames in a row at the end with the end no longer moving
    next_frame = time.perf_counter()
    while at_end < 30 and len(frames) < MAX_FRAMES:
        at_end = at_end + 1 if bar.value() >= bar.maximum() else 0
        next_frame += FRAME_S
        time.sleep(max(0.0, next_frame - time.perf_counter()))
        before = len(paints.heights)
        start = time.perf_counter()
        bar.setValue(bar.value() + step)
        app.processEvents()
        frames.append((time.perf_counter() - start) * 1000)
        if len(paints.heights) == before and bar.value() < bar.maximum():
            unpainted += 1
        next_frame = max(next_frame, time.perf_counter())
    view.viewport().removeEventFilter(paints)
    return frames, unpainted


def _reached(view: QTextEdit) -> float:
    """Pixels between where a scroll ended and the end of the whole text (laid out now)."""
    height = view.document().size().height()  # lays out whatever is left
    view.verticalScrollBar().setValue(view.verticalScrollBar().value())
    full = max(0.0, height - view.viewport().height())
    return max(0.0, full - view.verticalScrollBar().value())


def _percentile(values: list[float], pct: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


if __name__ == "__main__":
    main()
