"""What the actor suggestion pass and name expansion read: article texts, marked spans,
rejections; and the recorded write of a rejection. Never commits."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import cast

from sqlalchemy import Table, func, or_, select
from sqlalchemy.orm import Session

from app.store import schema
from app.store import schema_actors as sa_
from app.store.ops import Recorder

A, H = schema.article, schema.highlight
# The ORM-declared tables are typed as FromClause; they are Tables.
MENTION, REJECTION = cast(Table, sa_.mention), cast(Table, sa_.rejection)

Rejection = tuple[int, str, int | None, int | None]
"""(actor id, casefolded surface, article id or None for everywhere, start or None)."""


def article_ids(session: Session, wanted: Iterable[int] | None = None) -> list[int]:
    """Ids of all articles (or of those in ``wanted`` that exist), ascending."""
    query = select(A.c.id).order_by(A.c.id)
    if wanted is not None:
        query = query.where(A.c.id.in_(list(wanted)))
    return [int(i) for i in session.scalars(query)]


def article_texts(session: Session, ids: list[int]) -> dict[int, str]:
    return {int(i): str(t) for i, t in session.execute(
        select(A.c.id, A.c.text).where(A.c.id.in_(ids)))}


def article_text(session: Session, article_id: int) -> str | None:
    found = session.scalar(select(A.c.text).where(A.c.id == article_id))
    return None if found is None else str(found)


def texts_containing(session: Session, needles: Iterable[str], after_id: int = 0,
                     batch: int = 200) -> Iterator[tuple[int, str]]:
    """(id, text) of articles after ``after_id`` whose text contains one of ``needles``
    (case-sensitive), in id order. The database does the scanning (SQLite's ``instr``,
    PostgreSQL's ``strpos``: ``LIKE`` would ignore case on SQLite), so only the articles
    that can contain a word are read into Python."""
    wanted = [n for n in dict.fromkeys(needles) if n]
    if not wanted:
        return
    position = func.strpos if session.get_bind().dialect.name == "postgresql" else func.instr
    last = after_id
    while True:
        rows = session.execute(
            select(A.c.id, A.c.text)
            .where(A.c.id > last, or_(*(position(A.c.text, n) > 0 for n in wanted)))
            .order_by(A.c.id).limit(batch)).all()
        for article_id, text in rows:
            yield int(article_id), str(text)
        if len(rows) < batch:
            return
        last = int(rows[-1][0])


_LAST_ARTICLE = select(func.coalesce(func.max(A.c.id), 0))


def last_article_id(session: Session) -> int:
    """The highest article id (0 without articles): grows with every import."""
    return int(session.scalar(_LAST_ARTICLE) or 0)


def marked_spans(session: Session, ids: list[int]) -> dict[int, list[tuple[int, int]]]:
    """Per article, the spans of highlights already marked as naming an actor."""
    rows = session.execute(select(H.c.article_id, H.c.start, H.c.end)
                           .join(MENTION, MENTION.c.highlight_id == H.c.id)
                           .where(H.c.article_id.in_(ids)))
    out: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for article_id, start, end in rows:
        out[article_id].append((start, end))
    return out


def rejections(session: Session) -> set[Rejection]:
    """Every rejected suggestion (see :data:`Rejection`)."""
    rows = session.execute(select(REJECTION.c.actor_id, REJECTION.c.surface,
                                  REJECTION.c.article_id, REJECTION.c.start))
    return {(a, s, art, st) for a, s, art, st in rows}


def insert_rejection(rec: Recorder, actor_id: int, surface: str, article_id: int | None,
                     start: int | None) -> int:
    row = rec.insert(REJECTION, {"id": None, "actor_id": actor_id, "surface": surface,
                                 "article_id": article_id, "start": start})
    return int(row["id"])
