"""Row versions and the conflicts a stale write becomes (issue 13, "No lost update").

Every mutable row carries a :class:`Stamp`: a ``version`` that grows on every update, and
who changed it last and when. A write says what it was based on with :class:`Seen` (the
version and the values the user saw); when the row has moved on since, the write is
three-way merged field by field (:func:`merge_fields`): a field only one side changed
takes that side's value, a field both changed to different values is a
:class:`FieldConflict`. The conflicting fields of one row, with the other author's name
and time, make a :class:`RowConflict`, which :class:`~app.core.errors.ConflictError`
carries to the front end; the user chooses base, mine or theirs per field and the choice
is written again as a versioned write.

Stdlib only: these records travel from the store to the GUI.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Choice = Literal["base", "mine", "theirs"]
Action = Literal["update", "delete", "insert"]
Origin = Literal["edit", "undo", "redo"]

CHOICES: tuple[Choice, ...] = ("base", "mine", "theirs")


@dataclass(frozen=True, slots=True)
class Stamp:
    """A row's version and its last change: who (a user name) and when (UTC)."""

    version: int = 0
    changed_by: str = ""
    changed_at: dt.datetime | None = None


NO_STAMP = Stamp()
"""The stamp of a record read without one (version 0 never matches a stored row)."""


@dataclass(frozen=True, slots=True)
class Seen:
    """What an edit was based on: one row as the user saw it.

    Attributes:
        table: the row's table ("agreement", "note", ...).
        id: its id.
        version: the version the user saw.
        values: column -> value as the user saw it: the base of the three-way merge.
    """

    table: str
    id: int
    version: int
    values: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FieldConflict:
    """One field of a row: its value when the user looked (``base``), the value the user
    writes (``mine``) and the value stored now (``theirs``)."""

    field: str
    base: object
    mine: object
    theirs: object

    @property
    def is_conflicting(self) -> bool:
        """Both sides changed the field, to different values: only a person can choose."""
        return self.mine != self.theirs and self.mine != self.base and self.theirs != self.base

    def value(self, choice: Choice) -> object:
        """The value a choice stands for."""
        return {"base": self.base, "mine": self.mine, "theirs": self.theirs}[choice]

    @property
    def automatic(self) -> Choice:
        """The choice a non-conflicting field resolves to: the side that changed it."""
        return "theirs" if self.mine == self.base else "mine"


@dataclass(frozen=True, slots=True)
class RowConflict:
    """A write that met a row changed (or deleted) by someone else since it was read.

    Attributes:
        table, id: the row.
        fields: every field the write touches, conflicting or not (see
            :attr:`FieldConflict.is_conflicting`); the front end asks only about
            :attr:`conflicting` ones, the others resolve to the side that changed them.
        action: what the write was: "update", "delete" (refused: the row changed since
            it was seen) or "insert".
        origin: "edit", or "undo"/"redo" when a history step met the conflict.
        version: the row's version now (0 when it is gone): a resolution is written
            against it, so a further change meanwhile conflicts again.
        their_author, their_time: who changed the row last, and when (UTC).
        deleted: the row no longer exists.
        label: the step or edit ("edit agreement", "undo 'rename tag'").
    """

    table: str
    id: int
    fields: tuple[FieldConflict, ...]
    action: Action = "update"
    origin: Origin = "edit"
    version: int = 0
    their_author: str = ""
    their_time: dt.datetime | None = None
    deleted: bool = False
    label: str = ""

    @property
    def conflicting(self) -> tuple[FieldConflict, ...]:
        """The fields only a person can resolve."""
        return tuple(f for f in self.fields if f.is_conflicting)

    def field(self, name: str) -> FieldConflict:
        """The field called ``name`` (KeyError if the write does not touch it)."""
        for item in self.fields:
            if item.field == name:
                return item
        raise KeyError(name)

    def resolved(self, choices: Mapping[str, Choice]) -> dict[str, object]:
        """Every field's value after choosing: ``choices`` for the conflicting ones
        (KeyError when one is missing), the side that changed it for the others."""
        unknown = set(choices) - {f.field for f in self.fields}
        if unknown:
            raise KeyError(f"not a field of this conflict: {', '.join(sorted(unknown))}")
        out: dict[str, object] = {}
        for item in self.fields:
            if item.is_conflicting and item.field not in choices:
                raise KeyError(f"choose base, mine or theirs for {item.field!r}")
            out[item.field] = item.value(choices.get(item.field, item.automatic))
        return out

    def describe(self) -> str:
        """One line for a message: what conflicts, with whom."""
        who = self.their_author or "another writer"
        when = f" at {self.their_time:%Y-%m-%d %H:%M:%S}" if self.their_time else ""
        if self.deleted:
            return f"{self.table} {self.id} was deleted by {who}{when}"
        names = ", ".join(f.field for f in self.conflicting) or "the row"
        return f"{self.table} {self.id}: {names} changed by {who}{when}"


def merge_fields(base: Mapping[str, object], mine: Mapping[str, object],
                 theirs: Mapping[str, object]) -> tuple[dict[str, object],
                                                         tuple[FieldConflict, ...]]:
    """Three-way merge of one row, for the fields ``mine`` writes.

    Returns ``(write, fields)``: ``write`` holds the values to write (fields only mine
    changed); ``fields`` every written field as a :class:`FieldConflict` (base, mine,
    theirs), of which the ones changed by both sides are conflicting. A field whose base
    is unknown counts as changed by both when the values differ (never guess).
    """
    write: dict[str, object] = {}
    fields: list[FieldConflict] = []
    for name, value in mine.items():
        stored = theirs[name]
        seen = base.get(name, _UNKNOWN)
        item = FieldConflict(name, seen, value, stored)
        fields.append(item)
        if value != stored and value != seen and not item.is_conflicting:
            write[name] = value
    return write, tuple(fields)


class _Unknown:
    """The base of a field whose earlier value the writer did not say: equal to nothing,
    so the field counts as changed by both sides."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return False

    def __ne__(self, other: object) -> bool:
        return True

    def __hash__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "<unknown>"


_UNKNOWN = _Unknown()
