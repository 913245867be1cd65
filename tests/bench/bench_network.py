"""Network view: the longest GUI-thread stall while 500 actors and 200 agreements are laid out.

Builds (once, cached under the folder given as argument) a notebook with 500 actors and
200 agreements of 2-5 parties and 1-4 dated events each, then opens the network view with
an empty position store and measures, with a 5 ms heartbeat timer, the longest gap between
two timer ticks on the GUI thread from the view's construction until the layout is shown.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/bench_network.py /tmp/bench-net
"""

from __future__ import annotations

import gc
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ACTORS, AGREEMENTS = 500, 200
KINDS = ("person", "state", "company", "government body", "NGO")
STATUSES = ("proposed", "announced", "signed", "ratified", "in force")


def build(folder: Path) -> None:
    """A notebook with ACTORS actors and AGREEMENTS agreements (seeded, reproducible)."""
    from app.services import Notebook

    rng = random.Random(7)
    nb = Notebook.open(folder)
    try:
        if len(nb.actors.list()) >= ACTORS:
            return
        actors = [nb.actors.create(f"Actor {i:03d} {rng.choice('ABCDEFG')}",
                                   kind=rng.choice(KINDS))[0].id for i in range(ACTORS)]
        for i in range(AGREEMENTS):
            agreement, _ = nb.agreements.create(f"Agreement {i:03d}", "treaty")
            for actor in rng.sample(actors[: 120 + i], rng.randint(2, 5)):
                nb.agreements.add_party(agreement.id, actor, "party")
            year = rng.randint(2015, 2025)
            for step, status in enumerate(STATUSES[: rng.randint(1, 4)]):
                nb.agreements.add_event(agreement.id, status, f"{year + step}-{rng.randint(1, 12)}")
    finally:
        nb.close()


def measure(folder: Path) -> float:
    """Longest GUI-thread gap (ms) from opening the view until the layout is applied."""
    from PySide6.QtCore import QElapsedTimer, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from app.gui.actors.network_view import NetworkView
    from app.gui.common.controller import NotebookController
    from app.gui.common.tasks import TaskRunner, prefer_gui_thread
    from app.services import Notebook

    app = QApplication.instance() or QApplication(sys.argv)
    prefer_gui_thread()
    nb = Notebook.open(folder)
    settings = QSettings(str(folder / "bench-settings.ini"), QSettings.Format.IniFormat)
    settings.clear()
    clock, gaps = QElapsedTimer(), [0.0]
    clock.start()
    last = [clock.elapsed()]

    collections: list[tuple[int, float]] = []  # (generation, ms) of each collection

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            gc_started[0] = time.perf_counter()
        else:
            collections.append((info["generation"], (time.perf_counter() - gc_started[0]) * 1000))

    gc_started, begun = [0.0], [0]
    gc.callbacks.append(on_gc)

    cpu = [time.thread_time()]
    cpu_gaps = [0.0]

    def tick() -> None:
        now, used = clock.elapsed(), (time.thread_time() - cpu[0]) * 1000
        gaps.append(now - last[0])
        cpu_gaps.append(used)
        if now - last[0] > 50 and "-v" in sys.argv:
            print(f"  at {now - begun[0]} ms: stall {now - last[0]} ms ({used:.0f} ms CPU); "
                  f"collections: {[(g, round(ms)) for g, ms in collections if ms > 5]}")
        collections.clear()
        last[0], cpu[0] = now, time.thread_time()

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(5)
    # A first view, thrown away: the first use of a widget class in a process makes
    # PySide create its enum types (300 ms in QAbstractScrollArea.viewport alone), which
    # the real window has done long before the network dock opens.
    warm = NetworkView(NotebookController(nb), runner=TaskRunner())
    warm.show()
    while warm.is_laying_out:
        app.processEvents()
        time.sleep(0.01)
    warm.close()
    runner = TaskRunner()
    runner.taskFinished.connect(lambda _t: print(f"  at {clock.elapsed() - begun[0]} ms: "
                                                 "layout task done") if "-v" in sys.argv
                                else None)
    # The same heartbeat on an idle GUI for 3 s: the gaps the machine itself causes.
    idle_until = time.perf_counter() + 3
    last[0], cpu[0] = clock.elapsed(), time.thread_time()
    while time.perf_counter() < idle_until:
        app.processEvents()
        time.sleep(0.001)
    idle_gap, idle_cpu = max(gaps), max(cpu_gaps)
    gaps[:], cpu_gaps[:] = [0.0], [0.0]
    begun[0] = clock.elapsed()
    started = time.perf_counter()
    if "--freeze" in sys.argv:
        gc.freeze()  # what the app could do after start-up: no old objects to scan
    last[0], cpu[0] = clock.elapsed(), time.thread_time()
    view = NetworkView(NotebookController(nb), runner=runner, settings=settings)
    tick()  # the construction itself is a stall too
    view.resize(1200, 800)
    view.show()
    if "-v" in sys.argv:
        print(f"  at {clock.elapsed() - begun[0]} ms: view shown")
    while view.is_laying_out and time.perf_counter() - started < 120:
        app.processEvents()
        time.sleep(0.001)
    for _ in range(50):  # the frames after the layout arrived
        app.processEvents()
        time.sleep(0.002)
    print(f"{len(view.nodes)} nodes laid out in {time.perf_counter() - started:.2f} s; "
          f"longest GUI-thread stall {max(gaps):.0f} ms "
          f"(stalls over 50 ms: {sum(1 for g in gaps if g > 50)}); most GUI-thread CPU "
          f"between two ticks {max(cpu_gaps):.0f} ms; idle GUI for comparison: longest gap "
          f"{idle_gap:.0f} ms, most CPU {idle_cpu:.0f} ms")
    timer.stop()
    nb.close()
    return max(gaps)


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/bench-network")
    t0 = time.perf_counter()
    build(target)
    print(f"notebook ready in {time.perf_counter() - t0:.1f} s")
    if "--build-only" not in sys.argv:
        measure(target)
