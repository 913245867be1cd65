"""Keeps the Whoosh index in line with the database by draining the outbox.

One indexer owns the only Whoosh writer of this process. Rows are removed from the outbox
only after the index commit that contains them, so a crash at any moment leaves work in
the outbox for the next drain (indexing an article twice is harmless).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from app.core.errors import Cancelled, DossierError, NotebookLocked
from app.core.progress import CancelToken, ProgressEvent, ProgressFn, no_progress
from app.core.records import IndexStatus
from app.search import IndexDoc, SearchIndex
from app.store import schema
from app.store.engine import translated_errors
from app.store.queries import article_tag_paths

log = logging.getLogger(__name__)

A, OUT = schema.article, schema.outbox
SMALL_BATCH = 200
BULK_BATCH = 2000
Listener = Callable[[IndexStatus], None]

ActorNames = Callable[[Session, list[int]], dict[int, list[str]]]
ACTOR_SOURCES: list[ActorNames] = []
"""Functions giving, per article id, the actor names/aliases to index in the ``actor`` field."""


def _docs(session: Session, ids: list[int]) -> tuple[list[IndexDoc], list[int]]:
    cols = (A.c.id, A.c.rev, A.c.title, A.c.text, A.c.language, A.c.outlet, A.c.published)
    rows = session.execute(select(*cols).where(A.c.id.in_(ids))).all()
    found_ids = [r.id for r in rows]
    tags = article_tag_paths(session, found_ids)
    actors: dict[int, list[str]] = {}
    for source in ACTOR_SOURCES:
        for aid, names in source(session, found_ids).items():
            actors.setdefault(aid, []).extend(names)
    docs = [IndexDoc(article_id=r.id, rev=r.rev, title=r.title, body=r.text,
                     language=r.language, outlet=r.outlet, published=r.published,
                     tags=tuple(tags.get(r.id, ())), actors=tuple(actors.get(r.id, ())))
            for r in rows]
    found = {r.id for r in rows}
    return docs, [i for i in ids if i not in found]


class Indexer:
    """Drains ``index_outbox`` into the Whoosh index, in the caller's thread or its own."""

    def __init__(self, sessions: sessionmaker[Session], index: SearchIndex) -> None:
        self._sessions = sessions
        self.index = index
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._listeners: list[Listener] = []
        self._done_in_run = 0
        self._run_total = 0
        self.last_error = ""

    # -- status -------------------------------------------------------------------------
    def pending(self) -> int:
        with translated_errors(), self._sessions() as session:
            return int(session.scalar(select(func.count(func.distinct(OUT.c.article_id)))) or 0)

    def status(self) -> IndexStatus:
        return IndexStatus(pending=self.pending(), indexed=self.index.doc_count(),
                           is_rebuilding=self._run_total > 0)

    def add_listener(self, fn: Listener) -> None:
        self._listeners.append(fn)

    def remove_listener(self, fn: Listener) -> None:
        if fn in self._listeners:
            self._listeners.remove(fn)

    def _notify(self) -> None:
        if not self._listeners:
            return
        status = IndexStatus(pending=max(0, self._run_total - self._done_in_run),
                             indexed=self._done_in_run, is_rebuilding=self._run_total > 0)
        for fn in list(self._listeners):
            try:
                fn(status)
            except Exception:  # a view's bug must not stop indexing
                log.exception("index listener failed")

    # -- work ---------------------------------------------------------------------------
    def drain(self, progress: ProgressFn = no_progress, cancel: CancelToken | None = None,
              bulk: bool | None = None) -> int:
        """Index everything in the outbox; returns the number of articles written."""
        with self._lock:
            total = self.pending()
            if bulk is None:
                bulk = total > SMALL_BATCH
            self._run_total, self._done_in_run = total, 0
            try:
                return self._drain_locked(total, bulk, progress, cancel)
            finally:
                self._run_total = self._done_in_run = 0
                self._notify()

    def _drain_locked(self, total: int, bulk: bool, progress: ProgressFn,
                      cancel: CancelToken | None) -> int:
        batch = BULK_BATCH if bulk else SMALL_BATCH
        done = 0
        while True:
            if cancel is not None and cancel.is_cancelled:
                raise Cancelled("indexing cancelled; the rest stays queued")
            with translated_errors(), self._sessions() as session:
                rows = session.execute(
                    select(OUT.c.id, OUT.c.article_id).order_by(OUT.c.id).limit(batch)
                ).all()
                if not rows:
                    return done
                ids = list(dict.fromkeys(r.article_id for r in rows))
                docs, deletes = _docs(session, ids)
            self.index.write(docs, deletes, bulk=bulk)
            with translated_errors(), self._sessions() as session, session.begin():
                session.execute(delete(OUT).where(OUT.c.id <= rows[-1].id,
                                                  OUT.c.article_id.in_(ids)))
            done += len(ids)
            self._done_in_run = done
            progress(ProgressEvent(min(done, total), max(total, done), "indexing"))
            self._notify()

    def enqueue_all(self) -> int:
        """Queue every article for (re)indexing; returns how many."""
        with translated_errors(), self._sessions() as session, session.begin():
            session.execute(insert(OUT).from_select(["article_id"], select(A.c.id)))
            return int(session.scalar(select(func.count()).select_from(A)) or 0)

    # -- background thread ----------------------------------------------------------------
    def start(self) -> None:
        """Run drains in a daemon thread, woken by :meth:`wake`."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, name="dossier-indexer", daemon=True)
        self._thread.start()
        self.wake()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the thread after its current batch (pending work stays in the outbox)."""
        if self._thread is None:
            return
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)
        self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(timeout=5.0)
            self._wake.clear()
            if self._stop.is_set():
                return
            self._drain_quietly()

    def _drain_quietly(self) -> None:
        stopper = _StopToken(self._stop)
        try:
            self.drain(cancel=stopper)
            self.last_error = ""
        except Cancelled:
            return
        except NotebookLocked as exc:
            self.last_error = str(exc)
            log.info("index busy, retrying later: %s", exc)
        except DossierError as exc:
            self.last_error = str(exc)
            log.error("indexing failed: %s", exc)


class _StopToken(CancelToken):
    """A cancel token that follows the indexer's stop event."""

    def __init__(self, stop: threading.Event) -> None:
        super().__init__()
        self._event = stop
