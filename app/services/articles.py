"""Articles: paged, filtered listing for the library; metadata edits; deletion."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from app.core.changes import Changes
from app.core.dates import parse_partial_date, period
from app.core.errors import NotFound, ValidationError
from app.core.records import Article, ArticleFilter, ArticleMeta, ArticleSummary, Page
from app.services import convert
from app.services.unit import Writer, delete_highlight_dependents
from app.store import schema
from app.store.engine import translated_errors
from app.store.queries import tag_subtree_ids

A, H, HT = schema.article, schema.highlight, schema.highlight_tag

_HL_COUNT = (
    select(func.count()).where(H.c.article_id == A.c.id).correlate(A).scalar_subquery()
)
_SORTS: dict[str, Any] = {
    "title": func.lower(A.c.title),
    "outlet": func.lower(A.c.outlet),
    "published": A.c.published,
    "language": A.c.language,
    "imported_at": A.c.imported_at,
    "highlight_count": _HL_COUNT,
    "id": A.c.id,
}
MAX_PAGE = 5000
ALL = ArticleFilter()


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _apply_filter(session: Session, query: Select[Any], flt: ArticleFilter) -> Select[Any]:
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
    if flt.date_from:
        query = query.where(A.c.published >= period(flt.date_from)[0].isoformat()[: 10])
    if flt.date_to:
        # partial dates sort lexically: "2025-11" < "2025-11-30" < "2025-12"
        last = period(flt.date_to)[1].isoformat()
        query = query.where(A.c.published != "", A.c.published <= last)
    if flt.tag_ids:
        wanted: set[int] = set()
        for tag_id in flt.tag_ids:
            wanted |= tag_subtree_ids(session, tag_id)
        tagged = select(H.c.article_id).join(HT, HT.c.highlight_id == H.c.id).where(
            HT.c.tag_id.in_(wanted)
        )
        query = query.where(A.c.id.in_(tagged))
    return query


class ArticleService:
    """Read and edit articles. Import lives in :mod:`app.services.imports`."""

    def __init__(self, sessions: sessionmaker[Session], writer: Writer) -> None:
        self._sessions = sessions
        self._writer = writer

    def list(self, flt: ArticleFilter = ALL, offset: int = 0,
             limit: int = 200) -> Page[ArticleSummary]:
        """One page of the library, filtered and sorted in SQL."""
        if flt.sort not in _SORTS:
            raise ValidationError(f"cannot sort by {flt.sort!r}")
        limit = max(0, min(limit, MAX_PAGE))
        cols = [A.c[name] for name in convert.SUMMARY_COLUMNS]
        order = _SORTS[flt.sort]
        with translated_errors(), self._sessions() as session:
            total = session.scalar(_apply_filter(session, select(func.count()).select_from(A), flt))
            query = _apply_filter(session, select(*cols, _HL_COUNT.label("hl")), flt)
            # the id tie-breaker follows the direction, so SQLite can walk one index backwards
            ties = A.c.id.desc() if flt.descending else A.c.id.asc()
            query = query.order_by(order.desc() if flt.descending else order.asc(), ties)
            rows = session.execute(query.offset(offset).limit(limit)).mappings().all()
            items = tuple(convert.summary(r, r["hl"]) for r in rows)
        return Page(items=items, total=int(total or 0), offset=offset, limit=limit)

    def count(self, flt: ArticleFilter = ALL) -> int:
        with translated_errors(), self._sessions() as session:
            query = _apply_filter(session, select(func.count()).select_from(A), flt)
            return int(session.scalar(query) or 0)

    def get(self, article_id: int) -> Article:
        """The whole article. Raises NotFound."""
        with translated_errors(), self._sessions() as session:
            row = session.execute(select(A).where(A.c.id == article_id)).mappings().first()
            if row is None:
                raise NotFound(f"article {article_id} does not exist")
            count = session.scalar(select(func.count()).where(H.c.article_id == article_id))
            return convert.article(row, int(count or 0))

    def summaries(self, ids: Sequence[int]) -> list[ArticleSummary]:
        """Summaries of these articles, in the order given (missing ids are skipped)."""
        cols = [A.c[name] for name in convert.SUMMARY_COLUMNS]
        with translated_errors(), self._sessions() as session:
            rows = session.execute(
                select(*cols, _HL_COUNT.label("hl")).where(A.c.id.in_(list(ids)))
            ).mappings().all()
        by_id = {r["id"]: convert.summary(r, r["hl"]) for r in rows}
        return [by_id[i] for i in ids if i in by_id]

    def outlets(self) -> list[str]:
        return self._distinct(A.c.outlet)

    def languages(self) -> list[str]:
        return self._distinct(A.c.language)

    def _distinct(self, column: Any) -> list[str]:
        with translated_errors(), self._sessions() as session:
            rows = session.execute(select(column).where(column != "").distinct().order_by(column))
            return [r[0] for r in rows]

    def update_meta(self, article_id: int, meta: ArticleMeta) -> Changes:
        """Replace an article's metadata (not its text)."""
        values = {
            "title": meta.title.strip(),
            "language": meta.language.strip().lower(),
            "outlet": meta.outlet.strip(),
            "url": meta.url.strip(),
            "author": meta.author.strip(),
            "published": parse_partial_date(meta.published) if meta.published.strip() else "",
            "original_name": meta.original_name.strip(),
        }
        title = values["title"] or f"article {article_id}"
        with self._writer.edit(f"edit metadata of '{_short(title)}'") as tx:
            self._require(tx.session, article_id)
            tx.rec.update(A, {"id": article_id}, values)
        return tx.changes

    def delete(self, ids: Iterable[int]) -> Changes:
        """Delete articles with their highlights (undoable)."""
        ids = sorted(set(ids))
        label = f"delete {len(ids)} articles" if len(ids) != 1 else "delete article"
        with self._writer.edit(label) as tx:
            for article_id in ids:
                self._delete_one(tx.rec, article_id)
        return tx.changes

    def _delete_one(self, rec: Any, article_id: int) -> None:
        row = rec.rows(A, A.c.id == article_id)
        if not row:
            raise NotFound(f"article {article_id} does not exist")
        highlights = rec.rows(H, H.c.article_id == article_id)
        hids = [h["id"] for h in highlights]
        delete_highlight_dependents(rec, hids)
        for link in rec.rows(HT, HT.c.highlight_id.in_(hids)) if hids else []:
            rec.delete(HT, link)
        for h in highlights:
            rec.delete(H, h)
        rec.delete(A, row[0])

    @staticmethod
    def _require(session: Session, article_id: int) -> None:
        if session.scalar(select(A.c.id).where(A.c.id == article_id)) is None:
            raise NotFound(f"article {article_id} does not exist")


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"

