"""Notes: reads and recorded writes of the ``note`` table. Never commits.

Reads return frozen records of :mod:`app.core.notes`; writes go through the undo
:class:`~app.store.ops.Recorder`, so every edit of a note can be undone exactly. Rules
(unique titles, no cycles, where children go when their parent is deleted) belong to
``app.services.notes``; this module only knows rows.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import ColumnElement, RowMapping, func, select
from sqlalchemy.orm import Session

from app.core.ids import NoteId
from app.core.language import guess_language
from app.core.notes import Note, NoteDocument, NoteSummary
from app.store import note_links, outbox, schema
from app.store import schema_notes as sn
from app.store.ops import Recorder
from app.store.versioning import stamp_of

log = logging.getLogger(__name__)

# The declarative ``__table__`` is typed as a FromClause; the metadata holds the same
# tables typed as Table, which the recorder's signature wants.
_TABLES = schema.Base.metadata.tables
N, NL = _TABLES[sn.NoteRow.__tablename__], _TABLES[sn.NoteLinkRow.__tablename__]
SORTS: dict[str, tuple[ColumnElement[Any], ...]] = {
    "title": (func.lower(N.c.title), N.c.id),
    "modified": (N.c.modified_at, N.c.id),
    "created": (N.c.created_at, N.c.id),
}
"""Orders of the notes list, by name (the tie-breaker keeps it stable)."""
_SUMMARY = (N.c.id, N.c.title, N.c.parent_id, N.c.created_at, N.c.modified_at,
            func.length(N.c.body).label("chars"))


def _summary(row: RowMapping) -> NoteSummary:
    parent = row["parent_id"]
    return NoteSummary(id=NoteId(row["id"]), title=row["title"],
                       parent_id=None if parent is None else NoteId(parent),
                       created_at=row["created_at"], modified_at=row["modified_at"],
                       char_count=int(row["chars"] or 0))


# -- reading ------------------------------------------------------------------------------
def summaries(session: Session, sort: str = "title", descending: bool = False
              ) -> list[NoteSummary]:
    """Every note without its body, in one of the :data:`SORTS` orders."""
    keys = SORTS[sort]
    order = [k.desc() for k in keys] if descending else list(keys)
    return [_summary(r) for r in session.execute(select(*_SUMMARY).order_by(*order)).mappings()]


def get(session: Session, note_id: int) -> Note | None:
    """The note with its body, or None when there is no such note."""
    row = session.execute(select(*_SUMMARY, N.c.body, N.c.version, N.c.changed_by,
                                 N.c.changed_at).where(N.c.id == note_id)).mappings().first()
    return None if row is None else Note(_summary(row), row["body"], stamp_of(row))


def titles(session: Session) -> dict[NoteId, str]:
    """Every note's title by id."""
    return {NoteId(i): t for i, t in session.execute(select(N.c.id, N.c.title))}


def bodies(session: Session, note_ids: Iterable[int] | None = None) -> dict[NoteId, str]:
    """The Markdown of these notes (all notes when ``note_ids`` is None), by id."""
    query = select(N.c.id, N.c.body)
    if note_ids is not None:
        query = query.where(N.c.id.in_(sorted(set(note_ids))))
    return {NoteId(i): b for i, b in session.execute(query)}


def parents(session: Session) -> dict[NoteId, NoteId | None]:
    """Every note's parent (None at the top), for walking the tree."""
    return {NoteId(i): None if p is None else NoteId(p)
            for i, p in session.execute(select(N.c.id, N.c.parent_id))}


def ids(session: Session) -> list[NoteId]:
    """Every note id, ascending."""
    return [NoteId(i) for i in session.scalars(select(N.c.id).order_by(N.c.id))]


# -- writing (recorded, for undo) ---------------------------------------------------------
def insert_note(rec: Recorder, title: str, body: str, parent_id: int | None,
                now: dt.datetime) -> NoteId:
    """Add a note row created and modified at ``now``; returns its id."""
    row = rec.insert(N, {"title": title, "body": body, "parent_id": parent_id,
                         "created_at": now, "modified_at": now})
    return NoteId(row["id"])


def update_note(rec: Recorder, note_id: int, values: Mapping[str, object]) -> None:
    """Set columns of a note (title, body, parent_id, modified_at); unchanged ones
    record nothing."""
    rec.update(N, {"id": note_id}, dict(values))


def delete_note(rec: Recorder, note_id: int, new_parent_id: int | None) -> None:
    """Delete a note with its link rows; its children move to ``new_parent_id``.

    Everything is recorded, so the foreign-key actions of the schema never fire behind
    the recorder's back and undo restores the note, its links and its children's place.
    """
    for child in rec.rows(N, N.c.parent_id == note_id):
        rec.update(N, {"id": child["id"]}, {"parent_id": new_parent_id})
    for link in rec.rows(NL, NL.c.note_id == note_id):
        rec.delete(NL, link)
    for row in rec.rows(N, N.c.id == note_id):
        rec.delete(N, row)


# -- search -------------------------------------------------------------------------------
def search_documents(session: Session, note_ids: Iterable[int]) -> list[NoteDocument]:
    """What each of these notes puts into the search index (missing ids are left out:
    their documents are to be removed)."""
    wanted = sorted(set(note_ids))
    if not wanted:
        return []
    rows = session.execute(select(N.c.id, N.c.title, N.c.body, N.c.modified_at)
                           .where(N.c.id.in_(wanted))).all()
    actors = note_links.linked_actor_ids(session, wanted)
    wanted_actors = {a for s in actors.values() for a in s}
    names = note_links.actor_spellings(session, wanted_actors) if actors else {}
    return [NoteDocument(id=NoteId(r.id), title=r.title, body=r.body, modified_at=r.modified_at,
                         actor_names=tuple(s for a in sorted(actors.get(r.id, ()))
                                           for s in names.get(a, ())),
                         language=guess_language(r.body))
            for r in rows]


def enqueue(session: Session, note_ids: Iterable[int]) -> None:
    """Queue these notes for (re)indexing (logged with the caller's transaction, so
    the queue can never fall behind the edit)."""
    outbox.enqueue(session, outbox.NOTE, note_ids)
