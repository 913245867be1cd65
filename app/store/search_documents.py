"""The one declaration of search documents: what goes into them, and what makes them stale.

An **article's** document holds its title, text, language, outlet and publication date,
the paths of the tags on its highlights, and the names and aliases of the actors its
highlights mention. A **note's** document holds its title and body and the spellings of
the actors it links to (:func:`app.store.notes.search_documents`).

So a document goes stale when one of those sources changes. :func:`affected_documents`
reads that off the row-level ops of an edit (or of its undo/redo), which name every row
written, cascades included (:mod:`app.store.ops`); nothing registers extra rules at
import time. :func:`enqueue` logs them in the edit's own transaction (the change log,
:mod:`app.store.changelog`, which every client's indexer follows).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.core.documents import ArticleDocument, StaleDocuments
from app.core.ids import ArticleId, NoteId
from app.core.notes import NoteDocument
from app.store import actors, notes, outbox, schema, tags
from app.store.ops import Op

# ``schema.article`` is typed as a FromClause; the metadata holds the same Table, typed.
_TABLES = schema.Base.metadata.tables
A, H = _TABLES["article"], _TABLES["highlight"]
MENTION, NOTE_LINK = _TABLES["mention"], _TABLES["note_link"]
CHUNK = 500

ARTICLE_FIELDS = frozenset({"title", "text", "language", "outlet", "published"})
"""Columns of ``article`` that are part of its document."""
TAG_FIELDS = frozenset({"name", "parent_id"})
"""Columns of ``tag`` that make up the tag paths in documents."""


# -- what goes in ---------------------------------------------------------------------
def article_documents(session: Session, ids: Collection[int]) -> list[ArticleDocument]:
    """The documents of these articles (ids of deleted articles are left out)."""
    wanted = sorted(set(ids))
    cols = (A.c.id, A.c.rev, A.c.title, A.c.text, A.c.language, A.c.outlet, A.c.published)
    rows = [r for chunk in _chunks(wanted)
            for r in session.execute(select(*cols).where(A.c.id.in_(chunk)))]
    found = [int(r.id) for r in rows]
    tag_paths = tags.article_tag_paths(session, found)
    names = actors.actor_names_for_articles(session, found)
    return [ArticleDocument(id=ArticleId(r.id), rev=r.rev, title=r.title, text=r.text,
                            language=r.language, outlet=r.outlet, published=r.published,
                            tags=tuple(tag_paths.get(ArticleId(r.id), ())),
                            actors=tuple(names.get(r.id, ())))
            for r in rows]


def note_documents(session: Session, ids: Collection[int]) -> list[NoteDocument]:
    """The documents of these notes (ids of deleted notes are left out)."""
    return notes.search_documents(session, ids)


# -- what makes them stale ------------------------------------------------------------
def affected_documents(session: Session, ops: list[Op]) -> StaleDocuments:
    """The article and note documents these ops change (or remove)."""
    renamed = _renamed_actors(ops)
    return StaleDocuments(
        articles=frozenset(_affected_articles(session, ops, renamed)),
        notes=frozenset(_affected_notes(session, ops, renamed)))


def _affected_articles(session: Session, ops: list[Op], renamed: set[int]) -> set[ArticleId]:
    out: set[int] = set()
    for op in ops:
        if op.table == "article" and (op.kind != "update" or ARTICLE_FIELDS & op.changed):
            out.add(op.row["id"])
        elif op.table == "tag" and op.kind == "update" and TAG_FIELDS & op.changed:
            out |= tags.articles_with(session, tags.subtree_ids(session, op.row["id"]))
    out.update(_owners(session, ops, _tagged_or_mentioned(ops)).values())
    if renamed:
        out |= _articles_mentioning(session, renamed)
    return {ArticleId(a) for a in out}


def _tagged_or_mentioned(ops: list[Op]) -> set[int]:
    """Highlights that gained or lost a tag or an actor mention."""
    return {op.row["highlight_id"] for op in ops
            if op.table in ("highlight_tag", "mention") and "highlight_id" in op.row}


def _owners(session: Session, ops: list[Op], highlight_ids: set[int]) -> dict[int, int]:
    """Article of each highlight: from the ops themselves (a highlight deleted in this
    edit is gone from the table), else from the table."""
    known = {op.row["id"]: op.row["article_id"] for op in ops
             if op.table == "highlight" and "article_id" in op.row}
    found = {h: known[h] for h in highlight_ids if h in known}
    missing = sorted(highlight_ids - set(known))
    for chunk in _chunks(missing):
        rows = session.execute(select(H.c.id, H.c.article_id).where(H.c.id.in_(chunk)))
        found.update((int(h), int(a)) for h, a in rows)
    return found


def _renamed_actors(ops: list[Op]) -> set[int]:
    """Actors whose spellings (name or aliases) these ops change."""
    out: set[int] = set()
    for op in ops:
        if op.table == "actor" and op.kind == "update" and "name" in op.changed:
            out.add(op.row["id"])
        elif op.table == "actor_alias":
            # An alias moved to another actor (merge) changes both actors' spellings.
            out.update(values["actor_id"] for values in (op.row, op.old) if "actor_id" in values)
    return out


def _articles_mentioning(session: Session, actor_ids: set[int]) -> set[int]:
    return set(session.scalars(
        select(H.c.article_id).join(MENTION, MENTION.c.highlight_id == H.c.id)
        .where(MENTION.c.actor_id.in_(sorted(actor_ids))).distinct()))


def _affected_notes(session: Session, ops: list[Op], renamed: set[int]) -> set[NoteId]:
    out = {op.row["id"] for op in ops if op.table == "note"}
    out |= {op.row["note_id"] for op in ops if op.table == "note_link" and "note_id" in op.row}
    if renamed:
        out |= set(session.scalars(select(NOTE_LINK.c.note_id).where(
            NOTE_LINK.c.kind == "actor", NOTE_LINK.c.target_id.in_(sorted(renamed)))))
    return {NoteId(n) for n in out}


# -- queueing -----------------------------------------------------------------------------
def enqueue(session: Session, stale: StaleDocuments) -> None:
    """Queue stale documents for the indexers, in the caller's transaction (so the
    queue never falls behind the database): articles get their ``rev`` bumped, and
    both are logged as stale (:mod:`app.store.outbox`)."""
    ids = sorted(stale.articles)
    for chunk in _chunks(ids):
        session.execute(update(A).where(A.c.id.in_(chunk)).values(rev=A.c.rev + 1))
    outbox.enqueue(session, outbox.ARTICLE, ids)
    notes.enqueue(session, stale.notes)


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    values = list(ids)
    return (values[i : i + CHUNK] for i in range(0, len(values), CHUNK))
