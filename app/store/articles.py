"""Articles: the library's filtered, sorted pages, whole articles, and recorded writes.

Plain functions: reads take a ``Session``, writes a :class:`~app.store.ops.Recorder` (so
undo can replay them); none commits. Import (inserting new articles) lives with the
ingest service; rules (which metadata is valid) in :mod:`app.services.articles`.

``published`` holds a partial date (``""``, ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``), a
*period*. Such strings sort like the first day of their period (``2025`` < ``2025-01-01``
< ``2025-01`` < ``2025-01-02``), so sorting by date needs no derived column, and date
filters keep every article whose period overlaps the range (see :func:`_published_in`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, func, or_, select
from sqlalchemy.orm import Session

from app.core.conflicts import NO_STAMP
from app.core.dates import period_bounds
from app.core.ids import ArticleId
from app.core.records import Article, ArticleFilter, ArticleSummary
from app.store import schema
from app.store.ops import Recorder
from app.store.tags import subtree_ids
from app.store.versioning import stamp_of

# ``schema.article`` is typed as a FromClause; the metadata holds the same Table, typed.
_TABLES = schema.Base.metadata.tables
A, H, HT = _TABLES["article"], _TABLES["highlight"], _TABLES["highlight_tag"]


def length_limits() -> dict[str, int]:
    """The most characters each length-limited text column of an article holds
    (``outlet``: 300, ...). PostgreSQL refuses longer values; SQLite would keep them, so
    the services check them on both, and a notebook stays publishable."""
    return {c.name: int(c.type.length) for c in A.c
            if isinstance(c.type, String) and c.type.length}

SUMMARY_COLUMNS = (
    "id", "title", "language", "outlet", "url", "author", "published",
    "original_name", "imported_at", "char_count",
)
_HL_COUNT = (
    select(func.count()).where(H.c.article_id == A.c.id).correlate(A).scalar_subquery()
)
SORTS: dict[str, Any] = {
    "title": func.lower(A.c.title),
    "outlet": func.lower(A.c.outlet),
    "published": A.c.published,  # first day of the period (see the module docstring)
    "language": A.c.language,
    "imported_at": A.c.imported_at,
    "highlight_count": _HL_COUNT,
    "id": A.c.id,
}
"""The library's sort keys (``ArticleFilter.sort``) and their SQL expressions."""


def summary(row: Mapping[Any, Any], highlight_count: int = 0) -> ArticleSummary:
    """A row holding :data:`SUMMARY_COLUMNS` as a record."""
    return ArticleSummary(
        id=ArticleId(row["id"]),
        title=row["title"],
        language=row["language"],
        outlet=row["outlet"],
        url=row["url"],
        author=row["author"],
        published=row["published"],
        original_name=row["original_name"],
        imported_at=row["imported_at"],
        char_count=row["char_count"],
        highlight_count=highlight_count,
    )


def _article(row: Mapping[Any, Any], highlight_count: int) -> Article:
    return Article(
        summary=summary(row, highlight_count),
        text=row["text"],
        sha256=row["sha256"],
        extra=json.loads(row["extra"] or "{}"),
        stamp=stamp_of(row) if "version" in row else NO_STAMP,
    )


# -- the library filter ----------------------------------------------------------------
def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _published_in(date_from: str, date_to: str) -> list[ColumnElement[bool]]:
    """Conditions keeping articles whose ``published`` period overlaps the range.

    A period overlaps ``[lo, hi]`` (first day of ``date_from``, last day of
    ``date_to``) when it starts on or before ``hi`` and ends on or after ``lo``.
    Partial dates sort like their first day, so "starts on or before hi" is
    ``published <= hi``. It ends on or after ``lo`` when it starts on or after ``lo``
    or contains ``lo``, i.e. is ``lo``'s year or month (``2025-11`` contains
    2025-11-06). Both stay plain comparisons on the indexed column. An unknown date
    ("") never matches a bounded range.
    """
    conditions: list[ColumnElement[bool]] = []
    if date_from:
        lo = period_bounds(date_from)[0]
        conditions.append(or_(A.c.published >= lo, A.c.published.in_([lo[:4], lo[:7]])))
    if date_to:
        hi = period_bounds(date_to)[1]
        conditions.append(and_(A.c.published != "", A.c.published <= hi))
    return conditions


def _filtered(session: Session, query: Select[Any], flt: ArticleFilter) -> Select[Any]:
    if flt.text.strip():
        pattern = _like(flt.text.strip())
        query = query.where(or_(*(
            c.ilike(pattern, escape="\\")
            for c in (A.c.title, A.c.outlet, A.c.author, A.c.original_name)
        )))
    if flt.outlets:
        query = query.where(A.c.outlet.in_(flt.outlets))
    if flt.languages:
        query = query.where(A.c.language.in_(flt.languages))
    query = query.where(*_published_in(flt.date_from, flt.date_to))
    if flt.tag_ids:
        wanted: set[int] = set()
        for tag_id in flt.tag_ids:
            wanted |= subtree_ids(session, tag_id)
        tagged = select(H.c.article_id).join(HT, HT.c.highlight_id == H.c.id).where(
            HT.c.tag_id.in_(wanted)
        )
        query = query.where(A.c.id.in_(tagged))
    return query


# -- reads -----------------------------------------------------------------------------
def count(session: Session, flt: ArticleFilter) -> int:
    """How many articles pass the filter."""
    query = _filtered(session, select(func.count()).select_from(A), flt)
    return int(session.scalar(query) or 0)


def page(session: Session, flt: ArticleFilter, offset: int,
         limit: int) -> tuple[ArticleSummary, ...]:
    """One page of summaries passing the filter, in its order (``flt.sort`` must be a key
    of :data:`SORTS`)."""
    order = SORTS[flt.sort]
    cols = [A.c[name] for name in SUMMARY_COLUMNS]
    query = _filtered(session, select(*cols, _HL_COUNT.label("hl")), flt)
    # the id tie-breaker follows the direction, so SQLite can walk one index backwards
    ties = A.c.id.desc() if flt.descending else A.c.id.asc()
    query = query.order_by(order.desc() if flt.descending else order.asc(), ties)
    rows = session.execute(query.offset(offset).limit(limit)).mappings().all()
    return tuple(summary(r, r["hl"]) for r in rows)


def summaries(session: Session, article_ids: Sequence[int]) -> list[ArticleSummary]:
    """Summaries of these articles, in the order given (missing ids are skipped)."""
    cols = [A.c[name] for name in SUMMARY_COLUMNS]
    rows = session.execute(
        select(*cols, _HL_COUNT.label("hl")).where(A.c.id.in_(list(article_ids)))
    ).mappings().all()
    by_id = {r["id"]: summary(r, r["hl"]) for r in rows}
    return [by_id[i] for i in article_ids if i in by_id]


def get(session: Session, article_id: int) -> Article | None:
    """The whole article with its highlight count, or None."""
    row = session.execute(select(A).where(A.c.id == article_id)).mappings().first()
    if row is None:
        return None
    highlights = session.scalar(select(func.count()).where(H.c.article_id == article_id))
    return _article(row, int(highlights or 0))


def exists(session: Session, article_id: int) -> bool:
    """True if the article exists."""
    return session.scalar(select(A.c.id).where(A.c.id == article_id)) is not None


def text_of(session: Session, article_id: int) -> str | None:
    """The stored (NFC) text of an article, or None if it does not exist."""
    text = session.scalar(select(A.c.text).where(A.c.id == article_id))
    return None if text is None else str(text)


def count_all(session: Session) -> int:
    """How many articles the notebook holds."""
    return int(session.scalar(select(func.count()).select_from(A)) or 0)


def _distinct(session: Session, column: Any) -> list[str]:
    rows = session.scalars(select(column).where(column != "").distinct().order_by(column))
    return [str(r) for r in rows]


def outlets(session: Session) -> list[str]:
    """Every outlet named by some article, sorted."""
    return _distinct(session, A.c.outlet)


def languages(session: Session) -> list[str]:
    """Every language code of some article, sorted."""
    return _distinct(session, A.c.language)


# -- writes ----------------------------------------------------------------------------
def update(rec: Recorder, article_id: int, values: Mapping[str, object]) -> None:
    """Set metadata columns of one article (validated by the caller)."""
    rec.update(A, {"id": article_id}, dict(values))


def delete(rec: Recorder, article_id: int) -> None:
    """Delete an article, recorded so that undo restores it. Its highlights, their tag
    links and what points at them go as the schema's references say (cascades the
    recorder records too)."""
    rec.delete(A, {"id": article_id})
