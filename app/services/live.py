"""Live updates: watch the notebook's change log and tell views what others changed.

Every write is numbered in commit order in the change log (:mod:`app.store.changelog`).
A :class:`LiveWatcher` remembers the last number it has reported and, whenever it looks,
hands the entries after it to its subscribers as one :class:`~app.core.changelog.LiveUpdate`
(the same ``Changes`` local edits return, plus who changed each record and when), and
wakes the indexer, which follows the same log into this client's search index.

It looks when told (:meth:`LiveWatcher.check`), and once started, in its own thread:
at once when PostgreSQL notifies a commit (a LISTEN connection), and every
``poll_seconds`` in any case, because notifications are lost while the connection is
down (the listener reconnects after ``reconnect_seconds`` and then looks again). On
SQLite, with one client, it only polls (this process's own writes wake the indexer at
commit). Writes made through this notebook are not reported again: their callers
already got their ``Changes``. It also prunes the log now and then (entries older than
``retention``), raising the floor; a watcher left below the floor gets an update with
``is_reset`` (reload everything), as an index left there is rebuilt.

Subscribers are called from the watcher's thread: a GUI must hand the update over to
its own thread (a queued signal) before touching widgets.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable

from app.core.changelog import LiveUpdate
from app.core.changes import Changes
from app.core.errors import DossierError, NotebookError
from app.store import changelog
from app.store.engine import translated_errors
from app.store.notifications import NotificationListener
from app.store.sessions import Sessions

log = logging.getLogger(__name__)

POLL_SECONDS = 2.0
"""How often the clock is read when no notification came (one indexed one-row read)."""
RECONNECT_SECONDS = 10.0
LISTEN_SLICE = 0.2
"""The longest one wait for a notification lasts, so that stopping is quick."""
RETENTION = dt.timedelta(days=30)
PRUNE_EVERY = 3600.0
MAX_ENTRIES = 20_000
"""More entries than this at once (a big import by a colleague) are reported as a
reset: reloading the views is cheaper than refreshing record by record."""

Subscriber = Callable[[LiveUpdate], None]


class LiveWatcher:
    """Follows the change log from the moment the notebook was opened.

    Attributes:
        poll_seconds, reconnect_seconds, retention: see the module docstring; read on
            every round, so they may be changed while it runs.
        last_seq: the last write number reported (or seen as this notebook's own).
    """

    def __init__(self, sessions: Sessions,
                 listen: Callable[[str], NotificationListener] | None,
                 wake: Callable[[], None]) -> None:
        """``listen(channel)`` makes the notification listener (None: poll only);
        ``wake`` wakes the indexer."""
        self._sessions = sessions
        self._wake = wake
        self.poll_seconds = POLL_SECONDS
        self.reconnect_seconds = RECONNECT_SECONDS
        self.retention = RETENTION
        with translated_errors(), sessions() as session:
            clock = changelog.clock(session)
        self.last_seq = clock.seq
        self._notebook_uuid = clock.notebook_uuid
        self._own: set[int] = set()
        self._subscribers: list[Subscriber] = []
        self._check_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._may_prune = True
        self._listener = listen(self.channel) if listen is not None else None

    # -- subscribers ----------------------------------------------------------------------
    def subscribe(self, fn: Subscriber) -> None:
        """Call ``fn(update)`` (from the watcher's thread) for every update."""
        self._subscribers.append(fn)

    def unsubscribe(self, fn: Subscriber) -> None:
        if fn in self._subscribers:
            self._subscribers.remove(fn)

    def note_own(self, seq: int) -> None:
        """A write of this notebook committed as ``seq`` (not reported again)."""
        self._own.add(seq)

    @property
    def channel(self) -> str:
        """The PostgreSQL notification channel of this notebook."""
        return changelog.channel(self._notebook_uuid)

    @property
    def listener_pid(self) -> int:
        """The server process of the LISTEN connection (0 when not listening)."""
        return self._listener.backend_pid if self._listener is not None else 0

    # -- looking ----------------------------------------------------------------------------
    def check(self) -> LiveUpdate | None:
        """Look at the log now; report (and return) what others wrote since last time."""
        with self._check_lock:
            update = self._read()
        if update is None:
            return None
        self._wake()
        if update.is_reset or not update.changes.is_empty:
            for fn in list(self._subscribers):
                try:
                    fn(update)
                except Exception:  # a view's bug must not stop the watcher
                    log.exception("live update subscriber failed")
            return update
        return None

    def _read(self) -> LiveUpdate | None:
        with translated_errors(), self._sessions() as session:
            clock = changelog.clock(session)
            if clock.notebook_uuid != self._notebook_uuid or self.last_seq < clock.floor_seq:
                return self._reset(clock.seq, clock.notebook_uuid)
            if clock.seq <= self.last_seq:
                return None
            entries = changelog.entries(session, self.last_seq, clock.seq, MAX_ENTRIES + 1)
        if len(entries) > MAX_ENTRIES:
            return self._reset(clock.seq, clock.notebook_uuid)
        first = self.last_seq + 1
        others = [e for e in entries if e.seq not in self._own]
        self._own = {s for s in self._own if s > clock.seq}
        self.last_seq = clock.seq
        update = LiveUpdate.of(others, label="changed by others")
        return LiveUpdate(update.changes, first, clock.seq, update.authors, update.changed_by)

    def _reset(self, seq: int, notebook_uuid: str) -> LiveUpdate:
        first = self.last_seq + 1
        self.last_seq, self._notebook_uuid = seq, notebook_uuid
        self._own.clear()
        return LiveUpdate(Changes(label="reload"), first, seq, is_reset=True)

    def prune(self, now: dt.datetime | None = None) -> int:
        """Drop log entries older than ``retention``; returns the floor."""
        cutoff = (now or dt.datetime.now(dt.UTC)) - self.retention
        with translated_errors(), self._sessions() as session, session.begin():
            return changelog.prune(session, cutoff)

    # -- the thread -----------------------------------------------------------------------
    def start(self) -> None:
        """Watch in a daemon thread until :meth:`stop`."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="dossier-live", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join(timeout)
        self._thread = None
        if self._listener is not None:
            self._listener.close()

    def _loop(self) -> None:
        next_poll = next_connect = 0.0
        next_prune = time.monotonic() + 60.0  # not while the notebook is opening
        while not self._stop.is_set():
            now = time.monotonic()
            if self._listener is not None and not self._listener.is_connected \
                    and now >= next_connect:
                next_connect = now + self.reconnect_seconds
                if self._connect():
                    next_poll = 0.0  # look now: notifications were lost meanwhile
            if self._wait_for_notification():
                next_poll = 0.0
            if time.monotonic() >= next_poll:
                next_poll = time.monotonic() + self.poll_seconds
                self._check_quietly()
            if self._may_prune and time.monotonic() >= next_prune:
                next_prune = time.monotonic() + PRUNE_EVERY
                self._prune_quietly()

    def _connect(self) -> bool:
        assert self._listener is not None
        try:
            self._listener.connect()
        except NotebookError as exc:
            log.info("not listening for changes (polling instead): %s", exc)
            return False
        log.info("listening for changes on %s", self._listener.channel)
        return True

    def _wait_for_notification(self) -> bool:
        """Wait one slice; True if a commit was notified."""
        if self._listener is None or not self._listener.is_connected:
            self._stop.wait(LISTEN_SLICE)
            return False
        try:
            return bool(self._listener.wait(LISTEN_SLICE))
        except NotebookError as exc:
            log.warning("%s; polling every %s s until it is back", exc, self.poll_seconds)
            return False

    def _check_quietly(self) -> None:
        try:
            self.check()
        except DossierError as exc:
            log.warning("cannot read the change log: %s", exc)

    def _prune_quietly(self) -> None:
        try:
            self.prune()
        except DossierError as exc:  # a reader may not delete: leave it to the owners
            log.info("change log not pruned: %s", exc)
            self._may_prune = False
