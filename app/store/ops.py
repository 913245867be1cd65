"""Row-level operations that can be replayed and inverted: the material of undo.

A use case performs its writes through a :class:`Recorder`; the recorded list of ops is
what the undo history keeps. Inverting an op list and applying it restores the previous
state exactly (same ids), which makes undo/redo one generic mechanism for every edit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.orm import Session

from app.store import schema


@dataclass(frozen=True, slots=True)
class TableInfo:
    """How ops on a table show up in ``Changes``.

    ``kind`` is the Changes field for the table's own ``id`` (None for link tables);
    ``refs`` maps columns of link rows to the Changes field of the row they point at.
    """

    table: Table
    kind: str | None
    refs: tuple[tuple[str, str], ...] = ()


REGISTRY: dict[str, TableInfo] = {}
TABLES: dict[str, Table] = {}


def register(table: Table, kind: str | None, refs: tuple[tuple[str, str], ...] = ()) -> None:
    """Make a table's rows recordable (undo) and reportable (Changes)."""
    REGISTRY[table.name] = TableInfo(table, kind, refs)
    TABLES[table.name] = table


register(schema.article, "articles")
register(schema.tag, "tags")
register(schema.highlight, "highlights")
register(schema.highlight_tag, None, (("highlight_id", "highlights"), ("tag_id", "tags")))

Row = dict[str, Any]


def _pk(table: Table, row: Row) -> dict[str, Any]:
    return {c.name: row[c.name] for c in table.primary_key.columns}


def _where(table: Table, pk: dict[str, Any]) -> Any:
    clauses = [table.c[name] == value for name, value in pk.items()]
    return clauses[0] if len(clauses) == 1 else clauses[0] & clauses[1]


@dataclass(frozen=True, slots=True)
class Op:
    """Insert, delete or update one row. ``row`` is the full row (insert/delete) or the
    primary key plus the new values (update); ``old`` holds the previous values (update)."""

    kind: str  # "insert" | "delete" | "update"
    table: str
    row: Row
    old: Row = field(default_factory=dict)

    def inverse(self) -> Op:
        if self.kind == "insert":
            return Op("delete", self.table, self.row)
        if self.kind == "delete":
            return Op("insert", self.table, self.row)
        pk = _pk(TABLES[self.table], self.row)
        return Op("update", self.table, {**pk, **self.old}, {**pk, **{
            k: v for k, v in self.row.items() if k not in pk
        }})

    def apply(self, session: Session) -> None:
        table = TABLES[self.table]
        if self.kind == "insert":
            session.execute(insert(table).values(**self.row))
        elif self.kind == "delete":
            session.execute(delete(table).where(_where(table, _pk(table, self.row))))
        else:
            pk = _pk(table, self.row)
            values = {k: v for k, v in self.row.items() if k not in pk}
            session.execute(update(table).where(_where(table, pk)).values(**values))


def invert(ops: list[Op]) -> list[Op]:
    """The ops that undo ``ops`` (reversed order, each inverted)."""
    return [op.inverse() for op in reversed(ops)]


class Recorder:
    """Performs writes on a session and remembers them as ops. Never commits."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.ops: list[Op] = []

    def insert(self, table: Table, row: Row) -> Row:
        """Insert ``row``; fills in an autoincrement id. Returns the full row."""
        result = self.session.execute(insert(table).values(**row))
        full = dict(row)
        if "id" in table.c and full.get("id") is None:
            full["id"] = result.inserted_primary_key[0]
        self.ops.append(Op("insert", table.name, full))
        return full

    def delete(self, table: Table, row: Row) -> None:
        """Delete the row (``row`` must be the full current row, for undo)."""
        op = Op("delete", table.name, dict(row))
        op.apply(self.session)
        self.ops.append(op)

    def update(self, table: Table, pk: dict[str, Any], values: Row) -> None:
        """Set ``values`` on the row with primary key ``pk``, remembering the old values.

        The op also carries the row's registered reference columns (unchanged), so that
        ``Changes`` can name the records a link row points at.
        """
        info = REGISTRY.get(table.name)
        refs = [c for c, _kind in info.refs] if info else []
        cols = [table.c[k] for k in dict.fromkeys([*values, *refs])]
        old = self.session.execute(select(*cols).where(_where(table, pk))).mappings().one()
        changed = {k: v for k, v in values.items() if old[k] != v}
        if not changed:
            return
        kept = {c: old[c] for c in refs if c not in changed}
        op = Op("update", table.name, {**pk, **changed, **kept},
                {**{k: old[k] for k in changed}, **kept})
        op.apply(self.session)
        self.ops.append(op)

    def rows(self, table: Table, *where: Any) -> list[Row]:
        """Full rows matching ``where`` (to delete them recordably)."""
        return [dict(r) for r in self.session.execute(select(table).where(*where)).mappings()]
