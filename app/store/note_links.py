"""Note links (``note_link``) and the records they can point at. Never commits.

A ``note_link`` row caches one ``[[link]]`` of a note: its kind, its text and the id it
last resolved to (None: broken). ``target_id`` has no foreign key because its table
depends on ``kind``. How a name resolves (aliases across languages, titles ignoring case
and spacing) is a rule of ``app.services.note_links``; this module reads and writes rows
and looks records up by id or exact title.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.ids import HighlightId, NoteId
from app.store import schema
from app.store import schema_actors as sa
from app.store import schema_notes as sn
from app.store.actors import spellings as actor_spellings
from app.store.ops import Recorder

log = logging.getLogger(__name__)

# The declarative ``__table__`` is typed as a FromClause; the metadata holds the same
# tables typed as Table, which the recorder's signature wants.
_TABLES = schema.Base.metadata.tables
N, NL = _TABLES[sn.NoteRow.__tablename__], _TABLES[sn.NoteLinkRow.__tablename__]
A, H = schema.article, schema.highlight
__all__ = [
    "LinkRow", "LinkingNote", "Passage", "actor_spellings", "agreement_titles",
    "article_highlight_ids", "article_titles", "article_titles_containing", "articles_titled",
    "broken_targets", "delete_link", "insert_link", "linked_actor_ids", "linking_rows",
    "notes_linking", "notes_with_broken", "of_note", "passages", "resolved_targets",
    "set_target", "target_ids",
]
_LIKE_SPECIAL = str.maketrans({"%": "\\%", "_": "\\_", "\\": "\\\\"})


@dataclass(frozen=True, slots=True)
class LinkRow:
    """One stored link of a note."""

    id: int
    note_id: NoteId
    kind: str
    target_text: str
    target_id: int | None


@dataclass(frozen=True, slots=True)
class LinkingNote:
    """A link row to some target, with its note's title and body (for backlinks)."""

    note_id: NoteId
    target_id: int | None
    target_text: str
    note_title: str
    note_body: str


@dataclass(frozen=True, slots=True)
class Passage:
    """A highlight as a link target: its quote and its article's source fields."""

    id: HighlightId
    exact: str
    title: str
    outlet: str
    published: str


# -- link rows ----------------------------------------------------------------------------
def of_note(session: Session, note_id: int) -> list[LinkRow]:
    """Every stored link of a note."""
    rows = session.execute(select(NL).where(NL.c.note_id == note_id).order_by(NL.c.id))
    return [LinkRow(r.id, NoteId(r.note_id), r.kind, r.target_text, r.target_id) for r in rows]


def insert_link(rec: Recorder, note_id: int, kind: str, text: str,
                target_id: int | None) -> None:
    """Store one link of a note (recorded)."""
    rec.insert(NL, {"note_id": note_id, "kind": kind, "target_text": text,
                    "target_id": target_id})


def set_target(rec: Recorder, link: LinkRow, target_id: int | None) -> None:
    """Point a stored link at another target (or none), keeping the row (recorded)."""
    rec.update(NL, {"id": link.id}, {"target_id": target_id})


def delete_link(rec: Recorder, link: LinkRow) -> None:
    """Remove one stored link (recorded; ``link`` is the full row, for undo)."""
    rec.delete(NL, asdict(link))


def resolved_targets(session: Session, note_id: int) -> list[tuple[str, str, int]]:
    """``(kind, text, target id)`` of the links of a note that last resolved."""
    rows = session.execute(select(NL.c.kind, NL.c.target_text, NL.c.target_id)
                           .where(NL.c.note_id == note_id, NL.c.target_id.is_not(None)))
    return [(k, t, int(i)) for k, t, i in rows]


def broken_targets(session: Session, kinds: Sequence[str]) -> list[tuple[str, str]]:
    """Distinct ``(kind, text)`` of broken links of these kinds."""
    rows = session.execute(select(NL.c.kind, NL.c.target_text).distinct().where(
        NL.c.target_id.is_(None), NL.c.kind.in_(list(kinds))))
    return [(k, t) for k, t in rows]


def notes_with_broken(session: Session, kind: str, texts: Iterable[str]) -> set[NoteId]:
    """Notes holding a broken link of ``kind`` with one of these texts."""
    rows = session.scalars(select(NL.c.note_id).where(
        NL.c.target_id.is_(None), NL.c.kind == kind, NL.c.target_text.in_(sorted(set(texts)))))
    return {NoteId(i) for i in rows}


def target_ids(session: Session, kind: str) -> set[int]:
    """Distinct ids that links of ``kind`` point at."""
    return set(session.scalars(select(NL.c.target_id).distinct().where(
        NL.c.kind == kind, NL.c.target_id.is_not(None))))


def notes_linking(session: Session, kind: str, ids: Iterable[int]) -> set[NoteId]:
    """Notes with a link resolved to one of these targets of ``kind``."""
    rows = session.scalars(select(NL.c.note_id).where(
        NL.c.kind == kind, NL.c.target_id.in_(sorted(set(ids)))))
    return {NoteId(i) for i in rows}


def linking_rows(session: Session, kind: str, ids: Iterable[int]) -> list[LinkingNote]:
    """Links of ``kind`` resolved to one of ``ids``, and every broken link of ``kind``
    (it may resolve to one of them now), by note title."""
    rows = session.execute(
        select(NL.c.note_id, NL.c.target_id, NL.c.target_text, N.c.title, N.c.body)
        .join(N, N.c.id == NL.c.note_id)
        .where(NL.c.kind == kind, NL.c.target_id.in_(sorted(set(ids))) | NL.c.target_id.is_(None))
        .order_by(N.c.title, N.c.id, NL.c.id))
    return [LinkingNote(NoteId(r.note_id), r.target_id, r.target_text, r.title, r.body)
            for r in rows]


def linked_actor_ids(session: Session, note_ids: Sequence[int]) -> dict[NoteId, set[int]]:
    """The actors each of these notes links to (resolved links only)."""
    out: dict[NoteId, set[int]] = {}
    rows = session.execute(select(NL.c.note_id, NL.c.target_id).where(
        NL.c.note_id.in_(list(note_ids)), NL.c.kind == "actor", NL.c.target_id.is_not(None)))
    for note_id, target_id in rows:
        out.setdefault(NoteId(note_id), set()).add(int(target_id))
    return out


# -- link targets -------------------------------------------------------------------------
def agreement_titles(session: Session) -> dict[int, str]:
    """Every agreement's title by id."""
    table = sa.agreement
    return {int(i): t for i, t in session.execute(select(table.c.id, table.c.title))}


def article_titles(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """Titles of those of these articles that exist."""
    rows = session.execute(select(A.c.id, A.c.title).where(A.c.id.in_(sorted(set(ids)))))
    return {int(i): t for i, t in rows}


def articles_titled(session: Session, titles: Iterable[str]) -> list[tuple[int, str]]:
    """``(id, title)`` of articles whose title, or SQLite's ASCII ``lower()`` of it,
    equals one of ``titles`` (by id, so the oldest comes first)."""
    wanted = sorted(set(titles))
    if not wanted:
        return []
    rows = session.execute(select(A.c.id, A.c.title).where(
        func.lower(A.c.title).in_(wanted) | A.c.title.in_(wanted)).order_by(A.c.id))
    return [(int(i), t) for i, t in rows]


def article_titles_containing(session: Session, text: str, limit: int) -> list[str]:
    """Up to ``limit`` article titles containing ``text`` (case-insensitive for ASCII)."""
    like = "%" + text.translate(_LIKE_SPECIAL) + "%"
    rows = session.scalars(select(A.c.title).where(A.c.title.ilike(like, escape="\\"))
                           .limit(limit))
    return list(rows)


def passages(session: Session, ids: Iterable[int]) -> list[Passage]:
    """Those of these highlights that exist, with their articles' source fields."""
    rows = session.execute(
        select(H.c.id, H.c.exact, A.c.title, A.c.outlet, A.c.published)
        .join(A, A.c.id == H.c.article_id).where(H.c.id.in_(sorted(set(ids)))))
    return [Passage(HighlightId(r.id), r.exact, r.title, r.outlet, r.published) for r in rows]


def article_highlight_ids(session: Session, article_id: int) -> list[HighlightId]:
    """Ids of an article's highlights (a note citing one cites the article)."""
    rows = session.scalars(select(H.c.id).where(H.c.article_id == article_id).order_by(H.c.id))
    return [HighlightId(i) for i in rows]
