"""Who points at whom: every reference between tables, read from the schema.

The undo recorder uses this to do, and record, what the database's foreign keys would do
when a row is deleted (``ON DELETE CASCADE`` and ``SET NULL``), so that undoing the
deletion restores every row it touched. ``Changes`` uses it to name the records that a
link row (``highlight_tag``, ``mention`` ...) points at.

Two sources, both declared once on the tables themselves:

* real foreign keys (``ForeignKey(..., ondelete=...)``);
* *soft* references the database cannot enforce because the target table depends on
  another column: ``note_link.target_id`` is an actor's id when ``kind`` is "actor", a
  highlight's when it is "passage", and so on. Such a column declares
  ``info={"soft_reference": SoftReference(...)}`` (see :mod:`app.store.schema_notes`).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Column, Table

from app.store import schema

OnDelete = str
"""``"CASCADE"``, ``"SET NULL"`` or ``""`` (the database refuses the delete)."""


@dataclass(frozen=True, slots=True)
class SoftReference:
    """A column holding the id of a row whose table is named by another column.

    Args:
        by: the column naming the kind of target ("kind").
        targets: kind value -> table name.
        ondelete: what deleting a target does to the referencing row.
    """

    by: str
    targets: Mapping[str, str]
    ondelete: OnDelete = "SET NULL"


@dataclass(frozen=True, slots=True)
class Reference:
    """``table.column`` holds ``target.target_column`` (only where ``when`` holds)."""

    table: Table
    column: str
    target: str
    target_column: str
    ondelete: OnDelete
    when: tuple[str, str] | None = None


def _foreign(table: Table) -> list[Reference]:
    return [Reference(table, fk.parent.name, fk.column.table.name, fk.column.name,
                      (fk.ondelete or "").upper())
            for fk in sorted(table.foreign_keys, key=lambda f: f.parent.name)]


def _soft(table: Table) -> list[Reference]:
    out: list[Reference] = []
    for column in table.columns:
        soft = column.info.get("soft_reference")
        if isinstance(soft, SoftReference):
            out.extend(Reference(table, column.name, target, "id", soft.ondelete,
                                 (soft.by, kind))
                       for kind, target in sorted(soft.targets.items()))
    return out


@functools.cache
def _all() -> tuple[Reference, ...]:
    tables = schema.Base.metadata.sorted_tables
    return tuple(ref for t in tables for ref in (*_foreign(t), *_soft(t)))


def references_to(table: str) -> tuple[Reference, ...]:
    """Every reference (foreign or soft) whose target is ``table``."""
    return tuple(r for r in _all() if r.target == table)


def references_from(table: str) -> tuple[Reference, ...]:
    """Every reference held by columns of ``table``."""
    return tuple(r for r in _all() if r.table.name == table)


def table(name: str) -> Table:
    """The notebook table called ``name``."""
    return schema.Base.metadata.tables[name]


def is_unchecked(column: Column[object]) -> bool:
    """A column that writes outside the undo history maintain (``article.rev``, the
    resolved ``note_link.target_id``): applying an op does not require it to hold the
    value the op expects (``info={"unchecked": True}``)."""
    return bool(column.info.get("unchecked"))
