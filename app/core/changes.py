"""What a mutation touched, so that views refresh only what changed (Anki's OpChanges)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields

from app.core.ids import ActorId, AgreementId, ArticleId, HighlightId, NoteId, TagId

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
    actors: frozenset[ActorId] = frozenset()
    agreements: frozenset[AgreementId] = frozenset()
    notes: frozenset[NoteId] = frozenset()
    deleted_articles: frozenset[ArticleId] = frozenset()
    deleted_highlights: frozenset[HighlightId] = frozenset()
    deleted_tags: frozenset[TagId] = frozenset()
    deleted_actors: frozenset[ActorId] = frozenset()
    deleted_agreements: frozenset[AgreementId] = frozenset()
    deleted_notes: frozenset[NoteId] = frozenset()
    label: str = ""

    @classmethod
    def of(cls, touched: Mapping[str, Iterable[int]], deleted: Mapping[str, Iterable[int]],
           label: str = "") -> Changes:
        """Changes from plain ids per kind (keys of :data:`KINDS`); an id both touched
        and deleted counts as deleted."""

        def live(kind: str) -> set[int]:
            return set(touched.get(kind, ())) - set(deleted.get(kind, ()))

        def gone(kind: str) -> set[int]:
            return set(deleted.get(kind, ()))

        return cls(
            articles=frozenset(map(ArticleId, live("articles"))),
            highlights=frozenset(map(HighlightId, live("highlights"))),
            tags=frozenset(map(TagId, live("tags"))),
            actors=frozenset(map(ActorId, live("actors"))),
            agreements=frozenset(map(AgreementId, live("agreements"))),
            notes=frozenset(map(NoteId, live("notes"))),
            deleted_articles=frozenset(map(ArticleId, gone("articles"))),
            deleted_highlights=frozenset(map(HighlightId, gone("highlights"))),
            deleted_tags=frozenset(map(TagId, gone("tags"))),
            deleted_actors=frozenset(map(ActorId, gone("actors"))),
            deleted_agreements=frozenset(map(AgreementId, gone("agreements"))),
            deleted_notes=frozenset(map(NoteId, gone("notes"))),
            label=label,
        )

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
