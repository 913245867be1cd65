"""Which search documents (articles and notes) the indexes must rewrite.

Every edit that changes a search document says so here in its own transaction
(:func:`enqueue`); the change log (:mod:`app.store.changelog`) writes it under the
write's number as the transaction's last step. Each client's indexer follows the log
from its own cursor, so no client takes another's work (the shared outbox this module
used to fill was drained by deleting rows, and with two clients the first drain took
the other's work). Until schema 0009 the queue was the ``search_outbox`` table; its
rows were carried into the log.

A document is named by its kind and the id of its row: ``("article", 12)``,
``("note", 3)``. Ids are unique per kind only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeAlias

from sqlalchemy import Connection, Integer, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from app.store import changelog, schema

ARTICLE, NOTE = "article", "note"
KINDS = (ARTICLE, NOTE)
DocRef: TypeAlias = tuple[str, int]
"""A search document: ``(kind, id)``."""

A = schema.Base.metadata.tables["article"]
NOTE_TABLE = schema.Base.metadata.tables["note"]
CHUNK = 500
_TEXT_COLUMNS = ((ARTICLE, A, A.c.text), (NOTE, NOTE_TABLE, NOTE_TABLE.c.body))
"""Each document kind's table and the column holding its text."""


def enqueue(session: Session, kind: str, ids: Iterable[int]) -> None:
    """Queue the documents of these rows of ``kind`` (logged with the caller's
    transaction)."""
    changelog.mark_stale(session, kind, ids)


def enqueue_refs(session: Session, refs: Iterable[DocRef]) -> None:
    """Queue these documents, whatever their kinds."""
    for kind, doc_id in refs:
        changelog.mark_stale(session, kind, [doc_id])


def enqueue_all(session: Session) -> None:
    """Have every client rebuild its whole index once this transaction commits (after
    a notebook was loaded from a file, say)."""
    changelog.mark_all_stale(session)


def revisions(session: Session) -> dict[DocRef, int]:
    """The current revision of every document, as the index stores it: an article's
    ``rev``, a note's last change in whole seconds."""
    out: dict[DocRef, int] = {
        (ARTICLE, int(i)): int(rev) for i, rev in session.execute(select(A.c.id, A.c.rev))}
    for i, modified in session.execute(select(NOTE_TABLE.c.id, NOTE_TABLE.c.modified_at)):
        out[(NOTE, int(i))] = int(modified.timestamp())
    return out


def document_count(session: Session) -> int:
    """How many search documents the database defines (articles plus notes)."""
    return sum(int(session.scalar(select(func.count()).select_from(t)) or 0)
               for t in (A, NOTE_TABLE))



def texts(session: Session | Connection, refs: Iterable[DocRef]) -> dict[DocRef, str]:
    """The stored text of each document (an article's text, a note's Markdown); gone
    records are left out."""
    wanted = list(refs)
    out: dict[DocRef, str] = {}
    bind = session if isinstance(session, Connection) else session.get_bind()
    on_postgres = bind.dialect.name == "postgresql"
    for kind, table, column in _TEXT_COLUMNS:
        ids = sorted({i for k, i in wanted if k == kind})
        if not ids:
            continue
        if on_postgres:  # one array parameter: one statement text, no list expanded
            rows = session.execute(_TEXTS_BY_ARRAY[kind], {"ids": ids})
            out.update(((kind, int(i)), str(t)) for i, t in rows)
            continue
        for chunk in _chunks(ids):
            rows = session.execute(select(table.c.id, column).where(table.c.id.in_(chunk)))
            out.update(((kind, int(i)), str(t)) for i, t in rows)
    return out


_TEXTS_BY_ARRAY = {
    kind: select(table.c.id, column).where(
        table.c.id == any_(bindparam("ids", type_=ARRAY(Integer))))
    for kind, table, column in _TEXT_COLUMNS
}
"""PostgreSQL: the texts of a page of search results (``= ANY(:ids)``), read on every
search: a quarter faster than ``IN`` with its list expanded into one parameter per id."""


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    return (ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK))
