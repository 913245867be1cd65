"""The one exception tree of Dossier.

::

    DossierError
    ├── NotebookError            a notebook cannot be opened or used
    │   ├── NotebookLocked       another process is writing the notebook
    │   ├── MigrationError       the schema upgrade failed (the backup is named)
    │   ├── ReadOnlyError        the notebook is open read-only (a reader; a newer schema)
    │   └── AccessDenied         the user's role does not allow this (team, upgrade, SQL)
    ├── NotFound                 an id that does not (or no longer) exists
    ├── ConflictError            a row changed since it was read or recorded (stale write)
    ├── ValidationError          a value a user gave is not acceptable
    ├── IngestError              one input file could not be imported (path + reason)
    ├── QuerySyntaxError         a search query is malformed (message + position)
    ├── SearchIndexError         the search index failed (it is rebuilt from the DB)
    └── Cancelled                the user cancelled long work

Library exceptions (SQLAlchemy, Whoosh, zipfile, pypdf, ...) are translated into
these at the layer boundary; callers above ``app.services`` never see them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.core.conflicts import Origin, RowConflict
    from app.core.text_merge import TextClash


class DossierError(Exception):
    """Base of every error Dossier raises on purpose."""


class NotebookError(DossierError):
    """A notebook cannot be opened or used."""


class NotebookLocked(NotebookError):
    """Another process holds the notebook's write lock."""


class MigrationError(NotebookError):
    """Upgrading the database schema failed; the message names the backup."""


class ReadOnlyError(NotebookError):
    """The notebook is open read-only: the user is a reader, or its schema is newer than
    this Dossier. Raised before anything is written; the message says why."""


class AccessDenied(NotebookError):
    """The user's role in a shared notebook does not allow this (managing the team,
    upgrading the schema), or the database itself refused it."""


class NotFound(DossierError):
    """The record with this id does not exist (any more)."""


class ConflictError(DossierError):
    """A write would overwrite a row that changed since it was read (a stale version),
    or a recorded step (undo, redo) would overwrite a row that changed since it was
    recorded: another writer, or a write outside the history, got there first.

    Nothing is written; the message names the row and what differs.

    Attributes:
        table: the table of the row.
        key: its primary key (column -> value).
        detail: what differs ("title is 'B', expected 'A'", "the row no longer exists").
        step: the history step that met the conflict ("cannot undo 'rename tag'"), if any.
        conflicts: the row conflicts to resolve field by field (may be empty when the
            write cannot say more than ``detail``, e.g. an id already taken).
        text_clash: for an edit of a text that clashes, line by line, with one saved
            since it began: both versions by region, to merge by hand.
    """

    def __init__(self, table: str, key: dict[str, object], detail: str, step: str = "",
                 conflicts: tuple[RowConflict, ...] = (),
                 text_clash: TextClash | None = None) -> None:
        where = ", ".join(f"{k}={v}" for k, v in key.items())
        prefix = f"{step}: " if step else ""
        super().__init__(f"{prefix}{table} {where} changed since: {detail}")
        self.table = table
        self.key = key
        self.detail = detail
        self.step = step
        self.conflicts = conflicts
        self.text_clash = text_clash

    @property
    def conflict(self) -> RowConflict | None:
        """The row conflict to resolve (base / mine / theirs per field, the other
        author), when the write knows it: see :mod:`app.core.conflicts`."""
        return self.conflicts[0] if self.conflicts else None

    def during(self, step: str, origin: Origin = "edit") -> ConflictError:
        """The same conflict, naming the step that met it ("cannot undo 'rename tag'")
        and, for its row conflicts, where it came from ("undo", "redo")."""
        conflicts = tuple(replace(c, origin=origin, label=step) for c in self.conflicts)
        return ConflictError(self.table, self.key, self.detail, step, conflicts,
                             self.text_clash)


class ValidationError(DossierError):
    """A value given by the user is not acceptable; the message says why."""


class IngestError(DossierError):
    """One input could not be imported.

    Attributes:
        path: the file (or ``archive.zip!member``) that failed.
        reason: a short human sentence saying why.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class QuerySyntaxError(DossierError):
    """A search query cannot be parsed.

    Attributes:
        query: the query as typed.
        position: code-point offset of the problem, or None.
    """

    def __init__(self, message: str, query: str = "", position: int | None = None) -> None:
        super().__init__(message)
        self.query = query
        self.position = position


class SearchIndexError(DossierError):
    """The search index failed; it is derived data and is rebuilt from the database."""


class Cancelled(DossierError):
    """Long work stopped because the user cancelled it."""
