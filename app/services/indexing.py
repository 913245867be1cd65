"""Keeps this client's Whoosh index in line with the database by following the change log.

Every write logs the search documents it made stale under its number, in commit order
(:mod:`app.store.changelog`). Each index folder keeps its own cursor (the last number it
has indexed, and the notebook's uuid) in its marker file, so any number of clients
(each with its own index) follow one notebook without taking each other's work. A
drain reads the entries after the cursor, rewrites those documents, and only then moves
the cursor, holding the folder's cursor lock: a crash in between costs a rewrite, never
a loss, and rewriting is idempotent (a document is replaced, never added twice).

The index is rebuilt from scratch when it has no cursor (new, reset, or a rebuild that
did not finish), when its cursor names another notebook, or when it is below the log's
floor (entries it needs were pruned, or a notebook load asked every client to rebuild).
Repairs of this index alone (drift found by ``check``) stay local: they are queued in
memory, never in the shared log.

The background thread keeps the index unfragmented without making changes wait: after
every drain that wrote it folds the small segments (:func:`app.search.merging.fold_segments`,
logarithmic, bounded cost), and after :data:`IDLE_MERGE_SECONDS` without changes it
merges the rest (:func:`app.search.merging.idle_merge`). A merge stops as soon as other
work needs the index (a drain or rebuild from another thread, stopping) and as soon as
the indexer is woken by a new change: the merge is cancelled and the index left as it
was, so a colleague's edit waits only for the final write of an interrupted merge,
never a whole merge (Whoosh copies a segment term by term: folding four one-article
segments costs about a second of CPU, ten times writing them). Only when the index has
:data:`FORCE_FOLD_SEGMENTS` segments does a quick fold run to its end whatever comes,
because under a steady stream of changes (several a second in a team) the folds would
never finish and the segments would pile up.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager

from app.core.errors import Cancelled, DossierError, NotebookLocked
from app.core.progress import CancelToken, ProgressEvent, ProgressFn, no_progress
from app.core.records import IndexStatus
from app.search import IndexDoc, SearchIndex
from app.search.documents import from_article, from_note
from app.search.index_files import Cursor, cursor_lock, read_cursor, write_cursor
from app.search.merging import (
    AnyOf,
    fold_group,
    fold_segments,
    idle_group,
    idle_merge,
    quick_fold,
    quick_group,
)
from app.services.index_drift import Drift, compare
from app.store import changelog, outbox, search_documents
from app.store.engine import translated_errors
from app.store.outbox import ARTICLE, KINDS, NOTE, DocRef
from app.store.sessions import Session, Sessions

log = logging.getLogger(__name__)

__all__ = ["Drift", "Indexer", "Listener", "compare"]

SMALL_BATCH = 200
BULK_BATCH = 2000
CURSOR_WAIT = 30.0
"""Seconds to wait for another process's batch (it holds the cursor lock while it
writes one); giving up only defers the work, which stays in the log."""
IDLE_MERGE_SECONDS = 5.0
"""No change written or announced for this long: the background thread merges the
index (see the module doc). Measured: counting only writes, idle merges started during
a five-client run whenever a drain found nothing new, and ran 8-18 s each before a
change interrupted them."""
FORCE_FOLD_SEGMENTS = 32
"""Below this many segments a fold yields to every new change (changes are indexed
first, the fold waits for a pause); from it on, a quick fold runs to its end even while
changes arrive (:func:`app.search.merging.quick_fold`: the smallest segments, at most
16 documents), or a steady stream of them (a team at work) would fragment the index
without bound, making every write and search slower. Measured in the five-client run at
load 10-13 on two cores: forcing whole folds from 10 segments on took 5-22 s each
(Whoosh copies segments term by term; a process had a fifth of a core) and held the
drains back, edit-to-visible p50 18.7 s against 5.1 s for the same run without folds;
from 32 segments on, folds a change could interrupt were interrupted 339 times in
600 s (409 s of wasted work)."""
FOLD_RETRY_SECONDS = 0.1
"""A merge that was skipped or stopped is tried again after this at the soonest."""
POLL_SECONDS = 5.0
"""The thread looks at the log this often even when nobody wakes it."""
Listener = Callable[[IndexStatus], None]


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
    """Follows the change log into this client's index, in the caller's thread or its own."""

    def __init__(self, sessions: Sessions, index: SearchIndex) -> None:
        self._sessions = sessions
        self.index = index
        self._lock = threading.Lock()
        self._local: dict[DocRef, None] = {}
        self._wake = threading.Event()
        self._interrupt = threading.Event()  # set: any running merge stops (other work)
        self._woken = threading.Event()      # set by wake(): a long merge stops
        self._stop = threading.Event()
        self._last_write = self._last_change = time.monotonic()
        self._is_merged = True  # nothing written since the last idle merge
        self._fold_due = False  # written since the last fold that found nothing to do
        self._thread: threading.Thread | None = None
        self._listeners: list[Listener] = []
        self._done_in_run = 0
        self._run_total = 0
        self.last_error = ""

    # -- status -------------------------------------------------------------------------
    def cursor(self) -> Cursor | None:
        """This index's cursor (None: it has none and will be rebuilt)."""
        return read_cursor(self.index.directory)

    def pending(self) -> int:
        """How many documents wait to be (re)indexed here."""
        cursor = self.cursor()
        with translated_errors(), self._sessions() as session:
            clock = changelog.clock(session)
            if _needs_rebuild(cursor, clock.notebook_uuid, clock.floor_seq):
                return outbox.document_count(session)
            assert cursor is not None
            queued = changelog.stale_count(session, cursor.last_seq, clock.seq)
        return queued + len(self._local)

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
        """Adopt an index made before the change log; queue what a drifted one lacks.

        An index without a usable cursor is rebuilt by the next drain. Otherwise, when
        nothing is queued but the index holds another number of documents than the
        database defines, the drifted documents are queued here (rewriting is
        idempotent, so another process doing the same costs time, never a duplicate).
        """
        cursor = self.cursor()
        with translated_errors(), self._sessions() as session:
            clock = changelog.clock(session)
            defined = outbox.document_count(session)
        if cursor is not None and not cursor.notebook_uuid and not cursor.rebuilding:
            log.info("search index from before the change log: adopted at its start")
            with cursor_lock(self.index.directory, CURSOR_WAIT):
                write_cursor(self.index.directory, Cursor(clock.notebook_uuid, 0))
            cursor = self.cursor()
        if _needs_rebuild(cursor, clock.notebook_uuid, clock.floor_seq):
            log.info("search index at %s will be rebuilt (%s documents)",
                     self.index.directory, defined)
        elif self.pending() == 0 and self.index.doc_count() != defined:
            drift = self.drift()
            log.info("search index out of date (%s documents for %s): queueing %s",
                     self.index.doc_count(), defined, len(drift.refs))
            self.queue(drift.refs)

    # -- work ---------------------------------------------------------------------------
    def drain(self, progress: ProgressFn = no_progress, cancel: CancelToken | None = None,
              bulk: bool | None = None, kinds: Sequence[str] = KINDS) -> int:
        """Index everything this client has not indexed yet (or only the documents of
        these ``kinds``, leaving the cursor where it is if others wait); returns the
        number of documents written."""
        with self._work_lock():
            total = self.pending()
            if bulk is None:
                bulk = total > SMALL_BATCH
            self._run_total, self._done_in_run = total, 0
            try:
                return self._drain_locked(total, bulk, progress, cancel, set(kinds))
            finally:
                self._run_total = self._done_in_run = 0
                self._notify()

    def rebuild(self, progress: ProgressFn = no_progress,
                cancel: CancelToken | None = None) -> int:
        """Clear this index and index every document again; returns how many."""
        with self._work_lock():
            with translated_errors(), self._sessions() as session:
                total = outbox.document_count(session)
            self._run_total, self._done_in_run = total, 0
            try:
                return self._rebuild(total, progress, cancel)
            finally:
                self._run_total = self._done_in_run = 0
                self._notify()

    def queue(self, refs: Iterable[DocRef]) -> None:
        """Queue these documents here (to rewrite them, or remove them if they are gone)."""
        with self._work_lock():
            self._local.update(dict.fromkeys(refs))

    @contextmanager
    def _work_lock(self) -> Iterator[None]:
        """Hold the indexer's lock, interrupting a merge that holds it (asked again
        until the lock is free: a merge clears the request when it starts)."""
        if threading.current_thread() is not self._thread:  # work asked for: not idle
            self._last_change = time.monotonic()
        while not self._lock.acquire(timeout=0.02):
            self._interrupt.set()
        try:
            yield
        finally:
            self._lock.release()

    def _drain_locked(self, total: int, bulk: bool, progress: ProgressFn,
                      cancel: CancelToken | None, kinds: set[str]) -> int:
        batch = BULK_BATCH if bulk else SMALL_BATCH
        done = 0
        while True:
            if cancel is not None and cancel.is_cancelled:
                raise Cancelled("indexing cancelled; the rest stays queued")
            cursor = self.cursor()
            with translated_errors(), self._sessions() as session:
                clock = changelog.clock(session)
            if _needs_rebuild(cursor, clock.notebook_uuid, clock.floor_seq):
                # Even a flush of some kinds (notes before a notes search) rebuilds: the
                # index cannot tell what it lacks, and a search must not miss documents.
                return done + self._rebuild(total, progress, cancel)
            assert cursor is not None
            written, is_done = self._drain_batch(cursor, clock.seq, batch, bulk, kinds)
            done += written
            self._done_in_run = done
            if written:
                progress(ProgressEvent(min(done, total), max(total, done), "indexing"))
                self._notify()
            if is_done:
                return done

    def _drain_batch(self, cursor: Cursor, upto: int, batch: int, bulk: bool,
                     kinds: set[str]) -> tuple[int, bool]:
        """Index one batch after ``cursor``; returns how many documents were written
        and whether nothing is left (up to ``upto``, the clock when the drain looked)."""
        local = list(self._local)[:batch]
        started = time.perf_counter()
        with translated_errors(), self._sessions() as session:
            logged, covered = changelog.stale_refs(session, cursor.last_seq, upto, batch)
            refs = list(dict.fromkeys([r for r in logged if r[0] in kinds] + local))
            docs, deletes = _documents(session, refs)
        is_partial = any(kind not in kinds for kind, _id in logged)
        if not refs and covered == cursor.last_seq:
            return 0, True
        read = time.perf_counter()
        with cursor_lock(self.index.directory, CURSOR_WAIT):
            self.index.write(docs, deletes, bulk=bulk)
            if not is_partial:
                self._advance(cursor, covered)
        log.debug("indexed %s documents up to write %s: read %.3f s, written %.3f s",
                  len(refs), covered, read - started, time.perf_counter() - read)
        for ref in local:
            self._local.pop(ref, None)
        return len(refs), is_partial or (covered >= upto and not self._local)

    def _advance(self, start: Cursor, covered: int) -> None:
        """Move the cursor to ``covered`` (caller holds the cursor lock and has just
        written everything in ``(start, covered]``).

        The batch's documents were read after the clock said ``covered``, so they are at
        least that new, but another process sharing this folder may have written newer
        ones and moved the cursor further, and this write just replaced them: the cursor
        then goes back to ``covered`` (those writes are redone, harmlessly). It is left
        alone if another process reset or is rebuilding the folder, or if its cursor is
        below where this batch started (a gap this batch does not fill)."""
        current = self.cursor()
        if (current is not None and current.is_usable
                and current.notebook_uuid == start.notebook_uuid
                and current.last_seq >= start.last_seq):
            write_cursor(self.index.directory, Cursor(start.notebook_uuid, covered))

    def _rebuild(self, total: int, progress: ProgressFn, cancel: CancelToken | None) -> int:
        """Clear, index every document, then set the cursor to the clock read before
        the documents were (later writes are applied by the next drain)."""
        token = uuid.uuid4().hex
        with cursor_lock(self.index.directory, CURSOR_WAIT):
            write_cursor(self.index.directory, Cursor(rebuilding=token))
            if self.index.doc_count():  # a fresh index needs no clearing (one commit less)
                self.index.clear()
        with translated_errors(), self._sessions() as session:
            clock = changelog.clock(session)
            refs = list(outbox.revisions(session))
        self._local.clear()
        done = 0
        for start in range(0, len(refs), BULK_BATCH):
            if cancel is not None and cancel.is_cancelled:
                raise Cancelled("indexing cancelled; the index is rebuilt next time")
            chunk = refs[start:start + BULK_BATCH]
            with translated_errors(), self._sessions() as session:
                docs, deletes = _documents(session, chunk)
            with cursor_lock(self.index.directory, CURSOR_WAIT):
                self.index.write(docs, deletes, bulk=True)
            done += len(chunk)
            self._done_in_run = done
            progress(ProgressEvent(min(done, total), max(total, done), "indexing"))
            self._notify()
        with cursor_lock(self.index.directory, CURSOR_WAIT):
            if self.cursor() == Cursor(rebuilding=token):  # nobody restarted it meanwhile
                write_cursor(self.index.directory, Cursor(clock.notebook_uuid, clock.seq))
        return done

    # -- background thread ----------------------------------------------------------------
    def start(self) -> None:
        """Run drains in a daemon thread, woken by :meth:`wake`."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, name="dossier-indexer", daemon=True)
        self._thread.start()
        self.wake()

    def wake(self) -> None:
        """Look at the log now (a running merge is interrupted)."""
        self._last_change = time.monotonic()
        self._wake.set()
        self._woken.set()  # after _wake: see tidy()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the thread after its current batch (what is left stays in the log)."""
        if self._thread is None:
            return
        self._stop.set()
        self._interrupt.set()
        self.wake()
        self._thread.join(timeout)
        self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            idle_left = IDLE_MERGE_SECONDS - (time.monotonic() - self._quiet_since())
            wait = (POLL_SECONDS if self._is_merged
                    else max(FOLD_RETRY_SECONDS, min(POLL_SECONDS, idle_left)))
            self._wake.wait(timeout=FOLD_RETRY_SECONDS if self._fold_due else wait)
            self._wake.clear()
            if self._stop.is_set():
                return
            if self._drain_quietly():
                self._last_write, self._is_merged = time.monotonic(), False
                self._fold_due = True
            if self._fold_due:  # after every drain that wrote, until a fold finds nothing
                self._fold_due = not self.tidy()
            elif (not self._is_merged
                  and time.monotonic() - self._quiet_since() >= IDLE_MERGE_SECONDS):
                self._is_merged = self.tidy(idle=True)

    def _quiet_since(self) -> float:
        """When the last change was written or announced (a wake): idle merging waits
        for a pause in both, not only for the drains to find nothing new."""
        return max(self._last_write, self._last_change)

    def _drain_quietly(self) -> bool:
        """Drain; True if something was written."""
        stopper = _StopToken(self._stop)
        try:
            written = self.drain(cancel=stopper)
            self.last_error = ""
            return written > 0
        except Cancelled:
            return False
        except NotebookLocked as exc:
            self.last_error = str(exc)
            log.info("index busy, retrying later: %s", exc)
        except DossierError as exc:
            self.last_error = str(exc)
            log.error("indexing failed: %s", exc)
        return False

    def tidy(self, idle: bool = False) -> bool:
        """Fold the index's small segments (``idle``: merge it, see the module doc)
        unless new work waits; True when done: nothing (more) to merge now, an idle
        merge finished, or merging failed (logged; tried again after the next write).
        False to come back: a fold merged one size level (the next may be full now),
        or the merge was skipped or interrupted. Run by the background thread; call it
        only from a worker thread.

        ``_woken`` is cleared before ``_wake`` is looked at, and :meth:`wake` sets them
        the other way round, so a wake either skips the merge or can interrupt it. A
        drain from another thread holds ``_lock`` (no merge starts) or interrupts it.
        """
        if not self._lock.acquire(blocking=False):
            return False
        try:
            self._interrupt.clear()
            self._woken.clear()
            waiting = self._thread is not None and self._wake.is_set()  # a drain is due
            segments = self.index.segments()
            if (idle_group(segments) == []) if idle else not fold_group(segments):
                return True  # nothing to merge
            forced = not idle and len(segments) >= FORCE_FOLD_SEGMENTS
            if forced and not quick_group(segments):
                # nothing cheap to fold: done until the next write, so that the idle
                # merge can come (retrying would spin on it and keep the idle merge away)
                return True
            if self._stop.is_set() or (waiting and not forced):
                return False
            either = AnyOf(self._interrupt, self._woken)
            started = time.perf_counter()
            if idle:
                merged = idle_merge(self.index, either)
            elif forced:  # changes keep coming: only a quick fold, not stopped by them
                merged = quick_fold(self.index, self._interrupt)
            else:
                merged = fold_segments(self.index, either)
            took = time.perf_counter() - started
            if took > 0.05:  # not a look at the segments that found nothing to do
                log.debug("%s merge: %.3f s, %s", "idle" if idle else "fold", took,
                          "merged" if merged else "not merged (interrupted or busy)")
            return merged and idle  # a fold looks again: the next level may be full
        except DossierError as exc:  # merging is an optimisation: searching goes on
            log.warning("search index not merged: %s", exc)
            return True
        finally:
            self._lock.release()


def _needs_rebuild(cursor: Cursor | None, notebook_uuid: str, floor_seq: int) -> bool:
    """No usable cursor, another notebook's, or one below the log's floor."""
    return (cursor is None or not cursor.is_usable or cursor.notebook_uuid != notebook_uuid
            or cursor.last_seq < floor_seq)


class _StopToken(CancelToken):
    """A cancel token that follows the indexer's stop event."""

    def __init__(self, stop: threading.Event) -> None:
        super().__init__()
        self._event = stop
