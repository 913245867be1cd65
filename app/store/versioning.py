"""Row versions: the columns every mutable row carries, and reading them as a ``Stamp``.

A row kind that users edit in place (an article's metadata, a tag, a highlight's memo, an
actor, an alias, an agreement with its parties, status events and evidence, a note)
inherits :class:`Versioned`: ``version`` grows by one on every update, ``changed_by`` and
``changed_at`` say who made the last change and when (UTC). The recorder
(:mod:`app.store.ops`) maintains them on every write, undo included, and refuses a write
based on a stale version (:mod:`app.core.conflicts`).

Rows that are never updated in place carry none: a tag link (``highlight_tag``) or a
mention is only added or removed (the one update of a mention, re-pointing it when actors
are merged, is already a compare-and-set on the old actor id); article revisions are
append-only history; note links are a cache rebuilt from the note's text (which is
versioned); the search outbox, notebook metadata and suggestion rejections are
bookkeeping. Additions never conflict, so rows that are only added need no version.

The three columns are *unchecked* (:func:`app.store.references.is_unchecked`): an undo
step checks the values it wrote, field by field, not the row's version, so a colleague's
change to another field of the row does not block undoing mine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import DateTime, Integer, String, Table, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.core.conflicts import Action, FieldConflict, RowConflict, Seen, Stamp, merge_fields

VERSION_COLUMNS = ("version", "changed_by", "changed_at")
"""The bookkeeping columns of a versioned row."""

TOUCHED = frozenset({"modified_at"})
"""Columns an edit sets to its own time: taken from the write, never merged."""


class Versioned:
    """Mixin for the tables of mutable rows: a growing version and the last change."""

    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1",
                                         info={"unchecked": True})
    changed_by: Mapped[str] = mapped_column(String(200), default="", server_default="",
                                            info={"unchecked": True})
    changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True,
                                                           info={"unchecked": True})


def is_versioned(tbl: Table) -> bool:
    """Does this table's rows carry a version?"""
    return "version" in tbl.c


def now() -> dt.datetime:
    """The time a change is stamped with: UTC, naive (as every DateTime column here)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def stamp_of(row: Mapping[Any, Any]) -> Stamp:
    """The stamp of a row read with its version columns."""
    return Stamp(int(row["version"] or 0), row["changed_by"] or "", row["changed_at"])


def bookkeeping(author: str, version: Any) -> dict[str, Any]:
    """The values an update sets besides its own: the next version, who and when.
    ``version`` is a number or a column expression (``tbl.c.version + 1``)."""
    return {"version": version, "changed_by": author[:200], "changed_at": now()}


# -- conflicts: what a refused write tells the user ------------------------------------
def _author_time(stored: Mapping[Any, Any] | None) -> tuple[int, str, dt.datetime | None]:
    if stored is None or "version" not in stored:
        return 0, "", None
    stamp = stamp_of(stored)
    return stamp.version, stamp.changed_by, stamp.changed_at


def stale_conflict(tbl: Table, pk: Mapping[str, Any], values: Mapping[str, Any], seen: Seen,
                   stored: Mapping[Any, Any]) -> tuple[RowConflict | None, dict[str, Any]]:
    """A write based on version ``seen.version`` of a row now at another version:
    ``(None, what to write)`` when the two sides changed different fields, else
    ``(the conflict, {})``."""
    own = {k: v for k, v in values.items() if k not in TOUCHED}
    write, fields = merge_fields(seen.values, own, {k: stored[k] for k in own})
    if not any(f.is_conflicting for f in fields):
        if write:  # a write's own "modified at" goes with it, never conflicts
            write.update({k: v for k, v in values.items() if k in TOUCHED})
        return None, write
    version, author, at = _author_time(stored)
    return RowConflict(tbl.name, int(pk["id"]), fields, "update", "edit", version, author,
                       at), {}


def delete_conflict(tbl: Table, seen: Seen, stored: Mapping[Any, Any]) -> RowConflict:
    """A delete refused because the row changed since the user saw it: the fields that
    changed (mine is what the user saw: deleting does not change a field)."""
    fields = tuple(FieldConflict(k, v, v, stored[k]) for k, v in seen.values.items()
                   if k in stored and stored[k] != v)
    version, author, at = _author_time(stored)
    return RowConflict(tbl.name, seen.id, fields, "delete", "edit", version, author, at)


def deleted_conflict(session: Session, tbl: Table, pk: Mapping[str, Any],
                     values: Mapping[str, Any], seen: Seen) -> RowConflict:
    """An edit that found its row deleted (and could not bring it back)."""
    fields = tuple(FieldConflict(k, seen.values.get(k), v, None) for k, v in values.items())
    author, at = deleted_by(session, tbl.name, int(pk["id"]))
    return RowConflict(tbl.name, int(pk["id"]), fields, "update", "edit", 0, author, at,
                       deleted=True)


def op_conflict(session: Session, tbl: Table, pk: Mapping[str, Any], kind: str,
                row: Mapping[str, Any], old: Mapping[str, Any], detail: str
                ) -> tuple[RowConflict, ...]:
    """The conflict an op (an undo or redo step) met: for an update, per changed field
    the value it expected (base), the value it writes (mine) and the value found
    (theirs); for a delete, the fields that differ from the row it expected."""
    if "id" not in pk or kind == "insert":
        return ()
    stored = session.execute(select(tbl).where(tbl.c.id == pk["id"])).mappings().first()
    if kind == "update":
        names = [k for k, v in old.items() if row.get(k) != v]
        fields = tuple(FieldConflict(k, old[k], row[k], None if stored is None else stored[k])
                       for k in names)
        action: Action = "update"
    else:
        fields = tuple(FieldConflict(k, v, v, stored[k]) for k, v in row.items()
                       if stored is not None and k not in VERSION_COLUMNS and stored[k] != v)
        action = "delete"
    version, author, at = _author_time(stored)
    if stored is None:
        author, at = deleted_by(session, tbl.name, int(pk["id"]))
    return (RowConflict(tbl.name, int(pk["id"]), fields, action, "edit", version, author,
                        at, deleted=stored is None, label=detail),)


def deleted_by(session: Session, table: str, row_id: int) -> tuple[str, dt.datetime | None]:
    """Who deleted a record, and when, as the change log says ("" and None when it does
    not: a row that is not a record of its own, or a log pruned since)."""
    from app.store.schema import RECORD_KINDS
    from app.store.schema_changelog import change_log

    kind = RECORD_KINDS.get(table)
    if kind is None:
        return "", None
    found = session.execute(
        select(change_log.c.author, change_log.c.at)
        .where(change_log.c.entity == kind, change_log.c.entity_id == row_id,
               change_log.c.op == "delete")
        .order_by(change_log.c.seq.desc()).limit(1)).first()
    return (str(found[0]), found[1]) if found else ("", None)
