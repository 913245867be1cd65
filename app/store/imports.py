"""Storing imported articles: duplicates found by content key, new rows queued for the index.

Import is the one bulk writer of articles. It does not go through the undo recorder
(an import is undone by deleting its articles); each new article and its change-log
entries are written in the caller's transaction, so no index or view misses one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import CursorResult, bindparam, insert, select
from sqlalchemy.orm import Session

from app.core.ids import ArticleId
from app.core.records import ArticleSummary
from app.store import changelog, outbox, schema
from app.store.articles import SUMMARY_COLUMNS, summary
from app.store.identity import current_author
from app.store.versioning import bookkeeping

A = schema.Base.metadata.tables["article"]


def by_content_keys(session: Session, keys: Sequence[str]) -> dict[str, ArticleSummary]:
    """Stored articles whose content key is one of ``keys``, by key."""
    columns = [A.c[name] for name in SUMMARY_COLUMNS]
    rows = session.execute(select(*columns, A.c.content_key).where(A.c.content_key.in_(keys)))
    return {row["content_key"]: summary(row) for row in rows.mappings()}


def insert_article(session: Session, row: Mapping[str, object],
                   author: str | None = None) -> ArticleSummary:
    """Insert one article row, queue it for the index, and return its summary.

    The row is stamped like every versioned insert (version 1, who, when): ``author`` is
    the notebook's author; None means the store's "who am I"
    (:func:`app.store.identity.current_author`). Unstamped, a colleague's conflict with
    the article named nobody ("another writer")."""
    who = current_author(session) if author is None else author
    values = {**row, **bookkeeping(who, 1)}
    # One statement with bound values: SQLAlchemy compiles it once per column set
    # (building ``insert().values(...)`` anew cost more than the INSERT itself).
    result = cast("CursorResult[Any]", session.execute(_INSERT, values))
    primary_key = result.inserted_primary_key
    assert primary_key is not None  # a plain INSERT of one row always has one
    new_id = ArticleId(int(primary_key[0]))
    outbox.enqueue(session, outbox.ARTICLE, [new_id])
    changelog.add_records(session, [("articles", new_id, "insert", new_id)])
    return summary({**row, "id": new_id})



def same_origin(session: Session, url: str, original_name: str,
                limit: int = 5) -> list[tuple[ArticleSummary, str]]:
    """Stored articles (newest first, with their texts) that an imported one may be a
    version of: the same URL or, without a URL, the same original file name."""
    if url:
        statement, value = _BY_URL, url
    elif original_name:
        statement, value = _BY_NAME, original_name
    else:
        return []
    rows = session.execute(statement, {"value": value, "limit": limit}).mappings()
    return [(summary(row), str(row["text"])) for row in rows]


def _newest_where(column: Any) -> Any:
    """Articles with ``column`` equal to the bound ``value``, newest first, at most
    the bound ``limit`` (built once: import asks this for every file)."""
    return (select(*(A.c[name] for name in SUMMARY_COLUMNS), A.c.text)
            .where(column == bindparam("value")).order_by(A.c.id.desc())
            .limit(bindparam("limit")))


_INSERT = insert(A)
_BY_URL = _newest_where(A.c.url)
_BY_NAME = _newest_where(A.c.original_name)
