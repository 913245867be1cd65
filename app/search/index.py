"""The Whoosh index of a notebook: open or rebuild, write, search.

The index is derived data: the database is the truth, and a missing, damaged or
outdated index is wiped and recreated empty (``was_reset``) for the caller to
re-feed. One thread writes (the service's indexer), others search; one searcher
stays open and is refreshed after commits, because opening one costs hundreds
of milliseconds on a big index.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeAlias

from whoosh import index as windex
from whoosh import writing
from whoosh.filedb.filestore import FileStorage
from whoosh.query import NullQuery, Or, Term
from whoosh.searching import Searcher

from app.core.errors import NotebookLocked, QuerySyntaxError, SearchIndexError
from app.core.ids import ArticleId
from app.core.records import SearchHit, SearchResults
from app.search.bulk import bulk_ranked, supports
from app.search.index_files import INDEX_NAME as INDEX_NAME
from app.search.index_files import VERSION_FILE as VERSION_FILE
from app.search.index_files import open_or_reset, open_read_only
from app.search.query_builder import Expand, parse_query
from app.search.ranking import ranked
from app.search.schema import SCHEMA_VERSION, IndexDoc, doc_key, to_fields
from app.search.snippets import MatchTerms, hit_spans, make_snippet, match_terms
from app.search.write_speed import tune

log = logging.getLogger(__name__)

ARTICLE = "article"
DocRef: TypeAlias = tuple[str, int]
"""A document in the index: ``(kind, id)``, e.g. ``("note", 3)``."""


MERGE_EVERY = 16
"""Small commits skip merging (a merge can take 0.2-0.4 s); every this many, merge."""

BULK_LIMITMB = 128
"""Whoosh's posting-pool size for bulk loads. Only writers that
:func:`app.search.write_speed.tune` leaves as they are use the pool (the tuned writer
groups postings itself: about 65 MB for a batch of 2,000 articles). Bulk loads stay in
one process: ``procs=2`` forks, which is unsafe in a process that runs Qt threads."""

SMALL_LIMITMB = 32

READ_MMAP = False
"""Whether searchers map the segment files into memory. Measured at 10,020 articles in
20 segments (40 queries x 2, CPU time): p50 41.8 vs 53.7 ms, p95 141 vs 225 ms, but peak
resident memory 427 vs 94 MB (every page a search touches stays resident), which would
break the 500 MB target at 100,000 articles; off until the memory cost is bounded."""


class SearchIndex:
    """A notebook's search index in its own directory.

    Attributes:
        directory: the index directory (Dossier owns everything in it).
        was_reset: True if the index was created empty on open (it was missing,
            unreadable or of another schema version): re-feed every article.
        reset_reason: "", "missing", "schema" or "damaged".
    """

    SCHEMA_VERSION = SCHEMA_VERSION

    def __init__(self, directory: Path, ix: Any, reset_reason: str, lock_timeout: float) -> None:
        self.directory = directory
        self.reset_reason = reset_reason
        self.was_reset = bool(reset_reason)
        self._ix = ix
        self._lock_timeout = lock_timeout
        self._write_lock = threading.Lock()
        self._search_lock = threading.Lock()
        self._searcher: Searcher | None = None
        # Searches may read segments through memory maps (see READ_MMAP; the writer never
        # does, see app.search.index_files.storage): a slice per posting block or term
        # look-up instead of a locked seek and read.
        self._read_storage = (
            FileStorage(str(directory), supports_mmap=READ_MMAP, readonly=True)
            if isinstance(ix.storage, FileStorage) else ix.storage)
        self._small_commits = 0
        self.is_read_only = False

    @classmethod
    def open(cls, directory: Path, *, lock_timeout: float = 3.0,
             read_only: bool = False) -> SearchIndex:
        """Open the index in ``directory``, creating or recreating it if needed.

        A damaged or outdated index is rebuilt empty and ``was_reset`` is set, but only
        if the folder holds nothing except Dossier's index files. ``lock_timeout`` is
        how long :meth:`write` waits for another writer. ``read_only`` opens without
        creating, clearing or writing anything (an unusable index then reads as empty,
        with ``reset_reason`` saying why, and writes raise).

        Raises:
            NotebookError: the folder holds other files (nothing is deleted).
            NotebookLocked: another process kept the index locked while rebuilding it.
            SearchIndexError: the directory is unusable.
        """
        directory = Path(directory)
        try:
            if read_only:
                ix, reason = open_read_only(directory)
            else:
                directory.mkdir(parents=True, exist_ok=True)
                ix, reason = open_or_reset(directory, lock_timeout)
        except OSError as error:
            raise SearchIndexError(
                f"cannot use the search index at {directory}: {error}"
            ) from error
        if reason and not read_only:
            level = logging.INFO if reason == "missing" else logging.WARNING
            log.log(level, "search index at %s created empty (%s)", directory, reason)
        index = cls(directory, ix, reason, lock_timeout)
        index.is_read_only = read_only
        return index

    def write(
        self, upserts: Sequence[IndexDoc], deletes: Iterable[int | DocRef] = (), *,
        bulk: bool = False
    ) -> None:
        """Add or replace ``upserts`` and remove ``deletes`` in one atomic commit.

        The upserts' postings are held in memory until the commit (about 33 KB an
        article): the indexer passes at most ``BULK_BATCH`` (2,000) at a time.

        Args:
            upserts: documents to index; a later one with the same kind and id wins.
            deletes: documents to remove, as ``(kind, id)`` or an article id.
            bulk: tune for a large batch (big writer memory, merge at the end).

        Raises:
            NotebookLocked: another process kept the index locked for ``lock_timeout``.
            SearchIndexError: the index could not be written.
        """
        docs = {(doc.kind, doc.article_id): doc for doc in upserts}
        removed = [r for r in dict.fromkeys(map(_ref, deletes)) if r not in docs]
        if not docs and not removed:
            return
        self._refuse_if_read_only()
        with self._write_lock:
            writer = self._writer(SMALL_LIMITMB if not bulk else BULK_LIMITMB)
            try:
                # Decided only now, holding the index lock: another process may have
                # written since this one last looked, and adding (instead of replacing)
                # to an index that is not empty any more would index documents twice.
                _fill(writer, docs.values(), removed, use_add=not writer.segments)
                self._commit(writer, bulk)
            except Exception as error:
                _cancel(writer)
                raise SearchIndexError(f"writing the search index failed: {error}") from error
        self._refresh()

    def clear(self) -> None:
        """Remove every document (before a full re-feed)."""
        self._refuse_if_read_only()
        with self._write_lock:
            writer = self._writer(SMALL_LIMITMB)
            try:
                writer.commit(mergetype=writing.CLEAR)
            except Exception as error:
                _cancel(writer)
                raise SearchIndexError(f"clearing the search index failed: {error}") from error
            self._small_commits = 0
        self._refresh()

    def merge(self, policy: Callable[[Any, list[Any]], list[Any]] | None, *,
              timeout: float = 0.0) -> bool:
        """Commit a merge of the segments: ``policy`` is a Whoosh ``mergetype`` (None
        merges everything into one segment). Only the writer is taken, for at most
        ``timeout`` seconds (False if it stayed busy); searches go on meanwhile and use
        the merged segment from the next one. See :mod:`app.search.merging`.

        Raises:
            SearchIndexError: the merge failed (the index is unchanged).
        """
        self._refuse_if_read_only()
        acquired = (self._write_lock.acquire(timeout=timeout) if timeout > 0
                    else self._write_lock.acquire(blocking=False))
        if not acquired:  # the indexer is writing: idle work yields
            return False
        try:
            try:
                writer = tune(self._ix.writer(timeout=timeout, delay=0.1,
                                              limitmb=BULK_LIMITMB))
            except windex.LockError:
                return False
            try:
                if policy is None:
                    writer.commit(optimize=True)
                else:
                    writer.commit(mergetype=policy)
            except Exception as error:
                _cancel(writer)
                raise SearchIndexError(f"merging the search index failed: {error}") from error
            self._small_commits = 0
        finally:
            self._write_lock.release()
        self._refresh()
        return True

    def segments(self) -> list[Any]:
        """The Whoosh segments of the latest commit (``doc_count_all()``,
        ``deleted_count()``): how fragmented the index is."""
        try:
            return list(self._latest_toc().segments)
        except Exception as error:
            raise SearchIndexError(f"reading the search index failed: {error}") from error

    def _latest_toc(self) -> Any:
        """The latest table of contents; read again when a commit deleted the one just
        listed as the latest (it replaces the file as it commits)."""
        for attempt in range(10):
            try:
                return self._ix._read_toc()
            except OSError:
                if attempt == 9:
                    raise
                time.sleep(0.05)
        raise AssertionError("unreachable")

    def drop_caches(self) -> None:
        """Forget the open searcher, its segment readers and their cached word
        expansions (benchmarks and tests compare searches with and without them)."""
        self.close()

    def revisions(self) -> dict[int, int]:
        """``article_id -> rev`` for every indexed article."""
        return {i: rev for kind, i, rev in self.entries() if kind == ARTICLE}

    def entries(self) -> list[tuple[str, int, int]]:
        """``(kind, id, rev)`` of every live document, one per document: a document
        listed twice is indexed twice (what a consistency check must find)."""
        with self._search_lock:
            reader = self._current().reader()
            try:
                return [(str(f.get("kind", ARTICLE)), int(f["id"]), int(f["rev"]))
                        for f in reader.all_stored_fields()]
            except Exception as error:
                raise SearchIndexError(f"reading the search index failed: {error}") from error

    def doc_count(self) -> int:
        """How many documents the index holds."""
        with self._search_lock:
            return int(self._current().doc_count())

    def search(
        self,
        query: str,
        *,
        offset: int = 0,
        limit: int = 20,
        text_of: Callable[[int], str | None] | None = None,
        expand: Expand | None = None,
        texts_of: Callable[[list[int]], dict[int, str]] | None = None,
        kinds: Sequence[str] | None = None,
        texts_by_ref: Callable[[list[DocRef]], dict[DocRef, str]] | None = None,
    ) -> SearchResults:
        """One page of results for ``query``, best first.

        Exact: ``total`` counts every matching article and the page is the true
        ``offset``-th to ``offset + limit``-th best, whatever the paging (every match
        is scored; no score-bound skipping, no capped expansions). Ranking is BM25F;
        equal scores keep index order (Whoosh breaks ties by document number), so
        pages are consistent while the index is unchanged.

        ``text_of(article_id)`` returns the stored text (or None if the article
        is gone; that hit is then left out of the page) and is called only for
        the page, to build snippets and hit spans. ``expand`` adds alias
        spellings (see :data:`app.search.query_builder.Expand`). ``kinds`` keeps
        only documents of these kinds ("article", "note"; default all), ranked
        together; ``texts_by_ref`` gives the texts of a page of any kinds (the
        other two give article texts only).

        Raises:
            QuerySyntaxError: the query is malformed (one-line message).
            SearchIndexError: the index could not be read.
        """
        started = time.perf_counter()
        parsed = parse_query(query, expand=expand)
        offset, limit = max(0, offset), max(0, limit)
        with self._search_lock:
            try:
                total, page, terms = self._run(parsed, offset, limit, kinds)
            except QuerySyntaxError as error:  # a wildcard matching too many words
                error.query = query
                raise
            except Exception as error:
                raise SearchIndexError(f"searching the index failed: {error}") from error
        lookup = _text_lookup([_fields_ref(f) for _score, f in page], text_of, texts_of,
                              texts_by_ref)
        hits = tuple(
            h for h in (_hit(fields, score, terms, lookup) for score, fields in page) if h
        )
        elapsed = (time.perf_counter() - started) * 1000
        return SearchResults(query=query, total=total, offset=offset, hits=hits, elapsed_ms=elapsed)

    def close(self) -> None:
        """Close the searcher; the object must not be used afterwards."""
        with self._search_lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None

    def _run(
        self, parsed: Any, offset: int, limit: int, kinds: Sequence[str] | None = None
    ) -> tuple[int, list[tuple[float, dict[str, Any]]], MatchTerms]:
        searcher = self._current()
        # exact: every match is scored and counted, nothing pruned (see app.search.ranking)
        only = None if kinds is None else Or([Term("kind", k) for k in kinds] or [NullQuery])
        if supports(searcher):  # the same scores and order, in bulk (see app.search.bulk)
            total, found = bulk_ranked(searcher, parsed, offset, limit, only)
            page = [(score, searcher.stored_fields(docnum)) for score, docnum in found]
        else:
            total, hits = ranked(searcher, parsed, offset, limit, only)
            page = [(hit.score, hit.fields()) for hit in hits]
        terms = match_terms(parsed, searcher.reader()) if page else MatchTerms()
        return total, page, terms

    def _current(self) -> Searcher:
        """The open searcher, refreshed to the latest commit (caller holds the lock).

        ``Searcher.refresh()`` is not used: whoosh-reloaded 2.7.5 adds the old
        reader's segments to the new ones, so after a merge it counts documents
        twice (and fails on an empty index). Instead a new reader is opened that
        reuses the still-valid segment readers (see :class:`_Reusable`).
        """
        try:
            if self._searcher is None:
                self._searcher = Searcher(self._reopen(None), fromindex=self._ix)
            elif not self._searcher.up_to_date():
                self._searcher = Searcher(self._reopen(self._searcher.reader()),
                                          fromindex=self._ix)
        except Exception as error:
            raise SearchIndexError(f"opening the search index failed: {error}") from error
        return self._searcher

    def _reopen(self, old: Any | None) -> Any:
        """A reader of the latest commit that reuses ``old``'s unchanged segment readers.

        A segment keeps its id when documents in it are deleted (an update deletes
        the old version), so only readers whose segment has the same number of
        deletions in the new table of contents are reused; deletions only grow.
        """
        for attempt in range(10):
            try:
                toc = self._latest_toc()
                fresh = {seg.segment_id(): seg.deleted_count() for seg in toc.segments}
                reuse = None if old is None else _Reusable(old, fresh)
                new = self._ix._reader(self._read_storage, toc.schema, toc.segments,
                                       toc.generation, reuse=reuse)
            except OSError:  # a writer removed a file just now: read the TOC again
                if attempt == 9:
                    raise
                time.sleep(0.05)
                continue
            if old is not None:
                _close_unused(old, new)
            return new
        raise AssertionError("unreachable")

    def _refresh(self) -> None:
        with self._search_lock:
            if self._searcher is not None:
                self._current()

    def _refuse_if_read_only(self) -> None:
        if self.is_read_only:
            raise SearchIndexError(f"the search index at {self.directory} is open read-only")

    def _writer(self, limitmb: int) -> Any:
        try:
            return tune(self._ix.writer(timeout=self._lock_timeout, delay=0.1,
                                        limitmb=limitmb))
        except windex.LockError:
            raise NotebookLocked(
                "the search index is being written by another Dossier window or process"
            ) from None
        except Exception as error:
            raise SearchIndexError(
                f"opening the search index for writing failed: {error}"
            ) from error

    def _commit(self, writer: Any, bulk: bool) -> None:
        """Commit; small commits skip merging except every :data:`MERGE_EVERY`th."""
        self._small_commits = 0 if bulk else self._small_commits + 1
        if bulk or self._small_commits >= MERGE_EVERY:
            self._small_commits = 0
            writer.commit(mergetype=writing.MERGE_SMALL)
        else:
            writer.commit(merge=False)


def _close_unused(old: Any, new: Any) -> None:
    """Close ``old``'s leaf readers that ``new`` does not use (they hold open files;
    Whoosh skips the reuse bookkeeping when the new index has no segments)."""
    kept = {id(r) for r, _offset in new.leaf_readers()}
    for reader, _offset in old.leaf_readers():
        if id(reader) not in kept and not getattr(reader, "is_closed", True):
            reader.close()


class _Reusable:
    """Offers a reader's segment readers for reuse without its segment list.

    ``FileIndex._reader`` reuses the leaf readers whose segment is still in the
    index and closes the others; reporting no segments keeps it from adding the
    old segments to the new reader (the whoosh-reloaded bug).
    """

    def __init__(self, reader: Any, fresh: dict[str, int]) -> None:
        self._reader = reader
        self._fresh = fresh

    def segments(self) -> list[Any]:
        return []

    def leaf_readers(self) -> list[tuple[Any, int]]:
        """Old leaf readers whose segment is unchanged; the rest are closed."""
        keep = []
        for reader, offset in self._reader.leaf_readers():
            segment = reader.segment()
            if segment is not None and self._fresh.get(segment.segment_id()) == \
                    segment.deleted_count():
                keep.append((reader, offset))
            else:
                reader.close()
        return keep


def _cancel(writer: Any) -> None:
    """Cancel a failed writer (releasing the lock); a second failure is only logged."""
    try:
        writer.cancel()
    except Exception:
        log.exception("cancelling a failed search index writer failed too")


def _ref(item: int | DocRef) -> DocRef:
    """A document reference; a bare number is an article id."""
    return item if isinstance(item, tuple) else (ARTICLE, int(item))


def _fill(writer: Any, docs: Iterable[IndexDoc], deletes: Iterable[DocRef], *,
          use_add: bool) -> None:
    """Queue deletes and documents. Each document first removes every indexed copy of
    its key (Whoosh's ``update_document`` removes only one, so a duplicate left by an
    older version would survive); ``use_add`` skips those lookups on an empty index."""
    docs = list(docs)
    if not use_add:  # the writer caches one searcher for all these lookups
        for kind, doc_id in [*deletes, *((d.kind, d.article_id) for d in docs)]:
            writer.delete_by_term("key", doc_key(kind, doc_id))
    for doc in docs:
        writer.add_document(**to_fields(doc))


def _fields_ref(fields: dict[str, Any]) -> DocRef:
    return str(fields.get("kind", ARTICLE)), int(fields["id"])


def _text_lookup(
    refs: list[DocRef],
    text_of: Callable[[int], str | None] | None,
    texts_of: Callable[[list[int]], dict[int, str]] | None,
    texts_by_ref: Callable[[list[DocRef]], dict[DocRef, str]] | None,
) -> Callable[[DocRef], str | None]:
    """How to get the text of each hit of a page (one round trip where possible)."""
    if texts_by_ref is not None:
        return texts_by_ref(refs).get
    if texts_of is not None:
        found = texts_of([i for kind, i in refs if kind == ARTICLE])
        return lambda ref: found.get(ref[1]) if ref[0] == ARTICLE else None
    if text_of is None:
        raise TypeError("search() needs text_of, texts_of or texts_by_ref")
    return lambda ref: text_of(ref[1]) if ref[0] == ARTICLE else None


def _hit(
    fields: dict[str, Any],
    score: float,
    terms: MatchTerms,
    text_of: Callable[[DocRef], str | None],
) -> SearchHit | None:
    kind, article_id = _fields_ref(fields)
    text = text_of((kind, article_id))
    if text is None:
        log.info("search hit %s %s has no text any more (deleted?): left out", kind,
                 article_id)
        return None
    spans = hit_spans(text, fields.get("language", ""), terms)
    snippet = make_snippet(text, spans)
    return SearchHit(
        article_id=ArticleId(article_id),
        title=fields.get("title", ""),
        outlet=fields.get("outlet", "") if kind == ARTICLE else "Note",
        language=fields.get("language", ""),
        published=fields.get("published", ""),
        score=float(score),
        snippet=snippet.text,
        snippet_marks=snippet.marks,
        hit_spans=spans,
        kind=kind,
        note_id=article_id if kind != ARTICLE else 0,
    )
