"""Search over the notebook, and keeping the index honest (status, reindex, check)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session, sessionmaker

from app.core.errors import NotebookError
from app.core.progress import CancelToken, ProgressFn, no_progress
from app.core.records import IndexStatus, SearchResults
from app.services.indexing import Indexer, Listener
from app.store import schema
from app.store.engine import translated_errors

log = logging.getLogger(__name__)
A = schema.article


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What ``check`` found: database health and index drift (article ids)."""

    database_ok: bool
    database_message: str
    missing: tuple[int, ...]   # in the database, not in the index
    extra: tuple[int, ...]     # in the index, not in the database
    stale: tuple[int, ...]     # indexed at an older revision
    pending: int               # queued in the outbox before the check
    repaired: bool

    @property
    def is_ok(self) -> bool:
        return self.database_ok and not (self.missing or self.extra or self.stale)


class SearchService:
    """Query the index; report and repair its state."""

    def __init__(self, sessions: sessionmaker[Session], indexer: Indexer,
                 expand: Callable[[str, str], Sequence[str]] | None = None) -> None:
        self._sessions = sessions
        self._indexer = indexer
        self._expand = expand

    def search(self, query: str, offset: int = 0, limit: int = 20) -> SearchResults:
        """Ranked results with snippets; raises QuerySyntaxError for malformed queries."""
        return self._indexer.index.search(query, offset=offset, limit=limit,
                                          texts_of=self._texts_of, expand=self._expand)

    def _texts_of(self, article_ids: list[int]) -> dict[int, str]:
        if not article_ids:
            return {}
        with self._sessions() as session:
            rows = session.execute(select(A.c.id, A.c.text).where(A.c.id.in_(article_ids)))
            return {i: t for i, t in rows}

    def status(self) -> IndexStatus:
        return self._indexer.status()

    def add_listener(self, fn: Listener) -> None:
        """``fn(IndexStatus)`` is called from the indexer thread while it works."""
        self._indexer.add_listener(fn)

    def remove_listener(self, fn: Listener) -> None:
        """Stop calling ``fn`` (a closing window)."""
        self._indexer.remove_listener(fn)

    def flush(self, progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> int:
        """Index everything pending now, in this thread."""
        return self._indexer.drain(progress, cancel)

    def reindex(self, progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> int:
        """Rebuild the index from the database. Cancelling leaves the rest queued."""
        self._indexer.index.clear()
        self._indexer.enqueue_all()
        return self._indexer.drain(progress, cancel, bulk=True)

    def check(self, repair: bool = True, progress: ProgressFn = no_progress) -> CheckReport:
        """Verify the database, compare it with the index, and repair the index if asked."""
        db_ok, db_message = self._check_database()
        pending = self._indexer.pending()
        with translated_errors(), self._sessions() as session:
            revs = {i: r for i, r in session.execute(select(A.c.id, A.c.rev))}
        indexed = self._indexer.index.revisions()
        missing = tuple(sorted(set(revs) - set(indexed)))
        extra = tuple(sorted(set(indexed) - set(revs)))
        stale = tuple(sorted(i for i, r in indexed.items() if i in revs and revs[i] != r))
        drift = missing + extra + stale
        if repair and drift:
            self._queue(drift)
            self._indexer.drain(progress)
        elif repair and pending:
            self._indexer.drain(progress)
        return CheckReport(db_ok, db_message, missing, extra, stale, pending,
                           repaired=repair and bool(drift or pending))

    def _queue(self, ids: Sequence[int]) -> None:
        with translated_errors(), self._sessions() as session, session.begin():
            session.execute(insert(schema.outbox), [{"article_id": i} for i in ids])

    def _check_database(self) -> tuple[bool, str]:
        with self._sessions() as session:
            if session.get_bind().dialect.name != "sqlite":
                return True, "ok"
            try:
                rows = [r[0] for r in session.execute(text("PRAGMA integrity_check"))]
                fk = session.execute(text("PRAGMA foreign_key_check")).all()
            except Exception as exc:  # a damaged file raises from the driver
                raise NotebookError(f"the database cannot be checked: {exc}") from exc
        if rows != ["ok"]:
            return False, "; ".join(rows[:5])
        if fk:
            return False, f"{len(fk)} rows point at missing rows"
        return True, "ok"
