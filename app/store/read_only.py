"""A session-level guard: a read-only notebook's sessions refuse to write.

Edit use cases are refused earlier, by :class:`app.services.unit.Writer` before it opens
a transaction; this guard catches every other path (imports, notebook-file import,
index bookkeeping) at the first INSERT, UPDATE or DELETE, before the statement reaches
the database. The database's own grants stay the real barrier: this only turns a
refusal into a clear :class:`~app.core.errors.ReadOnlyError` instead of a driver error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from app.core.errors import ReadOnlyError


def refuse_writes(sessions: sessionmaker[Session], reason: Callable[[], str]) -> None:
    """Make every session of ``sessions`` raise ReadOnlyError(reason()) on a write while
    ``reason()`` is not empty (it is asked each time, so access can change)."""

    def _execute(state: ORMExecuteState) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            _refuse(reason())

    def _flush(session: Session, _context: Any, _instances: Any) -> None:
        if session.new or session.dirty or session.deleted:
            _refuse(reason())

    event.listen(sessions, "do_orm_execute", _execute)
    event.listen(sessions, "before_flush", _flush)


def _refuse(why: str) -> None:
    if why:
        raise ReadOnlyError(why)
