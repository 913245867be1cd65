"""Row-level operations that can be replayed and inverted: the material of undo.

A use case performs its writes through a :class:`Recorder`; the recorded list of ops is
what the undo history keeps. Inverting an op list and applying it restores the previous
state exactly (same ids), which makes undo/redo one generic mechanism for every edit.

Two rules make that exact and safe:

* Deleting a row first does, through the recorder, what the schema's references do to
  the rows pointing at it (:mod:`app.store.references`): ``CASCADE`` deletes them (and
  what points at those), ``SET NULL`` clears the column. The database's own foreign-key
  actions then find nothing left to do, and undo brings every such row back.
* Applying an op checks that the row still holds what the op expects (an update: the old
  values; a delete: the whole row; an insert: a free key) and raises
  :class:`~app.core.errors.ConflictError` instead of overwriting. Another writer (or a
  write that bypassed the recorder) may have changed the row since the op was recorded.

Versioned rows (:mod:`app.store.versioning`) add one more rule: every update bumps the
row's ``version`` and stamps who and when, and an edit that says what it was based on
(:meth:`Recorder.expect`, a :class:`~app.core.conflicts.Seen`) is a versioned write: on a
row whose version moved on since, fields only one side changed merge, fields both changed
raise a ``ConflictError`` carrying a :class:`~app.core.conflicts.RowConflict` (base, mine,
theirs per field, the other author and time); an edit of a row deleted since re-creates it
(the edit is kept), a delete of a row changed since is refused.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Executable,
    Table,
    and_,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.core.conflicts import Seen
from app.core.errors import ConflictError
from app.store.identity import current_author
from app.store.references import (
    Reference,
    is_unchecked,
    references_from,
    references_to,
    table,
)
from app.store.schema import RECORD_KINDS
from app.store.versioning import (
    VERSION_COLUMNS,
    bookkeeping,
    delete_conflict,
    deleted_conflict,
    is_versioned,
    op_conflict,
    stale_conflict,
)

Row = dict[str, Any]
OpKind = Literal["insert", "delete", "update"]
CHUNK = 500


def primary_key(tbl: Table, row: Row) -> Row:
    """The primary-key values of ``row``."""
    return {c.name: row[c.name] for c in tbl.primary_key.columns}


def _where(tbl: Table, values: Row) -> ColumnElement[bool]:
    """Rows whose columns hold exactly ``values`` (None matches NULL); unchecked
    columns are not compared."""
    return and_(*(tbl.c[k].is_not_distinct_from(v) for k, v in values.items()
                  if not is_unchecked(tbl.c[k])))


@dataclass(frozen=True, slots=True)
class Op:
    """Insert, delete or update one row. ``row`` is the full row (insert/delete) or the
    primary key plus the new values (update); ``old`` holds the previous values (update)."""

    kind: OpKind
    table: str
    row: Row
    old: Row = field(default_factory=dict)

    def inverse(self) -> Op:
        if self.kind == "insert":
            return Op("delete", self.table, self.row)
        if self.kind == "delete":
            return Op("insert", self.table, self.row)
        pk = primary_key(table(self.table), self.row)
        new = {k: v for k, v in self.row.items() if k not in pk}
        return Op("update", self.table, {**pk, **self.old}, {**pk, **new})

    def apply(self, session: Session, author: str = "") -> None:
        """Write the op; raises ConflictError if the row is not as the op expects.
        An update of a versioned row bumps its version and stamps ``author``."""
        tbl = table(self.table)
        pk = primary_key(tbl, self.row)
        if self.kind == "insert":
            if session.execute(select(*tbl.primary_key.columns).where(_where(tbl, pk))).first():
                raise ConflictError(self.table, pk, "a row with this key already exists")
            try:
                session.execute(insert(tbl).values(**self.row))
            except IntegrityError as exc:  # a row it refers to is gone, or a value is taken
                raise ConflictError(self.table, pk, f"cannot restore it ({exc.orig})") from exc
            return
        if self.kind == "delete":
            done = _dml(session, delete(tbl).where(_where(tbl, self.row)))
        else:
            new = {k: v for k, v in self.row.items() if k not in pk}
            if is_versioned(tbl):
                new.update(bookkeeping(author, tbl.c.version + 1))
            done = _dml(session, update(tbl).where(_where(tbl, {**pk, **self.old})).values(**new))
        if done.rowcount != 1:
            detail = what_changed(session, tbl, pk, self.expected)
            conflict = op_conflict(session, tbl, pk, self.kind, self.row, self.old, detail)
            raise ConflictError(self.table, pk, detail, conflicts=conflict)

    @property
    def changed(self) -> frozenset[str]:
        """Columns an update changes (``old`` also carries unchanged reference columns,
        to name what the row points at); every column for an insert or delete."""
        if self.kind != "update":
            return frozenset(self.row)
        return frozenset(k for k, v in self.old.items() if self.row.get(k) != v)

    @property
    def expected(self) -> Row:
        """The values the row must hold for the op to apply (empty for an insert)."""
        return self.row if self.kind == "delete" else self.old if self.kind == "update" else {}


def _dml(session: Session, statement: Executable) -> CursorResult[Any]:
    """Run an INSERT, UPDATE or DELETE (``Session.execute`` is typed for SELECTs)."""
    return cast("CursorResult[Any]", session.execute(statement))


def what_changed(session: Session, tbl: Table, pk: Row, expected: Row) -> str:
    """A sentence saying how the row differs from what an op expected."""
    found = session.execute(select(tbl).where(_where(tbl, pk))).mappings().first()
    if found is None:
        return "the row no longer exists"
    diffs = [f"{k} is {_short(found[k])}, expected {_short(v)}"
             for k, v in expected.items() if found[k] != v and not is_unchecked(tbl.c[k])]
    return "; ".join(diffs) or "the row changed"


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def invert(ops: list[Op]) -> list[Op]:
    """The ops that undo ``ops`` (reversed order, each inverted)."""
    return [op.inverse() for op in reversed(ops)]


def _chunks(values: list[Any]) -> Iterator[list[Any]]:
    return (values[i : i + CHUNK] for i in range(0, len(values), CHUNK))


class Recorder:
    """Performs writes on a session and remembers them as ops. Never commits.

    ``author`` is who the versioned rows it writes are stamped with (by default the
    notebook's "who am I", :func:`app.store.identity.current_author`).
    """

    def __init__(self, session: Session, author: str | None = None) -> None:
        self.session = session
        self.ops: list[Op] = []
        self._author = author
        self._seen: dict[tuple[str, Any], Seen] = {}

    @property
    def author(self) -> str:
        if self._author is None:
            self._author = current_author(self.session)
        return self._author

    def expect(self, seen: Seen) -> None:
        """Make the next write of this row (an update or delete, in this transaction) a
        versioned write based on ``seen``: see the module docstring."""
        self._seen[(seen.table, seen.id)] = seen

    def insert(self, tbl: Table, row: Row) -> Row:
        """Insert ``row``; fills in an autoincrement id. Returns the full row as stored
        (column defaults included), which is what the op records."""
        values = {k: v for k, v in row.items() if not (k == "id" and v is None)}
        if is_versioned(tbl):
            values = {**bookkeeping(self.author, 1), **values}
        inserted = _dml(self.session, insert(tbl).values(**values)).inserted_primary_key
        pk = dict(zip([c.name for c in tbl.primary_key.columns], inserted or (), strict=True))
        full = dict(self.session.execute(select(tbl).where(_where(tbl, pk))).mappings().one())
        self.ops.append(Op("insert", tbl.name, full))
        return full

    def delete(self, tbl: Table, row: Row) -> None:
        """Delete the row with ``row``'s primary key, and record it with what the
        schema's references do to the rows pointing at it."""
        self.delete_rows(tbl, [row])

    def delete_rows(self, tbl: Table, rows: Iterable[Row]) -> None:
        """Delete these rows (by primary key), cascading as the schema says."""
        keys = [primary_key(tbl, r) for r in rows]
        if not keys:
            return
        self._detach_dependents(tbl, keys)
        for pk in keys:
            # Read the row only now: detaching its dependents may have changed it
            # (a self-reference set to NULL), and the op must hold it as deleted.
            current = self.session.execute(select(tbl).where(_where(tbl, pk))).mappings().first()
            if current is None:
                continue  # already gone through another reference of this delete
            seen = self._seen.pop((tbl.name, pk.get("id")), None)
            if seen is not None and current["version"] != seen.version:
                conflict = delete_conflict(tbl, seen, current)
                raise ConflictError(tbl.name, pk, conflict.describe(), conflicts=(conflict,))
            op = Op("delete", tbl.name, dict(current))
            op.apply(self.session)
            self.ops.append(op)

    def _detach_dependents(self, tbl: Table, keys: list[Row]) -> None:
        """Do, recorded, what each reference to ``tbl`` does when these rows go:
        delete the rows pointing at them (CASCADE, recursively) or clear the column
        (SET NULL). Other references are left to the database (which refuses)."""
        for ref in references_to(tbl.name):
            if ref.ondelete not in ("CASCADE", "SET NULL"):
                continue
            if all(ref.target_column in k for k in keys):
                targets = sorted({k[ref.target_column] for k in keys})
            else:
                targets = sorted(self._column_values(tbl, keys, ref.target_column))
            for chunk in _chunks(targets):
                children = self.rows(ref.table, *_pointing(ref, chunk))
                if ref.ondelete == "CASCADE":
                    self.delete_rows(ref.table, children)
                else:
                    for child in children:
                        self.update(ref.table, primary_key(ref.table, child), {ref.column: None})

    def _column_values(self, tbl: Table, keys: list[Row], column: str) -> set[Any]:
        """``column`` of the rows with these keys (for references to a non-key column)."""
        out: set[Any] = set()
        for pk in keys:
            out.update(self.session.scalars(select(tbl.c[column]).where(_where(tbl, pk))))
        return out - {None}

    def update(self, tbl: Table, pk: Row, values: Row) -> None:
        """Set ``values`` on the row with primary key ``pk``, remembering the old values.

        The op also carries the row's reference columns (unchanged), so that ``Changes``
        and the search documents can name the records a link row points at.
        """
        refs = [c for r in references_from(tbl.name)
                for c in (r.column, *(r.when[:1] if r.when else ()))]
        versioned = is_versioned(tbl)
        extra = VERSION_COLUMNS if versioned else ()
        cols = [tbl.c[k] for k in dict.fromkeys([*values, *refs, *extra])]
        query = select(*cols).where(_where(tbl, pk))
        # a versioned row stays locked from this read to the commit (PostgreSQL; SQLite
        # locks the whole file when the transaction writes), so no write slips between
        old = self.session.execute(query.with_for_update() if versioned else query
                                   ).mappings().first()
        seen = self._seen.pop((tbl.name, pk.get("id")), None) if versioned else None
        if old is None:
            if seen is None:
                raise ConflictError(tbl.name, pk, "the row no longer exists")
            self._recreate(tbl, pk, values, seen)
            return
        if seen is not None and old["version"] != seen.version:
            values = self._merged(tbl, pk, values, seen, old)
        changed = {k: v for k, v in values.items() if old[k] != v}
        if not changed:
            return
        kept = {c: old[c] for c in refs if c not in changed and c not in pk}
        op = Op("update", tbl.name, {**pk, **changed, **kept},
                {**{k: old[k] for k in changed}, **kept})
        op.apply(self.session, self.author)
        self.ops.append(op)

    def write(self, table_name: str, row_id: int, values: Row, seen: Seen) -> None:
        """A versioned write of one row named by its table (a conflict's resolution)."""
        self.expect(seen)
        self.update(table(table_name), {"id": row_id}, values)

    def _merged(self, tbl: Table, pk: Row, values: Row, seen: Seen, stored: Any) -> Row:
        """What a write based on an old version may still write: the fields only it
        changed (three-way against what it saw); raises ConflictError when a field was
        changed by both sides."""
        conflict, write = stale_conflict(tbl, pk, values, seen, stored)
        if conflict is not None:
            raise ConflictError(tbl.name, pk, conflict.describe(), conflicts=(conflict,))
        return write

    def _recreate(self, tbl: Table, pk: Row, values: Row, seen: Seen) -> None:
        """An edit of a row deleted since it was seen keeps the edit: the row comes back
        (same id) with what the user saw plus the edit, as a recorded insert. Rows it
        cannot rebuild (a value it never saw, a record it points at gone too) raise a
        ConflictError naming the deletion instead."""
        row = {**seen.values, **values, **pk, "version": seen.version + 1}
        row = {k: v for k, v in row.items() if k in tbl.c}
        missing = [c.name for c in tbl.columns if c.name not in row and not c.nullable
                   and c.default is None and c.server_default is None]
        if not missing:
            try:
                with self.session.begin_nested():
                    self.insert(tbl, row)
                return
            except (ConflictError, IntegrityError) as exc:
                missing = [str(exc)]
        conflict = deleted_conflict(self.session, tbl, pk, values, seen)
        raise ConflictError(tbl.name, pk, f"{conflict.describe()}; cannot restore it "
                            f"({', '.join(missing)})", conflicts=(conflict,))

    def rows(self, tbl: Table, *where: Any) -> list[Row]:
        """Full rows matching ``where`` (to delete them recordably)."""
        return [dict(r) for r in self.session.execute(select(tbl).where(*where)).mappings()]


def _pointing(ref: Reference, targets: list[Any]) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = [ref.table.c[ref.column].in_(targets)]
    if ref.when is not None:
        clauses.append(ref.table.c[ref.when[0]] == ref.when[1])
    return clauses



def touched_records(ops: Iterable[Op]) -> tuple[dict[str, set[int]], dict[str, set[int]]]:
    """What the ops touched, as ``(touched, deleted)`` ids per ``Changes`` kind.

    A row of a record table (:data:`app.store.schema.RECORD_KINDS`) names itself; any
    other row (a tag link, an alias, a party ...) names the records its foreign keys
    point at. Soft references (a note's link target) do not: writing a link touches the
    note, not what it links to.
    """
    touched: dict[str, set[int]] = defaultdict(set)
    deleted: dict[str, set[int]] = defaultdict(set)
    for op in ops:
        kind = RECORD_KINDS.get(op.table)
        if kind is not None:
            (deleted if op.kind == "delete" else touched)[kind].add(op.row["id"])
            continue
        for ref in references_from(op.table):
            target_kind = RECORD_KINDS.get(ref.target)
            value = op.row.get(ref.column)
            if target_kind is not None and value is not None and ref.when is None:
                touched[target_kind].add(value)
    return touched, deleted
