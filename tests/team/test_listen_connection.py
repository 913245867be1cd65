"""The LISTEN connection is detached from the engine's pool: when setting it up fails, it
must be closed at once, not left open until the garbage collector finds it (a server
backend held that long, and a ResourceWarning at some later, unrelated moment)."""

from __future__ import annotations

from typing import Any

import pytest

from app.core.errors import NotebookError
from app.store.notifications import NotificationListener


class _Conn:
    def __init__(self) -> None:
        self.closed = False
        self.autocommit = False

    def rollback(self) -> None:
        pass

    def execute(self, _sql: str) -> None:
        raise OSError("server closed the connection unexpectedly")  # terminated meanwhile

    def close(self) -> None:
        self.closed = True


class _Fairy:
    def __init__(self, conn: _Conn) -> None:
        self.driver_connection = conn

    def detach(self) -> None:
        pass


class _Engine:
    def __init__(self, conn: _Conn) -> None:
        self._conn = conn

    def raw_connection(self) -> Any:
        return _Fairy(self._conn)


def test_a_listen_that_fails_after_connecting_closes_the_connection() -> None:
    conn = _Conn()
    listener = NotificationListener(_Engine(conn), "dossier_x")  # type: ignore[arg-type]
    with pytest.raises(NotebookError, match="cannot listen for changes: server closed"):
        listener.connect()
    assert conn.closed
    assert not listener.is_connected
