"""Search over the notebook's articles and notes, and keeping the index honest
(status, reindex, check).

Articles and notes live in one index and are ranked together on one BM25F scale; the
GUI and the CLI both search through :meth:`SearchService.search`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from app.core.progress import CancelToken, ProgressFn, no_progress
from app.core.records import IndexStatus, SearchResults
from app.services.indexing import Drift, Indexer, Listener
from app.store import outbox
from app.store.engine import database_problems, single_reads, translated_errors
from app.store.outbox import ARTICLE, KINDS, NOTE, DocRef
from app.store.sessions import Sessions

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What ``check`` found: database health and index drift.

    ``missing``, ``extra``, ``stale`` and ``duplicates`` are article ids (documents
    missing from the index, indexed but gone from the database, indexed at an older
    revision, indexed more than once); ``notes`` are the note ids with any such drift.
    ``index_problem`` says why the index could not be read at all ("" if it could).
    """

    database_ok: bool
    database_message: str
    missing: tuple[int, ...]
    extra: tuple[int, ...]
    stale: tuple[int, ...]
    pending: int               # waiting to be indexed here before the check
    repaired: bool
    duplicates: tuple[int, ...] = ()
    notes: tuple[int, ...] = ()
    index_problem: str = ""

    @property
    def is_ok(self) -> bool:
        drift = self.missing or self.extra or self.stale or self.duplicates or self.notes
        return self.database_ok and not drift and not self.index_problem


def _report(db_message: str, drift: Drift, pending: int, repaired: bool,
            index_problem: str) -> CheckReport:
    def articles(refs: tuple[DocRef, ...]) -> tuple[int, ...]:
        return tuple(i for kind, i in refs if kind == ARTICLE)

    notes = tuple(sorted({i for kind, i in drift.refs if kind == NOTE}))
    return CheckReport(not db_message, db_message or "ok", articles(drift.missing),
                       articles(drift.extra), articles(drift.stale), pending, repaired,
                       articles(drift.duplicates), notes, index_problem)


class SearchService:
    """Query the index; report and repair its state."""

    def __init__(self, sessions: Sessions, indexer: Indexer,
                 expand: Callable[[str, str], Sequence[str]] | None = None) -> None:
        self._sessions = sessions
        self._indexer = indexer
        self._expand = expand

    def search(self, query: str, offset: int = 0, limit: int = 20,
               kinds: Sequence[str] = KINDS) -> SearchResults:
        """Articles and notes matching ``query`` in one ranking, best first, with snippets.

        ``kinds`` keeps only "article" or "note" results. Raises QuerySyntaxError for a
        malformed query.
        """
        return self._indexer.index.search(query, offset=offset, limit=limit,
                                          texts_by_ref=self._texts, expand=self._expand,
                                          kinds=tuple(kinds))

    def _texts(self, refs: list[DocRef]) -> dict[DocRef, str]:
        with single_reads(self._sessions) as conn:  # searched often: the leanest read
            return outbox.texts(conn, refs)

    def status(self) -> IndexStatus:
        return self._indexer.status()

    def add_listener(self, fn: Listener) -> None:
        """``fn(IndexStatus)`` is called from the indexer thread while it works."""
        self._indexer.add_listener(fn)

    def remove_listener(self, fn: Listener) -> None:
        """Stop calling ``fn`` (a closing window)."""
        self._indexer.remove_listener(fn)

    def flush(self, progress: ProgressFn = no_progress, cancel: CancelToken | None = None,
              kinds: Sequence[str] = KINDS) -> int:
        """Index everything pending now (or only the documents of these ``kinds``), in
        this thread."""
        return self._indexer.drain(progress, cancel, kinds=kinds)

    def reindex(self, progress: ProgressFn = no_progress, cancel: CancelToken | None = None,
                kinds: Sequence[str] = KINDS) -> int:
        """Rebuild the index from the database. Cancelling leaves the rest queued.

        Only this client's index is rebuilt (others follow the notebook's change log
        on their own). Safe beside another process doing the same on this index: the
        documents are written by replacing, so each ends up indexed once, and only the
        rebuild that cleared last sets the cursor. With only some ``kinds``, their
        documents are rewritten (and removed where their records are gone) without
        clearing the others.
        """
        if set(KINDS) <= set(kinds):
            return self._indexer.rebuild(progress, cancel)
        self._indexer.queue(self._indexer.refs_of(kinds))
        return self._indexer.drain(progress, cancel, bulk=True)

    def check(self, repair: bool = True, progress: ProgressFn = no_progress) -> CheckReport:
        """Verify the database and compare every index document with it (duplicates
        included); if asked, rewrite what differs. ``repair=False`` changes nothing."""
        with translated_errors(), self._sessions() as session:
            db_message = database_problems(session)
        pending = self._indexer.pending()
        drift = self._indexer.drift()
        index = self._indexer.index
        problem = index.reset_reason if index.is_read_only else ""
        repaired = False
        if repair and (drift.refs or pending):
            self._indexer.queue(drift.refs)
            self._indexer.drain(progress)
            repaired = True
        return _report(db_message, drift, pending, repaired, problem)
