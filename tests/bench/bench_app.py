"""GUI benchmarks (a script, not collected by pytest).

Usage::

    python3 tests/bench/bench_app.py [--articles 10000] [--import-count 1000]
                                     [--work /tmp/dossier-bench]

Measures, each next to a baseline taken in the same run:

1. start-up: process start to a painted main window on an N-article notebook, against a
   bare ``QMainWindow`` + ``QTableView`` process;
2. GUI-thread stalls while 1,000 articles are imported through the task runner: the
   longest gap of a 10 ms ``QTimer`` heartbeat, against the same heartbeat when idle.
3. with ``--library-sizes 10000,100000``: only start-up, jump to end, sort by each
   column and filters in the library, on notebooks of the replicated 10kGNAD corpus
   (built once under ``--work`` with ``import_parsed``, never indexed).

The N-article notebook is built once under ``--work`` and reused by later runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

STARTUP_CHILD = r"""
import sys, time
sys.path.insert(0, {root!r})
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
mode, nb_path, ini = sys.argv[1], sys.argv[2], sys.argv[3]
if mode == "baseline":
    from PySide6.QtGui import QStandardItemModel, QStandardItem
    from PySide6.QtWidgets import QMainWindow, QTableView
    window = QMainWindow()
    model = QStandardItemModel(200, 5)
    for r in range(200):
        for c in range(5):
            model.setItem(r, c, QStandardItem(f"{{r}}/{{c}}"))
    view = QTableView()
    view.setModel(model)
    window.setCentralWidget(view)
else:
    from app.services import Notebook
    from app.gui.common.controller import NotebookController
    from app.gui.window.main_window import MainWindow
    nb = Notebook.open(nb_path, background=sys.argv[4] == "1")
    window = MainWindow(NotebookController(nb), QSettings(ini, QSettings.Format.IniFormat))
window.resize(1400, 900)
window.show()
def painted():
    window.repaint()
    print("READY", flush=True)
    app.quit()
QTimer.singleShot(0, painted)
app.exec()
"""


def make_texts(count: int, seed: int, tag: str) -> list[str]:
    """``count`` distinct article texts made of shuffled seed sentences."""
    sentences: list[str] = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        sentences += [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.strip()) > 30]
    rng = random.Random(seed)
    texts = []
    for i in range(count):
        body = " ".join(rng.sample(sentences, min(12, len(sentences))))
        texts.append(f"{tag} Artikel {i}: {rng.choice(sentences)[:60]}\n\n{body}\n")
    return texts


def write_files(folder: Path, texts: list[str]) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, text in enumerate(texts):
        path = folder / f"{i:06d}.txt"
        if not path.exists():
            path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return paths


def ensure_notebook(work: Path, articles: int) -> Path:
    """The N-article notebook under ``work`` (built on first use, indexed)."""
    from app.services import Notebook

    nb_path = work / f"nb-{articles}"
    nb = Notebook.open(nb_path)
    try:
        have = nb.articles.count()
        if have < articles:
            print(f"building a {articles:,}-article notebook in {nb_path} (once)…", flush=True)
            files = write_files(work / f"src-{articles}", make_texts(articles, 1, "Bench"))
            start = time.perf_counter()
            report = nb.imports.import_paths(files[have:])
            print(f"  imported {len(report.imported):,} in {time.perf_counter() - start:.1f} s",
                  flush=True)
            start = time.perf_counter()
            nb.search.flush()
            print(f"  indexed in {time.perf_counter() - start:.1f} s", flush=True)
    finally:
        nb.close()
    return nb_path


CORPUS = Path("/work/shared/corpora/10kgnad-test.csv")
"""Real German news (10kGNAD test split, ``category;'text'`` rows), replicated."""
OUTLETS = ("Der Standard", "Die Presse", "Kurier", "profil", "ORF", "Falter", "Wiener Zeitung",
           "Salzburger Nachrichten")


def corpus_rows() -> list[tuple[str, str]]:
    """(category, text) of every corpus row."""
    import csv

    with CORPUS.open(encoding="utf-8", newline="") as handle:
        return [(r[0], r[1]) for r in csv.reader(handle, delimiter=";", quotechar="'")
                if len(r) >= 2 and r[1].strip()]


def corpus_batch(rows: list[tuple[str, str]], first: int, count: int) -> list[object]:
    """ParsedArticles ``first .. first+count`` of the replicated corpus (distinct texts)."""
    from app.core.text import normalise_text
    from app.ingest.article import ParsedArticle

    out = []
    for i in range(first, first + count):
        category, text = rows[i % len(rows)]
        copy = i // len(rows)
        title = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0][:90]
        body = normalise_text(f"{text}\n\n(Ausgabe {copy})" if copy else text)
        day = dt.date(2015, 1, 1) + dt.timedelta(days=(i * 37) % 3650)
        out.append(ParsedArticle(
            source=f"corpus/{i:06d}.txt", original_name=f"{i:06d}.txt",
            title=f"{title} ({copy})" if copy else title, text=body, language="de",
            outlet=OUTLETS[(i * 7 + copy) % len(OUTLETS)], url="", author=category,
            published=day.isoformat()))
    return out


def ensure_corpus_notebook(work: Path, articles: int, batch: int = 2000) -> Path:
    """An N-article notebook of the replicated real corpus, built with ``import_parsed``
    (no files, no language detection) and never indexed: the library does not need the
    search index, and the benchmark opens it without the indexer thread."""
    from app.services import Notebook

    nb_path = work / f"corpus-{articles}"
    nb = Notebook.open(nb_path)
    try:
        have = nb.articles.count()
        if have < articles:
            print(f"building a {articles:,}-article corpus notebook in {nb_path} (once)…",
                  flush=True)
            rows = corpus_rows()
            start = time.perf_counter()
            for first in range(have, articles, batch):
                nb.imports.import_parsed(corpus_batch(rows, first, min(batch, articles - first)))
            print(f"  stored {articles - have:,} in {time.perf_counter() - start:.1f} s",
                  flush=True)
    finally:
        nb.close()
    return nb_path


def startup_once(mode: str, nb_path: Path, ini: str, background: bool = True) -> float:
    code = STARTUP_CHILD.format(root=str(ROOT))
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, mode, str(nb_path), ini,
                             "1" if background else "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("READY"):
            elapsed = time.perf_counter() - start
            break
    else:
        raise RuntimeError(f"{mode} start-up did not finish")
    proc.wait(60)
    return elapsed


def bench_startup(nb_path: Path, runs: int = 5) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ini = str(Path(tmp) / "s.ini")
        startup_once("app", nb_path, ini)  # warm the file cache
        base = [startup_once("baseline", nb_path, ini) for _ in range(runs)]
        app = [startup_once("app", nb_path, ini) for _ in range(runs)]
    print(f"start-up to painted window (median of {runs}):")
    print(f"  baseline QMainWindow+QTableView  {statistics.median(base) * 1000:7.0f} ms")
    print(f"  Dossier on {nb_path.name:<20} {statistics.median(app) * 1000:7.0f} ms "
          f"(min {min(app) * 1000:.0f}, max {max(app) * 1000:.0f})")


class Heartbeat:
    """A 10 ms QTimer; records the gaps between its ticks (GUI-thread stalls)."""

    def __init__(self, paint: object = None) -> None:
        from PySide6.QtCore import QTimer

        self.paint = paint  # a widget repainted every 10th tick, as hovering would
        self.paint_times: list[float] = []
        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self.tick)

    def tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self._last)
        self._last = now
        if self.paint is not None and len(self.gaps) % 10 == 0:
            self.paint.repaint()  # type: ignore[attr-defined]
            self.paint_times.append(time.perf_counter() - now)

    @property
    def last_tick(self) -> float:
        return self._last

    def start(self) -> None:
        self._last = time.perf_counter()
        self.timer.start()

    def summary(self) -> str:
        gaps = sorted(self.gaps) or [0.0]
        p99 = gaps[min(len(gaps) - 1, int(len(gaps) * 0.99))]
        over = sum(1 for g in gaps if g > 0.05)
        paints = sorted(self.paint_times) or [0.0]
        return (f"max {gaps[-1] * 1000:6.0f} ms  p99 {p99 * 1000:5.0f} ms  "
                f"ticks {len(gaps):5d}  gaps>50ms {over}  library repaint "
                f"median {statistics.median(paints) * 1000:4.1f} max {paints[-1] * 1000:4.0f} ms")


class StallSampler:
    """Watches a :class:`Heartbeat` from a thread; samples the GUI stack when it stalls.

    When no tick came for ``threshold`` seconds, the GUI thread's Python stack is read
    with ``sys._current_frames()`` (once per stall, a few times while it lasts), so the
    report says which code held the GUI thread.
    """

    def __init__(self, heartbeat: Heartbeat, threshold: float = 0.05) -> None:
        import threading

        self._heartbeat = heartbeat
        self._threshold = threshold
        self._gui_thread = threading.get_ident()
        self._stop = threading.Event()
        self.stacks: dict[str, int] = {}
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        import threading
        import traceback

        while not self._stop.wait(0.01):
            if time.perf_counter() - self._heartbeat.last_tick < self._threshold:
                continue
            for ident, frame in sys._current_frames().items():
                if ident == threading.get_ident():
                    continue
                who = "GUI   " if ident == self._gui_thread else "worker"
                lines = [f"{Path(f.filename).name}:{f.lineno} {f.name}"
                         for f in traceback.extract_stack(frame)[-4:]]
                key = f"{who} " + " <- ".join(reversed(lines))
                self.stacks[key] = self.stacks.get(key, 0) + 1

    def report(self, top: int = 12) -> str:
        ranked = sorted(self.stacks.items(), key=lambda kv: -kv[1])[:top]
        return "\n".join(f"    {n:4d} x {stack}" for stack, n in ranked) or "    (no stall)"


def bench_library_scroll(window: object) -> None:
    """Jump to the end of the library and page through it; the model must stay lazy."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    table = window.library.table  # type: ignore[attr-defined]
    model = window.library.model  # type: ignore[attr-defined]
    start = time.perf_counter()
    table.scrollToBottom()
    table.viewport().repaint()
    jump = time.perf_counter() - start
    table.setFocus()
    steps = []
    for _ in range(100):
        start = time.perf_counter()
        QTest.keyClick(table, Qt.Key.Key_PageUp)
        table.viewport().repaint()
        steps.append(time.perf_counter() - start)
    median, worst = statistics.median(steps) * 1000, max(steps) * 1000
    print(f"library of {model.rowCount():,} rows: jump to end {jump * 1000:.0f} ms, "
          f"page step median {median:.1f} ms max {worst:.0f} ms, "
          f"pages fetched {model.fetched_pages} of {model.rowCount() // model.PAGE_SIZE + 1}")


def _timed_ms(action: object, table: object, runs: int = 3, prepare: object = None) -> float:
    """Median time of ``action()`` plus a repaint of the table (ms), each run after an
    untimed ``prepare()``."""
    times = []
    for _ in range(runs):
        if prepare is not None:
            prepare()  # type: ignore[operator]
            table.viewport().repaint()  # type: ignore[attr-defined]
        start = time.perf_counter()
        action()  # type: ignore[operator]
        table.viewport().repaint()  # type: ignore[attr-defined]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bench_library_large(nb_path: Path) -> dict[str, float]:
    """Jump, sort and filter in the main window's library on an existing notebook.

    The notebook opens without the indexer thread (a freshly built corpus notebook has
    every article queued for indexing, which would compete for the CPU); the library
    reads only the database. Each figure is the action plus a repaint of the table.
    """
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from app.gui.common.controller import NotebookController
    from app.gui.library.model import COLUMNS
    from app.gui.window.main_window import MainWindow
    from app.services import Notebook

    _app = QApplication.instance() or QApplication([])  # keep it alive
    nb = Notebook.open(nb_path)
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        ini = str(Path(tmp) / "s.ini")
        window = MainWindow(NotebookController(nb), QSettings(ini, QSettings.Format.IniFormat))
        window.resize(1400, 900)
        window.show()
        QTest.qWaitForWindowExposed(window)
        panel, table, model = window.library, window.library.table, window.library.model
        out["rows"] = model.rowCount()

        def default_order() -> None:
            model.set_filter(replace_sort(model.article_filter))
            table.scrollToTop()

        def clear_filter() -> None:
            panel.text_edit.setText("")
            panel.outlet_box.setCurrentIndex(0)
            panel.apply_filter()

        out["jump to end"] = _timed_ms(table.scrollToBottom, table, prepare=table.scrollToTop)
        for column, (header, _key, _attr) in enumerate(COLUMNS):
            for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
                arrow = "asc" if order == Qt.SortOrder.AscendingOrder else "desc"
                out[f"sort {header} {arrow}"] = _timed_ms(
                    functools.partial(table.sortByColumn, column, order), table,
                    prepare=default_order)
        out["sort Title asc, jump to end"] = _timed_ms(
            table.scrollToBottom, table,
            prepare=lambda: (table.sortByColumn(0, Qt.SortOrder.AscendingOrder),
                             table.scrollToTop()))
        default_order()
        for label, setup in (
            ("filter text 'Regierung'", lambda: panel.text_edit.setText("Regierung")),
            ("filter text (no match)", lambda: panel.text_edit.setText("qqxqq")),
            ("filter outlet 'Kurier'", lambda: panel.outlet_box.setCurrentIndex(
                panel.outlet_box.findData("Kurier"))),
        ):
            def apply(setup: object = setup) -> None:
                setup()  # type: ignore[operator]
                panel.apply_filter()

            out[label] = _timed_ms(apply, table, prepare=clear_filter)
            out[label + ", rows"] = model.rowCount()
        panel.text_edit.setText("Regierung")
        panel.apply_filter()
        out["clear filter"] = _timed_ms(clear_filter, table, prepare=lambda: (
            panel.text_edit.setText("Regierung"), panel.apply_filter()))
        window.close()
    nb.close()
    return out


def replace_sort(flt: object) -> object:
    """The filter with the default sort (import order), so the next sort is a change."""
    from dataclasses import replace

    return replace(flt, sort="imported_at", descending=False)  # type: ignore[type-var]


def bench_library_sizes(work: Path, sizes: list[int]) -> None:
    """Start-up and library actions on replicated-corpus notebooks of each size."""
    results = {}
    for size in sizes:
        nb_path = ensure_corpus_notebook(work, size)
        results[size] = bench_library_large(nb_path)
        with tempfile.TemporaryDirectory() as tmp:
            ini = str(Path(tmp) / "s.ini")
            startup_once("app", nb_path, ini, background=False)  # warm the file cache
            runs = [startup_once("app", nb_path, ini, background=False) for _ in range(3)]
            base = [startup_once("baseline", nb_path, ini) for _ in range(3)]
        results[size]["start-up to painted window"] = statistics.median(runs) * 1000
        results[size]["baseline QMainWindow+QTableView start-up"] = statistics.median(base) * 1000
    print("library on replicated 10kGNAD notebooks (ms, median of 3; row counts as numbers):")
    print(f"  {'case':<44}" + "".join(f"{size:>12,}" for size in sizes))
    for key in results[sizes[0]]:
        print(f"  {key:<44}" + "".join(f"{results[size][key]:>12.0f}" for size in sizes))


def bench_import_stalls(work: Path, nb_path: Path, count: int) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from app.gui.common.controller import NotebookController
    from app.gui.window.main_window import MainWindow
    from app.services import Notebook

    _app = QApplication.instance() or QApplication([])  # keep it alive
    stamp = int(time.time())
    files = write_files(work / f"import-{count}-{stamp}", make_texts(count, stamp, f"Neu{stamp}"))
    nb = Notebook.open(nb_path, background=True)
    with tempfile.TemporaryDirectory() as tmp:
        ini = str(Path(tmp) / "s.ini")
        window = MainWindow(NotebookController(nb), QSettings(ini, QSettings.Format.IniFormat))
        window.resize(1400, 900)
        window.show()
        QTest.qWaitForWindowExposed(window)
        print(f"GIL switch interval with the window open: {sys.getswitchinterval() * 1000:.2f} ms")
        bench_library_scroll(window)
        table = window.library.table.viewport()
        idle = Heartbeat(table)
        idle.start()
        QTest.qWait(3000)
        idle.timer.stop()
        busy = Heartbeat(table)
        busy.start()
        sampler = StallSampler(busy)
        sampler.start()
        start = time.perf_counter()
        dialog = window.start_import(files)
        assert dialog is not None
        while dialog.task.is_running:  # a real event loop, as in the app
            QTest.qWait(50)
        QTest.qWait(200)
        busy.timer.stop()
        sampler.stop()
        elapsed = time.perf_counter() - start
        report = dialog.report
        refresh = []
        for _ in range(3):
            t0 = time.perf_counter()
            window.controller.changed.emit(report.changes)
            window.library.table.viewport().repaint()
            refresh.append(time.perf_counter() - t0)
        print(f"  refresh after import (Changes of {len(report.imported):,} articles, "
              f"idle): median {statistics.median(refresh) * 1000:.0f} ms")
        print(f"GUI-thread heartbeat (10 ms timer), {nb.articles.count():,} articles in notebook:")
        print(f"  idle 3 s                       {idle.summary()}")
        print(f"  importing {count:,} files ({elapsed:5.1f} s) {busy.summary()}")
        print("  stacks sampled during GUI stalls over 50 ms (innermost first, all threads):")
        print(sampler.report())
        if report is not None:
            print(f"  imported {len(report.imported):,}, duplicates {len(report.duplicates):,}, "
                  f"failed {len(report.failures):,}")
        window.close()
    nb.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--import-count", type=int, default=1_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/dossier-bench"))
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--skip-startup", action="store_true")
    parser.add_argument("--library-sizes", type=str, default="",
                        help="e.g. 10000,100000: only the library benchmark on replicated "
                             "10kGNAD notebooks of these sizes (built once under --work)")
    parser.add_argument("--switch-interval", type=float, default=0.0,
                        help="override sys.setswitchinterval (seconds) for the import run")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.library_sizes:
        bench_library_sizes(args.work, [int(n) for n in args.library_sizes.split(",")])
        return 0
    nb_path = ensure_notebook(args.work, args.articles)
    if not args.skip_startup:
        bench_startup(nb_path)
    if args.switch_interval:
        sys.setswitchinterval(args.switch_interval)
    if not args.skip_import:
        bench_import_stalls(args.work, nb_path, args.import_count)
    return 0


if __name__ == "__main__":
    sys.exit(main())
