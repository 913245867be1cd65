"""The search outbox: which documents (articles and notes) the index must rewrite.

Every edit that changes a search document writes an outbox row in its own transaction
(:func:`enqueue`), so the queue never falls behind the database. The one indexer takes
the oldest rows (:func:`queued`), writes the index, and only then removes them
(:func:`dequeue`); a crash in between leaves them to be indexed again, which is harmless
because a document is always replaced, never added twice.

A document is named by its kind and the id of its row: ``("article", 12)``,
``("note", 3)``. Ids are unique per kind only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeAlias, cast

from sqlalchemy import Table, delete, func, insert, literal, select
from sqlalchemy.orm import Session

from app.store import schema

ARTICLE, NOTE = "article", "note"
KINDS = (ARTICLE, NOTE)
DocRef: TypeAlias = tuple[str, int]
"""A search document: ``(kind, id)``."""

OUT, A = cast(Table, schema.outbox), schema.article
NOTE_TABLE = schema.Base.metadata.tables["note"]
CHUNK = 500


def enqueue(session: Session, kind: str, ids: Iterable[int]) -> None:
    """Queue the documents of these rows of ``kind`` (in the caller's transaction)."""
    wanted = sorted(set(ids))
    if wanted:
        session.execute(insert(OUT), [{"kind": kind, "doc_id": i} for i in wanted])


def enqueue_refs(session: Session, refs: Iterable[DocRef]) -> None:
    """Queue these documents, whatever their kinds."""
    by_kind: dict[str, list[int]] = {}
    for kind, doc_id in refs:
        by_kind.setdefault(kind, []).append(doc_id)
    for kind, ids in by_kind.items():
        enqueue(session, kind, ids)


def enqueue_all(session: Session) -> int:
    """Queue every article and note (after the index was reset); returns how many."""
    count = 0
    for kind, table in ((ARTICLE, A), (NOTE, NOTE_TABLE)):
        session.execute(insert(OUT).from_select(
            ["kind", "doc_id"], select(literal(kind), table.c.id)))
        count += int(session.scalar(select(func.count()).select_from(table)) or 0)
    return count


def pending(session: Session) -> int:
    """How many distinct documents are queued."""
    distinct = select(OUT.c.kind, OUT.c.doc_id).distinct().subquery()
    return int(session.scalar(select(func.count()).select_from(distinct)) or 0)


def queued(session: Session, limit: int,
           kinds: Sequence[str] = KINDS) -> list[tuple[int, DocRef]]:
    """The oldest ``limit`` entries (of these kinds) as ``(entry id, (kind, id))``."""
    query = select(OUT.c.id, OUT.c.kind, OUT.c.doc_id).order_by(OUT.c.id).limit(limit)
    if set(kinds) != set(KINDS):
        query = query.where(OUT.c.kind.in_(list(kinds)))
    rows = session.execute(query)
    return [(int(entry), (str(kind), int(doc_id))) for entry, kind, doc_id in rows]


def dequeue(session: Session, up_to: int, refs: Iterable[DocRef]) -> None:
    """Remove the entries of these documents up to entry ``up_to`` (once indexed);
    entries queued later stay, since they may carry a newer change."""
    by_kind: dict[str, list[int]] = {}
    for kind, doc_id in refs:
        by_kind.setdefault(kind, []).append(doc_id)
    for kind, ids in by_kind.items():
        for chunk in _chunks(sorted(set(ids))):
            session.execute(delete(OUT).where(OUT.c.id <= up_to, OUT.c.kind == kind,
                                              OUT.c.doc_id.in_(chunk)))


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



def texts(session: Session, refs: Iterable[DocRef]) -> dict[DocRef, str]:
    """The stored text of each document (an article's text, a note's Markdown); gone
    records are left out."""
    wanted = list(refs)
    out: dict[DocRef, str] = {}
    for kind, table, column in ((ARTICLE, A, A.c.text), (NOTE, NOTE_TABLE, NOTE_TABLE.c.body)):
        ids = sorted({i for k, i in wanted if k == kind})
        for chunk in _chunks(ids):
            rows = session.execute(select(table.c.id, column).where(table.c.id.in_(chunk)))
            out.update(((kind, int(i)), str(t)) for i, t in rows)
    return out


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    return (ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK))
