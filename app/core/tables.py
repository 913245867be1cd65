"""A database-neutral description of the notebook's tables, for whole-notebook transfer.

The notebook file (``docs/notebook-json.md``) carries every table of user data row by row.
The store derives these specs from its schema; the file reader checks values against them
and the backup service checks references with them, neither importing SQLAlchemy.

A row is a plain ``dict`` of column name to :data:`Value`; date-times are naive (local
time, as the notebook stores them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal, TypeAlias

Value: TypeAlias = int | float | str | dt.datetime | None
Row: TypeAlias = dict[str, Value]

ColumnType = Literal["integer", "float", "text", "datetime"]
Content = Literal["", "partial_date", "json_object"]


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """One column: its storage type, whether it may be null, and what text it must hold.

    ``content`` narrows a text column: ``partial_date`` (``""`` or a date accepted by
    :func:`app.core.dates.parse_partial_date`), ``json_object`` (a JSON object of strings).
    """

    name: str
    type: ColumnType
    nullable: bool = False
    content: Content = ""


@dataclass(frozen=True, slots=True)
class Reference:
    """``table.column`` holds the id of a row of ``target`` (or null, if nullable).

    ``when`` restricts a polymorphic reference: it applies only to rows whose column
    ``when[0]`` equals ``when[1]`` (``note_link.target_id`` is an actor's id when its
    ``kind`` is "actor", a highlight's when it is "passage" ...).
    """

    column: str
    target: str
    target_column: str = "id"
    when: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class TableSpec:
    """A table of user data: columns in schema order, primary key, references out, and
    the column sets that must be unique (nulls excepted, as in SQL)."""

    name: str
    columns: tuple[ColumnSpec, ...]
    primary_key: tuple[str, ...]
    references: tuple[Reference, ...] = ()
    unique: tuple[tuple[str, ...], ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def key_of(self, row: Row) -> tuple[Value, ...]:
        """The primary-key values of ``row``."""
        return tuple(row[c] for c in self.primary_key)


@dataclass(frozen=True, slots=True)
class TransferReport:
    """What a notebook export or import wrote: the file and the rows per table."""

    path: str
    rows: tuple[tuple[str, int], ...]

    def count(self, table: str) -> int:
        """Rows of ``table`` (0 if none)."""
        return dict(self.rows).get(table, 0)
