"""PostgreSQL notifications of new change-log entries: one LISTEN connection.

Each write's commit step calls ``pg_notify('dossier_<uuid>', seq)``
(:mod:`app.store.changelog`); PostgreSQL delivers it to every listening connection at
commit. Notifications are never stored: whatever arrives while the connection is down
is lost, so a watcher also polls the clock, and a notification only says "look now".

The connection is taken through the engine (so it is made exactly as the notebook's
own are, credentials included), then detached from the pool and switched to autocommit
(a LISTEN inside an open transaction takes effect only at its commit).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from sqlalchemy import Engine

from app.core.errors import NotebookError

log = logging.getLogger(__name__)


class NotificationListener:
    """A LISTEN connection on one channel; use from one thread."""

    def __init__(self, engine: Engine, channel: str) -> None:
        self._engine = engine
        self.channel = channel
        self._conn: Any = None
        self.backend_pid = 0

    @staticmethod
    def is_supported(engine: Engine) -> bool:
        """True for PostgreSQL through psycopg 3 (SQLite has no notifications)."""
        return engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg"

    @property
    def is_connected(self) -> bool:
        return self._conn is not None and not self._conn.closed

    def connect(self) -> None:
        """Open the connection and LISTEN.

        Raises:
            NotebookError: the server cannot be reached.
        """
        self.close()
        conn = None
        try:
            fairy = self._engine.raw_connection()
            conn = fairy.driver_connection
            fairy.detach()  # ours for as long as we listen, never handed back to the pool
            if conn is None:
                raise NotebookError("no database connection to listen on")
            conn.rollback()
            conn.autocommit = True
            conn.execute(f'LISTEN "{self.channel}"')
        except Exception as exc:  # SQLAlchemy's, the OS's or psycopg's own errors
            # detached, the connection is no pool's: close it here, or it stays open
            # until the garbage collector finds it (a server backend held that long)
            _close_quietly(conn)
            if isinstance(exc, NotebookError):
                raise
            raise NotebookError(f"cannot listen for changes: {exc}") from exc
        self._conn = conn
        self.backend_pid = int(conn.info.backend_pid)

    def wait(self, timeout: float) -> list[str]:
        """Wait up to ``timeout`` seconds; returns the payloads that arrived (may be
        empty).

        Raises:
            NotebookError: the connection broke (it is closed; call :meth:`connect`).
        """
        if self._conn is None:
            raise NotebookError("not listening")
        try:
            return [n.payload for n in self._conn.notifies(timeout=timeout, stop_after=1)]
        except Exception as exc:  # the server went away or terminated this backend
            self.close()
            raise NotebookError(f"the change notifications stopped: {exc}") from exc

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception as exc:  # closing a broken connection; nothing to keep
                log.debug("closing the listen connection: %s", exc)
            self._conn = None
            self.backend_pid = 0


def _close_quietly(conn: Any) -> None:
    if conn is None:
        return
    try:
        conn.close()
    except Exception as exc:  # a broken connection: nothing left to release
        log.debug("closing a failed listen connection: %s", exc)


def listener_factory(engine: Engine) -> Callable[[str], NotificationListener] | None:
    """Makes a listener for a channel of this engine's database; None where the
    database has no notifications (SQLite: its clients poll)."""
    if not NotificationListener.is_supported(engine):
        return None
    return partial(NotificationListener, engine)
