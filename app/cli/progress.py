"""Progress output for the terminal: a one-line bar on a TTY, sparse lines otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from app.core.progress import ProgressEvent


class TerminalProgress:
    """A progress callback that redraws at most every 0.1 s (a TTY) or 5 s (a log)."""

    def __init__(self, stream: TextIO | None = None, verb: str = "") -> None:
        self.stream = stream or sys.stderr
        self.verb = verb
        self.is_tty = self.stream.isatty()
        self._interval = 0.1 if self.is_tty else 5.0
        self._last = 0.0
        self._drawn = False

    def __call__(self, event: ProgressEvent) -> None:
        now = time.monotonic()
        if now - self._last < self._interval and event.done < event.total:
            return
        self._last = now
        line = self._line(event)
        if self.is_tty:
            self.stream.write("\r\x1b[2K" + line)
            self._drawn = True
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def _line(self, event: ProgressEvent) -> str:
        verb = self.verb or event.label
        if event.total:
            share = event.done / event.total
            bar = "#" * int(share * 24)
            label = event.label if self.verb else ""
            return f"{verb} [{bar:<24}] {event.done:,}/{event.total:,} {label[:40]}"
        return f"{verb} {event.done:,} {event.label[:40]}"

    def finish(self) -> None:
        """End the bar's line."""
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False
