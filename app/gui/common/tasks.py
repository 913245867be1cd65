"""Run long work (import, reindex) off the GUI thread with throttled progress and cancel.

Long work is a plain function ``fn(progress, cancel) -> result`` (see
:mod:`app.core.progress`). :class:`TaskRunner` runs it in a ``QThreadPool`` and hands
back a :class:`Task`, a GUI-thread ``QObject`` whose signals carry progress, the
result or the error. Because the task lives in the GUI thread, signals emitted from
the worker are queued to the receivers there: connect them to methods of GUI-thread
objects, never to lambdas (a lambda has no thread affinity and would run on the
worker).
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from app.core.errors import Cancelled
from app.core.progress import CancelToken, ProgressEvent, ProgressFn

log = logging.getLogger(__name__)

Work = Callable[[ProgressFn, CancelToken], Any]

#: Seconds between two progress signals; more would flood the GUI event queue.
PROGRESS_INTERVAL = 0.05

#: Seconds a thread may hold the GIL while another waits (CPython's default is 0.005).
#: Painting calls back into Python for every cell and role, and each callback waits for
#: the GIL held by the import and indexer threads: at 5 ms, repainting the library
#: during a 1,000-article import took up to 176 ms and the GUI stalled 21 times over
#: 50 ms; at 0.5 ms, 33 ms and 2 times (tests/bench/bench_app.py). Imports got ~10 %
#: slower, which nobody watching a progress bar notices.
GUI_SWITCH_INTERVAL = 0.0005


def prefer_gui_thread(interval: float = GUI_SWITCH_INTERVAL) -> None:
    """Make worker threads hand the GIL back to the GUI thread sooner."""
    if sys.getswitchinterval() > interval:
        log.info("GIL switch interval %.1f ms -> %.1f ms", sys.getswitchinterval() * 1000,
                 interval * 1000)
        sys.setswitchinterval(interval)


class Task(QObject):
    """One piece of long work as seen from the GUI thread.

    Signals are emitted in this order: any number of ``progressed``, then exactly one
    of ``succeeded``, ``failed`` or ``cancelled``, then ``finished``.
    """

    progressed = Signal(object)  # ProgressEvent
    succeeded = Signal(object)  # the work's return value
    failed = Signal(object)  # the exception (not Cancelled)
    cancelled = Signal()
    finished = Signal()

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.token = CancelToken()
        self._lock = threading.Lock()
        self._last_emit = 0.0
        self._is_running = True

    @property
    def is_running(self) -> bool:
        """True until the work has returned or raised."""
        return self._is_running

    def cancel(self) -> None:
        """Ask the work to stop at its next item boundary."""
        log.info("cancel requested for task %s", self.name)
        self.token.cancel()

    def report(self, event: ProgressEvent) -> None:
        """Progress callback for the worker: forwards at most one event per interval.

        The final event (``done == total``) always goes through so that bars reach 100 %.
        """
        now = time.monotonic()
        with self._lock:
            is_last = event.total > 0 and event.done >= event.total
            if not is_last and now - self._last_emit < PROGRESS_INTERVAL:
                return
            self._last_emit = now
        self.progressed.emit(event)

    def _finish(self) -> None:
        self._is_running = False
        self.finished.emit()


class _Runnable(QRunnable):
    """Calls the work on a pool thread and routes the outcome to the task's signals."""

    def __init__(self, task: Task, work: Work) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._task = task
        self._work = work

    def run(self) -> None:
        task = self._task
        try:
            result = self._work(task.report, task.token)
        except Cancelled:
            task.cancelled.emit()
        except Exception as exc:
            log.exception("task %s failed", task.name)
            task.failed.emit(exc)
        else:
            task.succeeded.emit(result)
        finally:
            task._finish()


class TaskRunner(QObject):
    """Starts :class:`Task` objects on a thread pool and keeps them alive until done."""

    taskStarted = Signal(object)  # Task
    taskFinished = Signal(object)  # Task

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._tasks: set[Task] = set()
        self._pending: list[tuple[Task, Work]] = []

    def submit(self, name: str, work: Work) -> Task:
        """Start ``work(progress, cancel)`` on a pool thread and return its task.

        The work starts only when control returns to the event loop, so signals
        connected right after this call never miss an emission (a signal emitted
        from the worker reaches only the slots connected at that moment).
        """
        task = Task(name, self)
        task.finished.connect(self._on_task_finished)
        self._tasks.add(task)
        self._pending.append((task, work))
        self.taskStarted.emit(task)
        QTimer.singleShot(0, self._start_pending)
        return task

    def _start_pending(self) -> None:
        pending, self._pending = self._pending, []
        for task, work in pending:
            self._pool.start(_Runnable(task, work))

    @property
    def active_tasks(self) -> list[Task]:
        """Tasks whose ``finished`` signal has not been delivered yet."""
        return list(self._tasks)

    def cancel_all(self) -> None:
        """Ask every running task to stop."""
        for task in self._tasks:
            task.cancel()

    def wait(self, timeout_ms: int = -1) -> bool:
        """Block until the pool is idle (for shutdown and tests); True if it is."""
        self._start_pending()
        return self._pool.waitForDone(timeout_ms)

    def _on_task_finished(self) -> None:
        task = self.sender()
        if isinstance(task, Task):
            self._tasks.discard(task)
            self.taskFinished.emit(task)
