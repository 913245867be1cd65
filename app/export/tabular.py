"""JSON and CSV renderings of articles, tags and highlights."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import IO, Any

from app.core.ids import TagId
from app.core.records import ArticleSummary, Highlight, Tag

ARTICLE_COLUMNS = ("id", "title", "outlet", "published", "language", "author", "url",
                   "original_name", "imported_at", "char_count", "highlight_count")
HIGHLIGHT_COLUMNS = ("id", "article_id", "article_title", "outlet", "published", "start",
                     "end", "quote", "tags", "memo", "author", "created_at", "modified_at")


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


def record_dict(record: Any) -> dict[str, Any]:
    """A frozen record as a JSON-ready dict."""
    return {k: _plain(v) for k, v in dataclasses.asdict(record).items()}


def write_json(handle: IO[str], document: Mapping[str, Any]) -> None:
    json.dump(document, handle, ensure_ascii=False, indent=2, default=_plain)
    handle.write("\n")


def write_articles_csv(handle: IO[str], articles: Iterable[ArticleSummary]) -> None:
    writer = csv.writer(handle)
    writer.writerow(ARTICLE_COLUMNS)
    for a in articles:
        writer.writerow([_cell(_plain(getattr(a, c))) for c in ARTICLE_COLUMNS])


def write_highlights_csv(handle: IO[str], rows: Iterable[tuple[Highlight, ArticleSummary]],
                         tags: Mapping[TagId, Tag]) -> None:
    """One row per highlight, with its article's title/outlet/date and tag paths."""
    writer = csv.writer(handle)
    writer.writerow(HIGHLIGHT_COLUMNS)
    for h, a in rows:
        writer.writerow([_cell(v) for v in (
            h.id, h.article_id, a.title, a.outlet, a.published, h.start, h.end, h.exact,
            "; ".join(tags[t].path for t in h.tag_ids if t in tags), h.memo, h.author,
            h.created_at.isoformat(), h.modified_at.isoformat(),
        )])


def _cell(value: Any) -> Any:
    """Neutralise spreadsheet formula injection in text cells (OWASP CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
