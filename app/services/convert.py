"""Rows -> frozen records. The only place that knows both shapes."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from app.core.ids import ArticleId, HighlightId, TagId
from app.core.records import Article, ArticleSummary, Highlight, Tag

SUMMARY_COLUMNS = (
    "id", "title", "language", "outlet", "url", "author", "published",
    "original_name", "imported_at", "char_count",
)


def summary(row: Mapping[str, Any], highlight_count: int = 0) -> ArticleSummary:
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


def article(row: Mapping[str, Any], highlight_count: int) -> Article:
    return Article(
        summary=summary(row, highlight_count),
        text=row["text"],
        sha256=row["sha256"],
        extra=json.loads(row["extra"] or "{}"),
    )


def highlight(row: Mapping[str, Any], tag_ids: Sequence[int]) -> Highlight:
    return Highlight(
        id=HighlightId(row["id"]),
        article_id=ArticleId(row["article_id"]),
        start=row["start"],
        end=row["end"],
        exact=row["exact"],
        prefix=row["prefix"],
        suffix=row["suffix"],
        text_sha256=row["text_sha256"],
        colour=row["colour"],
        memo=row["memo"],
        author=row["author"],
        created_at=row["created_at"],
        modified_at=row["modified_at"],
        tag_ids=tuple(TagId(t) for t in sorted(tag_ids)),
        is_orphaned=bool(row["is_orphaned"]),
    )


def tag(row: Mapping[str, Any], path: str, count: int) -> Tag:
    parent = row["parent_id"]
    return Tag(
        id=TagId(row["id"]),
        name=row["name"],
        colour=row["colour"],
        parent_id=TagId(parent) if parent is not None else None,
        description=row["description"],
        path=path,
        highlight_count=count,
    )
