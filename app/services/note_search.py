"""Searching notes: the notebook's one index, restricted to notes (or not).

Notes are indexed in the same index as articles, with the same fields, analyzers and
query syntax, fed by the one indexer from the one outbox (:mod:`app.services.indexing`);
so a search over both kinds is one ranking on one score scale. This class only keeps the
notes' side of that API for :class:`app.services.notes.NoteService`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from app.core.records import SearchResults

if TYPE_CHECKING:
    from app.services.search import SearchService

NOTE_KINDS = ("note",)


class NoteSearch:
    """Search notes, or notes beside articles, through the notebook's search service."""

    def __init__(self, search: SearchService) -> None:
        self._search = search

    def search(self, query: str, offset: int = 0, limit: int = 20) -> SearchResults:
        """Notes matching ``query`` (the article query syntax); hits have kind "note"."""
        self._search.flush(kinds=NOTE_KINDS)
        return self._search.search(query, offset, limit, kinds=NOTE_KINDS)

    def search_all(self, query: str, offset: int = 0, limit: int = 20,
                   kinds: Sequence[str] = ("article", "note")) -> SearchResults:
        """Articles and notes in one ranking, filtered by ``kinds``. Queued notes are
        indexed first (a note just typed is found); queued articles are left to the
        indexer thread, so a search during a big import does not wait for it."""
        self._search.flush(kinds=NOTE_KINDS)
        return self._search.search(query, offset, limit, kinds=kinds)

    def flush(self) -> int:
        """Index everything queued now; returns how many documents were written."""
        return self._search.flush()

    def reindex(self) -> int:
        """Rewrite every note's document from the database; returns how many."""
        return self._search.reindex(kinds=NOTE_KINDS)

    def close(self) -> None:
        """Nothing to release: the index belongs to the notebook."""
