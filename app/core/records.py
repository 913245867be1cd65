"""Frozen records that services return. Never ORM objects, never Qt objects."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from app.core.conflicts import NO_STAMP, Stamp
from app.core.ids import ArticleId, HighlightId, TagId

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ArticleMeta:
    """Editable metadata of an article (everything but its text)."""

    title: str = ""
    language: str = ""
    outlet: str = ""
    url: str = ""
    author: str = ""
    published: str = ""  # partial date: "", "2025", "2025-11" or "2025-11-06"
    original_name: str = ""


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """One row of the library: an article without its text."""

    id: ArticleId
    title: str
    language: str
    outlet: str
    url: str
    author: str
    published: str
    original_name: str
    imported_at: dt.datetime
    char_count: int
    highlight_count: int


@dataclass(frozen=True, slots=True)
class Article:
    """A whole article: metadata, the stored (normalised) text and its hash."""

    summary: ArticleSummary
    text: str
    sha256: str
    extra: dict[str, str] = field(default_factory=dict)
    stamp: Stamp = NO_STAMP  # version and last change: pass the record back to edit it

    @property
    def id(self) -> ArticleId:
        return self.summary.id

    @property
    def title(self) -> str:
        return self.summary.title


@dataclass(frozen=True, slots=True)
class Tag:
    """A tag (code). ``path`` is the hierarchy joined with ``/``."""

    id: TagId
    name: str
    colour: str  # "#rrggbb"
    parent_id: TagId | None
    description: str
    path: str
    highlight_count: int = 0
    stamp: Stamp = NO_STAMP  # version and last change: pass the record back to edit it


@dataclass(frozen=True, slots=True)
class Highlight:
    """A highlighted passage: code-point span plus W3C quote selectors."""

    id: HighlightId
    article_id: ArticleId
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str
    text_sha256: str
    colour: str  # "" means: use the first tag's colour
    memo: str  # Markdown
    author: str
    created_at: dt.datetime
    modified_at: dt.datetime
    tag_ids: tuple[TagId, ...] = ()
    is_orphaned: bool = False
    stamp: Stamp = NO_STAMP  # version and last change: pass the record back to edit it


@dataclass(frozen=True, slots=True)
class HighlightSpan:
    """What a reader needs to draw a highlight: code-point span, colour and tag ids.

    A lean view of :class:`Highlight` (no memo, no quote selectors), read in one
    query so that opening a long article with many highlights stays fast.
    """

    id: HighlightId
    start: int
    end: int
    colour: str  # "" means: use the first tag's colour
    tag_ids: tuple[TagId, ...] = ()


@dataclass(frozen=True, slots=True)
class Passage:
    """A highlight with its article's title and outlet, for cross-article lists."""

    highlight: Highlight
    article_title: str
    article_outlet: str
    article_published: str


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a longer list, for lazy views."""

    items: tuple[T, ...]
    total: int
    offset: int
    limit: int


@dataclass(frozen=True, slots=True)
class ArticleFilter:
    """What the library shows. Empty fields do not filter."""

    text: str = ""  # substring of title/outlet/author/original name
    outlets: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    date_from: str = ""  # partial dates, inclusive
    date_to: str = ""
    tag_ids: tuple[TagId, ...] = ()  # articles with a highlight carrying any of these
    sort: str = "imported_at"  # title|outlet|published|language|imported_at|highlight_count
    descending: bool = False


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result.

    ``snippet`` is plain text; ``snippet_marks`` are ``[start, end)`` code-point
    spans inside ``snippet`` to mark. ``hit_spans`` are code-point spans in the
    article's stored text, for scrolling the reader to each hit.
    """

    article_id: ArticleId
    title: str
    outlet: str
    language: str
    published: str
    score: float
    snippet: str
    snippet_marks: tuple[tuple[int, int], ...]
    hit_spans: tuple[tuple[int, int], ...]
    kind: str = "article"  # "article" or "note"
    note_id: int = 0  # for kind "note": the note (spans then refer to its Markdown)


@dataclass(frozen=True, slots=True)
class SearchResults:
    """A page of search results."""

    query: str
    total: int
    offset: int
    hits: tuple[SearchHit, ...]
    elapsed_ms: float = 0.0


@dataclass(frozen=True, slots=True)
class IndexStatus:
    """How far the search index is behind the database."""

    pending: int
    indexed: int
    is_rebuilding: bool = False
