"""Keeps the one Whoosh index in line with the database by draining the one outbox.

Articles and notes share the index and the outbox (``(kind, id)`` entries). One indexer
owns the only Whoosh writer of this process; other processes on the same notebook have
their own, and the index's file lock lets one write at a time. Draining is idempotent:
a document is always replaced, never added twice (whether the index is empty is decided
holding its lock), and entries are removed from the outbox only after the index commit
that contains them, so a crash or a second process draining the same entries at any
moment costs a rewrite, never a duplicate or a loss.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from app.core.errors import Cancelled, DossierError, NotebookLocked
from app.core.progress import CancelToken, ProgressEvent, ProgressFn, no_progress
from app.core.records import IndexStatus
from app.search import IndexDoc, SearchIndex
from app.search.documents import from_article, from_note
from app.store import outbox, search_documents
from app.store.engine import translated_errors
from app.store.outbox import ARTICLE, KINDS, NOTE, DocRef
from app.store.sessions import Session, Sessions

log = logging.getLogger(__name__)

SMALL_BATCH = 200
BULK_BATCH = 2000
Listener = Callable[[IndexStatus], None]


@dataclass(frozen=True, slots=True)
class Drift:
    """How the index differs from the database, as ``(kind, id)`` documents.

    Attributes:
        missing: in the database, not in the index.
        extra: in the index, not in the database.
        stale: indexed at another revision than the database's.
        duplicates: indexed more than once.
    """

    missing: tuple[DocRef, ...] = ()
    extra: tuple[DocRef, ...] = ()
    stale: tuple[DocRef, ...] = ()
    duplicates: tuple[DocRef, ...] = ()

    @property
    def refs(self) -> tuple[DocRef, ...]:
        """Every document to rewrite (or remove) to repair the index."""
        return tuple(dict.fromkeys(self.missing + self.extra + self.stale + self.duplicates))


def compare(entries: Iterable[tuple[str, int, int]], revisions: dict[DocRef, int]) -> Drift:
    """The drift between index entries ``(kind, id, rev)`` and the database's revisions."""
    counts: Counter[DocRef] = Counter()
    indexed: dict[DocRef, int] = {}
    for kind, doc_id, rev in entries:
        counts[(kind, doc_id)] += 1
        indexed[(kind, doc_id)] = rev
    return Drift(
        missing=tuple(sorted(set(revisions) - set(indexed))),
        extra=tuple(sorted(set(indexed) - set(revisions))),
        stale=tuple(sorted(r for r, rev in indexed.items()
                           if r in revisions and revisions[r] != rev)),
        duplicates=tuple(sorted(r for r, n in counts.items() if n > 1)))


def _documents(session: Session, refs: list[DocRef]) -> tuple[list[IndexDoc], list[DocRef]]:
    """Index documents of these articles and notes (as declared in
    :mod:`app.store.search_documents`) and the ones whose records are gone."""
    articles = [i for kind, i in refs if kind == ARTICLE]
    notes = [i for kind, i in refs if kind == NOTE]
    docs = [from_article(d) for d in search_documents.article_documents(session, articles)]
    docs += [from_note(d) for d in search_documents.note_documents(session, notes)]
    found = {(d.kind, d.article_id) for d in docs}
    return docs, [r for r in refs if r not in found]


class Indexer:
    """Drains the outbox into the Whoosh index, in the caller's thread or its own."""

    def __init__(self, sessions: Sessions, index: SearchIndex) -> None:
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
        """How many documents are queued."""
        with translated_errors(), self._sessions() as session:
            return outbox.pending(session)

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

    # -- consistency ----------------------------------------------------------------------
    def drift(self) -> Drift:
        """Compare every index entry with the database (reads both, changes nothing)."""
        entries = self.index.entries()
        with translated_errors(), self._sessions() as session:
            return compare(entries, outbox.revisions(session))

    def refs_of(self, kinds: Iterable[str]) -> list[DocRef]:
        """Every document of these kinds, in the database or in the index."""
        wanted = set(kinds)
        indexed = [(kind, i) for kind, i, _rev in self.index.entries() if kind in wanted]
        with translated_errors(), self._sessions() as session:
            defined = [r for r in outbox.revisions(session) if r[0] in wanted]
        return list(dict.fromkeys(defined + indexed))

    def repair_on_open(self) -> None:
        """Queue what a reset or drifted index lacks; never clears it.

        A new (reset) index gets everything queued. Otherwise, when nothing is queued
        but the index holds another number of documents than the database defines, the
        drifted documents are queued: rewriting is idempotent, so another process doing
        the same at the same time costs time, never a duplicate.
        """
        with translated_errors(), self._sessions() as session:
            defined = outbox.document_count(session)
        if self.index.was_reset:
            if defined:
                log.info("search index was reset: queueing %s documents", defined)
                self.enqueue_all()
        elif self.pending() == 0 and self.index.doc_count() != defined:
            drift = self.drift()
            log.info("search index out of date (%s documents for %s): queueing %s",
                     self.index.doc_count(), defined, len(drift.refs))
            self.queue(drift.refs)

    # -- work ---------------------------------------------------------------------------
    def drain(self, progress: ProgressFn = no_progress, cancel: CancelToken | None = None,
              bulk: bool | None = None, kinds: Sequence[str] = KINDS) -> int:
        """Index everything in the outbox (or only its documents of these ``kinds``);
        returns the number of documents written."""
        with self._lock:
            total = self.pending()
            if bulk is None:
                bulk = total > SMALL_BATCH
            self._run_total, self._done_in_run = total, 0
            try:
                return self._drain_locked(total, bulk, progress, cancel, kinds)
            finally:
                self._run_total = self._done_in_run = 0
                self._notify()

    def _drain_locked(self, total: int, bulk: bool, progress: ProgressFn,
                      cancel: CancelToken | None, kinds: Sequence[str]) -> int:
        batch = BULK_BATCH if bulk else SMALL_BATCH
        done = 0
        while True:
            if cancel is not None and cancel.is_cancelled:
                raise Cancelled("indexing cancelled; the rest stays queued")
            with translated_errors(), self._sessions() as session:
                entries = outbox.queued(session, batch, kinds)
                if not entries:
                    return done
                refs = list(dict.fromkeys(ref for _entry, ref in entries))
                docs, deletes = _documents(session, refs)
            self.index.write(docs, deletes, bulk=bulk)
            with translated_errors(), self._sessions() as session, session.begin():
                outbox.dequeue(session, entries[-1][0], refs)
            done += len(refs)
            self._done_in_run = done
            progress(ProgressEvent(min(done, total), max(total, done), "indexing"))
            self._notify()

    def enqueue_all(self) -> int:
        """Queue every article and note for (re)indexing; returns how many."""
        with translated_errors(), self._sessions() as session, session.begin():
            return outbox.enqueue_all(session)

    def queue(self, refs: Iterable[DocRef]) -> None:
        """Queue these documents (to rewrite them, or remove them if they are gone)."""
        wanted = list(refs)
        if wanted:
            with translated_errors(), self._sessions() as session, session.begin():
                outbox.enqueue_refs(session, wanted)

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
