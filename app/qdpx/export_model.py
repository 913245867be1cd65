"""Plain records of a REFI-QDA project as Dossier writes it (the write side's input).

One record per element kind of ``Project-mrt2019.xsd`` that Dossier fills; field names
follow the schema's attributes. GUIDs are strings in lower case (``app.qdpx.guids``);
positions are already in the unit the file uses (``app.qdpx.nvivo_offsets``). Empty
strings and ``None`` mean "leave the attribute or element out".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

VARIABLE_TYPES = ("Text", "Boolean", "Integer", "Float", "Date", "DateTime")
DIRECTIONS = ("Associative", "OneWay", "Bidirectional")

ValueData = str | bool | int | float | dt.date | dt.datetime


@dataclass(frozen=True, slots=True)
class User:
    guid: str
    name: str


@dataclass(frozen=True, slots=True)
class Code:
    """A code with its children (the tag hierarchy); ``colour`` is ``#RRGGBB`` or ""."""

    guid: str
    name: str
    colour: str = ""
    description: str = ""
    is_codable: bool = True
    children: tuple[Code, ...] = ()


@dataclass(frozen=True, slots=True)
class Variable:
    """A declared variable; ``type`` is one of :data:`VARIABLE_TYPES`."""

    guid: str
    name: str
    type: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Value:
    """A variable's value on a source or case; its Python type matches the variable's."""

    variable: Variable
    data: ValueData


@dataclass(frozen=True, slots=True)
class Coding:
    guid: str
    code_guid: str
    user_guid: str = ""
    created: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Selection:
    """A ``PlainTextSelection``: ``[start, end)`` and the quoted text as ``name``."""

    guid: str
    name: str
    start: int
    end: int
    description: str = ""
    codings: tuple[Coding, ...] = ()
    note_refs: tuple[str, ...] = ()
    user_guid: str = ""
    created: dt.datetime | None = None
    modified: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class TextSource:
    """A text source whose text is the internal file ``sources/<file_name>``."""

    guid: str
    name: str
    file_name: str
    description: str = ""
    selections: tuple[Selection, ...] = ()
    note_refs: tuple[str, ...] = ()
    values: tuple[Value, ...] = ()
    created: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Note:
    """A note (a text source of its own): the text travels inline."""

    guid: str
    name: str
    text: str
    created: dt.datetime | None = None
    modified: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Case:
    guid: str
    name: str
    description: str = ""
    values: tuple[Value, ...] = ()
    source_refs: tuple[str, ...] = ()
    selection_refs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Link:
    """A relation between two GUIDs; ``direction`` is one of :data:`DIRECTIONS`."""

    guid: str
    name: str
    origin: str
    target: str
    direction: str = "OneWay"


@dataclass(frozen=True, slots=True)
class Set:
    guid: str
    name: str
    description: str = ""
    member_codes: tuple[str, ...] = ()
    member_sources: tuple[str, ...] = ()
    member_notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Project:
    """Everything of ``project.qde`` except the sources, which are written as they come."""

    name: str
    origin: str
    user_guid: str = ""
    created: dt.datetime | None = None
    description: str = ""
    users: tuple[User, ...] = ()
    codes: tuple[Code, ...] = ()
    variables: tuple[Variable, ...] = ()
    cases: tuple[Case, ...] = ()
    notes: tuple[Note, ...] = ()
    links: tuple[Link, ...] = ()
    sets: tuple[Set, ...] = ()
