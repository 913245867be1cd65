"""TaskRunner: results, errors, cancellation and throttled progress across threads."""

from __future__ import annotations

import os
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QObject, QThread

from app.core.errors import ValidationError
from app.core.progress import CancelToken, ProgressEvent, ProgressFn
from app.gui.common.tasks import Task, TaskRunner


class _Recorder(QObject):
    """GUI-thread receiver that records what a task emitted and on which thread."""

    def __init__(self) -> None:
        super().__init__()
        self.results: list[object] = []
        self.errors: list[object] = []
        self.events: list[ProgressEvent] = []
        self.cancelled = 0
        self.threads: set[QThread] = set()

    def on_result(self, value: object) -> None:
        self.threads.add(QThread.currentThread())
        self.results.append(value)

    def on_error(self, exc: object) -> None:
        self.errors.append(exc)

    def on_progress(self, event: ProgressEvent) -> None:
        self.threads.add(QThread.currentThread())
        self.events.append(event)

    def on_cancelled(self) -> None:
        self.cancelled += 1


def _connect(task: Task, rec: _Recorder) -> None:
    task.succeeded.connect(rec.on_result)
    task.failed.connect(rec.on_error)
    task.progressed.connect(rec.on_progress)
    task.cancelled.connect(rec.on_cancelled)


@pytest.fixture
def runner(qtbot):
    r = TaskRunner()
    yield r
    r.cancel_all()
    r.wait(5000)


def test_result_delivered_on_gui_thread_when_work_succeeds(qtbot, runner):
    """The work's return value arrives through succeeded, in the GUI thread."""
    rec = _Recorder()
    worker_threads: list[int] = []

    def work(progress: ProgressFn, cancel: CancelToken) -> int:
        worker_threads.append(threading.get_ident())
        return 42

    task = runner.submit("answer", work)
    _connect(task, rec)
    with qtbot.waitSignal(task.finished, timeout=5000):
        pass
    assert rec.results == [42]
    assert rec.threads == {QThread.currentThread()}
    assert worker_threads[0] != threading.get_ident()
    assert not task.is_running


def test_error_delivered_when_work_raises(qtbot, runner):
    """An exception in the work is delivered through failed, not raised."""
    rec = _Recorder()

    def work(progress: ProgressFn, cancel: CancelToken) -> None:
        raise ValidationError("bad input")

    task = runner.submit("boom", work)
    _connect(task, rec)
    with qtbot.waitSignal(task.finished, timeout=5000):
        pass
    assert rec.results == []
    assert len(rec.errors) == 1 and isinstance(rec.errors[0], ValidationError)


def test_cancel_stops_work_when_requested(qtbot, runner):
    """cancel() sets the token the work polls; Cancelled becomes the cancelled signal."""
    rec = _Recorder()
    started = threading.Event()

    def work(progress: ProgressFn, cancel: CancelToken) -> None:
        started.set()
        while True:
            cancel.raise_if_cancelled()
            threading.Event().wait(0.001)

    task = runner.submit("endless", work)
    _connect(task, rec)
    qtbot.waitUntil(started.is_set, timeout=5000)
    with qtbot.waitSignal(task.finished, timeout=5000):
        task.cancel()
    assert rec.cancelled == 1
    assert rec.errors == [] and rec.results == []


def test_signals_are_not_missed_when_work_finishes_at_once(qtbot, runner):
    """Work that fails instantly still reaches slots connected right after submit."""
    for _ in range(50):
        rec = _Recorder()
        task = runner.submit("instant", _raise_at_once)
        _connect(task, rec)
        with qtbot.waitSignal(task.finished, timeout=5000):
            pass
        assert len(rec.errors) == 1


def _raise_at_once(progress: ProgressFn, cancel: CancelToken) -> None:
    raise ValidationError("at once")


def test_progress_throttled_when_work_reports_often(qtbot, runner):
    """Thousands of progress calls reach the GUI as far fewer signals, ending at 100 %."""
    rec = _Recorder()
    total = 20_000

    def work(progress: ProgressFn, cancel: CancelToken) -> int:
        for i in range(1, total + 1):
            progress(ProgressEvent(i, total, f"item {i}"))
        return total

    task = runner.submit("many", work)
    _connect(task, rec)
    with qtbot.waitSignal(task.finished, timeout=10000):
        pass
    assert 1 <= len(rec.events) < total // 10
    assert rec.events[-1].done == total
    assert rec.threads == {QThread.currentThread()}


def test_runner_forgets_task_when_finished(qtbot, runner):
    """A finished task leaves active_tasks and is announced by taskFinished."""
    task = runner.submit("quick", lambda progress, cancel: None)
    assert task in runner.active_tasks
    with qtbot.waitSignal(runner.taskFinished, timeout=5000) as blocker:
        pass
    assert blocker.args == [task]
    assert runner.active_tasks == []


def test_prefer_gui_thread_lowers_switch_interval_only_when_higher() -> None:
    """prefer_gui_thread shortens the GIL switch interval and never lengthens it."""
    import sys

    from app.gui.common.tasks import prefer_gui_thread

    saved = sys.getswitchinterval()
    try:
        sys.setswitchinterval(0.005)
        prefer_gui_thread(0.001)
        assert sys.getswitchinterval() == pytest.approx(0.001)
        prefer_gui_thread(0.002)
        assert sys.getswitchinterval() == pytest.approx(0.001)
    finally:
        sys.setswitchinterval(saved)
