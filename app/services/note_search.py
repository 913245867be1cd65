"""Searching notes: their own Whoosh index, fed from the notes' outbox.

Notes are indexed with the article schema, analyzers and query syntax
(:class:`app.search.SearchIndex`), in a folder next to the articles' index. Every edit
that touches a note queues it in ``note_outbox`` in the edit's own transaction (undo and
redo included); :meth:`NoteSearch.flush` drains the queue before each search, removing
entries only after the index commit that contains them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.ids import NoteId
from app.core.notes import NoteDocument
from app.core.records import SearchResults
from app.search import IndexDoc, SearchIndex
from app.store import notes as note_rows
from app.store.engine import translated_errors
from app.store.sessions import Sessions

if TYPE_CHECKING:
    from app.services.search import SearchService

log = logging.getLogger(__name__)

BATCH = 200
"""Notes indexed per index commit."""
Expand = Callable[[str, str], Sequence[str]]


def index_doc(doc: NoteDocument) -> IndexDoc:
    """The index document of a note (its id in the ``article_id`` field of this index)."""
    return IndexDoc(article_id=doc.id, rev=doc.rev, title=doc.title, body=doc.body,
                    language=doc.language, outlet="", published=doc.published,
                    actors=doc.actor_names)


class NoteSearch:
    """The notes' index: search, search beside articles, drain the queue, rebuild.

    Args:
        sessions: the notebook's session factory.
        index_dir: the notes' own index folder.
        articles: the article search, for results of both kinds in one list.
        expand: every spelling of an actor name (alias-aware ``actor:`` queries).
    """

    def __init__(self, sessions: Sessions, index_dir: Path, articles: SearchService,
                 expand: Expand | None = None) -> None:
        self._sessions = sessions
        self._articles = articles
        self._expand = expand
        self._lock = threading.Lock()
        self._index = SearchIndex.open(Path(index_dir))
        if self._index.was_reset:
            self._enqueue_all()

    def search(self, query: str, offset: int = 0, limit: int = 20) -> SearchResults:
        """Notes matching ``query`` (the article query syntax); hits have kind "note"."""
        self.flush()
        found = self._index.search(query, offset=offset, limit=limit, text_of=self._body_of,
                                   expand=self._expand)
        hits = tuple(replace(h, kind="note", note_id=int(h.article_id), outlet="Note")
                     for h in found.hits)
        return replace(found, hits=hits)

    def search_all(self, query: str, offset: int = 0, limit: int = 20,
                   kinds: Sequence[str] = ("article", "note")) -> SearchResults:
        """Articles and notes in one list by score, filtered by ``kinds``."""
        parts: list[SearchResults] = []
        if "note" in kinds:
            parts.append(self.search(query, 0, offset + limit))
        if "article" in kinds:
            parts.append(self._articles.search(query, offset=0, limit=offset + limit))
        hits = sorted((h for p in parts for h in p.hits), key=lambda h: -h.score)
        return SearchResults(query=query, total=sum(p.total for p in parts), offset=offset,
                             hits=tuple(hits[offset:offset + limit]),
                             elapsed_ms=sum(p.elapsed_ms for p in parts))

    def _body_of(self, note_id: int) -> str | None:
        with translated_errors(), self._sessions() as session:
            return note_rows.bodies(session, [note_id]).get(NoteId(note_id))

    def flush(self) -> int:
        """Index every queued note now; returns how many were written or removed."""
        done = 0
        with self._lock:
            while True:
                with translated_errors(), self._sessions() as session:
                    queued = note_rows.queued(session, BATCH)
                    if not queued:
                        return done
                    ids = list(dict.fromkeys(note_id for _entry, note_id in queued))
                    docs = [index_doc(d) for d in note_rows.search_documents(session, ids)]
                found = {d.article_id for d in docs}
                self._index.write(docs, [i for i in ids if i not in found])
                with translated_errors(), self._sessions() as session, session.begin():
                    note_rows.dequeue(session, queued[-1][0], ids)
                done += len(ids)

    def reindex(self) -> int:
        """Rebuild the notes' index from the database."""
        self._index.clear()
        self._enqueue_all()
        return self.flush()

    def _enqueue_all(self) -> None:
        with translated_errors(), self._sessions() as session, session.begin():
            note_rows.enqueue_all(session)

    def close(self) -> None:
        self._index.close()
