"""Notebook-wide settings (key/value rows of ``notebook_meta``). Never commits."""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from app.store import schema

M = schema.Base.metadata.tables["notebook_meta"]  # typed Table (schema.meta is a FromClause)


def get_value(session: Session, key: str) -> str | None:
    """The value stored under ``key``, or None."""
    value = session.scalar(select(M.c.value).where(M.c.key == key))
    return None if value is None else str(value)


def set_value(session: Session, key: str, value: str) -> None:
    """Store ``value`` under ``key`` (replacing an earlier value). Not undoable: for
    notebook bookkeeping, not for the user's records."""
    if get_value(session, key) is None:
        session.execute(insert(M).values(key=key, value=value))
    else:
        session.execute(update(M).where(M.c.key == key).values(value=value))
