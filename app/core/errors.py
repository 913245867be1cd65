"""The one exception tree of Dossier.

::

    DossierError
    ├── NotebookError            a notebook cannot be opened or used
    │   ├── NotebookLocked       another process is writing the notebook
    │   └── MigrationError       the schema upgrade failed (the backup is named)
    ├── NotFound                 an id that does not (or no longer) exists
    ├── ValidationError          a value a user gave is not acceptable
    ├── IngestError              one input file could not be imported (path + reason)
    ├── QuerySyntaxError         a search query is malformed (message + position)
    ├── SearchIndexError         the search index failed (it is rebuilt from the DB)
    └── Cancelled                the user cancelled long work

Library exceptions (SQLAlchemy, Whoosh, zipfile, pypdf, ...) are translated into
these at the layer boundary; callers above ``app.services`` never see them.
"""

from __future__ import annotations


class DossierError(Exception):
    """Base of every error Dossier raises on purpose."""


class NotebookError(DossierError):
    """A notebook cannot be opened or used."""


class NotebookLocked(NotebookError):
    """Another process holds the notebook's write lock."""


class MigrationError(NotebookError):
    """Upgrading the database schema failed; the message names the backup."""


class NotFound(DossierError):
    """The record with this id does not exist (any more)."""


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
