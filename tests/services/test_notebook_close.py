"""Closing a notebook releases every database connection, even one a worker thread still
holds, and nothing can quietly reconnect to it afterwards.

A GUI task (the network layout, a mention scan) may still be reading when its window
closes the notebook. Before, ``Engine.dispose`` left that connection open: it went back to
the disposed pool when the task finished, and stayed open until the garbage collector
found it (on PostgreSQL a server backend held that long, and a ``ResourceWarning`` in
whatever ran then: a CI failure). A session opened after the close reconnected silently.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from app.core.errors import NotebookError


def _is_closed(dbapi_conn: object) -> bool:
    closed = getattr(dbapi_conn, "closed", None)
    if closed is not None:  # psycopg
        return bool(closed)
    try:  # sqlite3 has no attribute for it: a closed connection refuses work
        dbapi_conn.execute("SELECT 1")  # type: ignore[attr-defined]
    except Exception:  # sqlite3.ProgrammingError: "Cannot operate on a closed database."
        return True
    return False


def test_a_connection_a_thread_holds_at_close_is_closed_when_it_is_returned(notebook):
    """The thread's session is open while the notebook closes; once the thread lets go,
    its connection is closed (not parked in the disposed pool)."""
    holding, release, done = threading.Event(), threading.Event(), threading.Event()
    seen: list[object] = []

    def worker() -> None:
        with notebook.sessions() as session:
            session.execute(text("SELECT 1"))
            seen.append(session.connection().connection.driver_connection)
            holding.set()
            release.wait(10)
        done.set()

    thread = threading.Thread(target=worker)
    thread.start()
    assert holding.wait(10)
    notebook.close()
    release.set()
    thread.join(10)
    assert done.is_set()
    assert _is_closed(seen[0])


def test_a_closed_notebook_refuses_new_sessions(notebook):
    """A late timer or task cannot reopen the database of a closed notebook."""
    notebook.close()
    with pytest.raises(NotebookError, match="closed"), notebook.sessions() as session:
        session.execute(text("SELECT 1"))


def test_close_twice_is_harmless(notebook):
    notebook.close()
    notebook.close()
    assert notebook.closed
