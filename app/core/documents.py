"""What a record puts into the search index, as plain data (built in ``app.store``,
written to Whoosh by ``app.services``)."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.ids import ArticleId, NoteId


@dataclass(frozen=True, slots=True)
class ArticleDocument:
    """One article's search document.

    ``rev`` grows with every change to the document, so a consistency check can tell a
    stale index entry from a fresh one. ``tags`` are tag paths ("Wirtschaft/Energie");
    ``actors`` the names and aliases of the actors the article mentions.
    """

    id: ArticleId
    rev: int
    title: str
    text: str
    language: str
    outlet: str
    published: str
    tags: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StaleDocuments:
    """The search documents an edit changed (to rewrite, or remove if the record is gone)."""

    articles: frozenset[ArticleId] = frozenset()
    notes: frozenset[NoteId] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not (self.articles or self.notes)
