"""What a mutation touched, so that views refresh only what changed (Anki's OpChanges)."""

from __future__ import annotations

from dataclasses import dataclass, fields

from app.core.ids import ArticleId, HighlightId, TagId

KINDS = ("articles", "highlights", "tags", "actors", "agreements", "notes")
"""Kinds of record a Changes value tracks; each has a ``deleted_<kind>`` twin."""


@dataclass(frozen=True, slots=True)
class Changes:
    """Ids a mutation added or modified (``*``) or deleted (``deleted_*``).

    ``label`` names the edit for undo menus ("add tag 'Energie'").
    """

    articles: frozenset[ArticleId] = frozenset()
    highlights: frozenset[HighlightId] = frozenset()
    tags: frozenset[TagId] = frozenset()
    actors: frozenset[int] = frozenset()
    agreements: frozenset[int] = frozenset()
    notes: frozenset[int] = frozenset()
    deleted_articles: frozenset[ArticleId] = frozenset()
    deleted_highlights: frozenset[HighlightId] = frozenset()
    deleted_tags: frozenset[TagId] = frozenset()
    deleted_actors: frozenset[int] = frozenset()
    deleted_agreements: frozenset[int] = frozenset()
    deleted_notes: frozenset[int] = frozenset()
    label: str = ""

    def __or__(self, other: Changes) -> Changes:
        merged = {
            f.name: getattr(self, f.name) | getattr(other, f.name)
            for f in fields(self)
            if f.name != "label"
        }
        return Changes(**merged, label=self.label or other.label)

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self) if f.name != "label")

    @property
    def touches_articles(self) -> bool:
        return bool(self.articles or self.deleted_articles)

    @property
    def touches_highlights(self) -> bool:
        return bool(self.highlights or self.deleted_highlights)

    @property
    def touches_tags(self) -> bool:
        return bool(self.tags or self.deleted_tags)
