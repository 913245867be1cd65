"""Progress reporting and cancellation for long work (import, reindex, export).

Long work is a plain function taking ``progress`` and ``cancel`` arguments; the GUI
wraps it in a worker thread, the CLI prints a bar, tests pass nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from app.core.errors import Cancelled


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    """One step of long work: ``done`` of ``total`` (total 0 when unknown)."""

    done: int
    total: int
    label: str = ""


ProgressFn = Callable[[ProgressEvent], None]


def no_progress(event: ProgressEvent) -> None:
    """A progress callback that ignores every event."""


class CancelToken:
    """A thread-safe flag that long work polls between items."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        """Ask the work to stop at the next item boundary."""
        self._event.set()

    @property
    def is_cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        """Raise :class:`Cancelled` if cancellation was requested."""
        if self._event.is_set():
            raise Cancelled("cancelled by the user")
