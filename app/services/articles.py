"""Articles: paged, filtered listing for the library; metadata edits; deletion."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping, Sequence

from app.core.changes import Changes
from app.core.dates import parse_partial_date
from app.core.errors import NotFound, ValidationError
from app.core.records import Article, ArticleFilter, ArticleMeta, ArticleSummary, Page
from app.services.conflicts import expect
from app.services.unit import Transaction, Writer
from app.store import articles
from app.store.engine import translated_errors
from app.store.sessions import Sessions

MAX_PAGE = 5000
ALL = ArticleFilter()


def _checked(flt: ArticleFilter) -> ArticleFilter:
    """The filter with its dates normalised; a bad sort key or date is refused here, with
    the value named, before any query runs."""
    if flt.sort not in articles.SORTS:
        raise ValidationError(f"cannot sort by {flt.sort!r}")
    date_from = parse_partial_date(flt.date_from) if flt.date_from.strip() else ""
    date_to = parse_partial_date(flt.date_to) if flt.date_to.strip() else ""
    if flt.date_from == date_from and flt.date_to == date_to:
        return flt
    return ArticleFilter(text=flt.text, outlets=flt.outlets, languages=flt.languages,
                         date_from=date_from, date_to=date_to, tag_ids=flt.tag_ids,
                         sort=flt.sort, descending=flt.descending)


def _published(value: str) -> str:
    """A metadata date: empty (unknown) or a valid partial date, normalised."""
    return parse_partial_date(value) if value.strip() else ""


class ArticleService:
    """Read and edit articles. Import lives in :mod:`app.services.imports`."""

    def __init__(self, sessions: Sessions, writer: Writer) -> None:
        self._sessions = sessions
        self._writer = writer

    def list(self, flt: ArticleFilter = ALL, offset: int = 0,
             limit: int = 200) -> Page[ArticleSummary]:
        """One page of the library, filtered and sorted in SQL.

        A date range keeps every article whose (partial) date overlaps it: ``2025-11``
        passes ``date_from="2025-11-06"``; an article without a date passes no range.
        """
        flt = _checked(flt)
        limit = max(0, min(limit, MAX_PAGE))
        with translated_errors(), self._sessions() as session:
            total = articles.count(session, flt)
            items = articles.page(session, flt, offset, limit)
        return Page(items=items, total=total, offset=offset, limit=limit)

    def count(self, flt: ArticleFilter = ALL) -> int:
        flt = _checked(flt)
        with translated_errors(), self._sessions() as session:
            return articles.count(session, flt)

    def get(self, article_id: int) -> Article:
        """The whole article. Raises NotFound."""
        with translated_errors(), self._sessions() as session:
            found = articles.get(session, article_id)
        if found is None:
            raise NotFound(f"article {article_id} does not exist")
        return found

    def summaries(self, ids: Sequence[int]) -> builtins.list[ArticleSummary]:
        """Summaries of these articles, in the order given (missing ids are skipped)."""
        with translated_errors(), self._sessions() as session:
            return articles.summaries(session, ids)

    def outlets(self) -> builtins.list[str]:
        with translated_errors(), self._sessions() as session:
            return articles.outlets(session)

    def languages(self) -> builtins.list[str]:
        with translated_errors(), self._sessions() as session:
            return articles.languages(session)

    def update_meta(self, article_id: int, meta: ArticleMeta, seen: Article | None = None
                    ) -> Changes:
        """Replace an article's metadata (not its text). An invalid date is refused
        (ValidationError naming it) and nothing is stored. ``seen``, the article as the
        user saw it, makes it a versioned write: fields only one side changed merge, a
        field both changed raises ConflictError (see :mod:`app.services.conflicts`)."""
        values = {
            "title": meta.title.strip(),
            "language": meta.language.strip().lower(),
            "outlet": meta.outlet.strip(),
            "url": meta.url.strip(),
            "author": meta.author.strip(),
            "published": _published(meta.published),
            "original_name": meta.original_name.strip(),
        }
        _check_lengths(values)
        title = values["title"] or f"article {article_id}"
        with self._writer.edit(f"edit metadata of '{_short(title)}'") as tx:
            if not articles.exists(tx.session, article_id):
                raise NotFound(f"article {article_id} does not exist")
            expect(tx, seen)
            articles.update(tx.rec, article_id, values)
        return tx.changes

    def set_fields(self, ids: Iterable[int], *, outlet: str | None = None,
                   language: str | None = None, published: str | None = None) -> Changes:
        """Set outlet, language and/or date of many articles in one undo step (fields left
        None are kept). An invalid date is refused and nothing is stored."""
        values: dict[str, object] = {}
        if outlet is not None:
            values["outlet"] = outlet.strip()
        if language is not None:
            values["language"] = language.strip().lower()
        if published is not None:
            values["published"] = _published(published)
        _check_lengths(values)
        ids = sorted(set(ids))
        if not values or not ids:
            return Changes()
        what = ", ".join(f"{k} '{_short(str(v), 20)}'" for k, v in values.items())
        with self._writer.edit(f"set {what} on {len(ids)} articles") as tx:
            for article_id in ids:
                if not articles.exists(tx.session, article_id):
                    raise NotFound(f"article {article_id} does not exist")
                articles.update(tx.rec, article_id, values)
        return tx.changes

    def delete(self, ids: Iterable[int]) -> Changes:
        """Delete articles with their highlights (undoable)."""
        ids = sorted(set(ids))
        label = f"delete {len(ids)} articles" if len(ids) != 1 else "delete article"
        with self._writer.edit(label) as tx:
            for article_id in ids:
                self._delete_one(tx, article_id)
        return tx.changes

    @staticmethod
    def _delete_one(tx: Transaction, article_id: int) -> None:
        """The article with its highlights and what points at them, all recorded, so
        undo restores all."""
        if not articles.exists(tx.session, article_id):
            raise NotFound(f"article {article_id} does not exist")
        articles.delete(tx.rec, article_id)


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _check_lengths(values: Mapping[str, object]) -> None:
    """Refuse a value longer than its column holds (ValidationError naming the field)."""
    for name, limit in articles.length_limits().items():
        value = values.get(name)
        if isinstance(value, str) and len(value) > limit:
            raise ValidationError(f"the {name.replace('_', ' ')} of an article can be at "
                                  f"most {limit} characters (this one has {len(value)})")
