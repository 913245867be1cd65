"""Import files into a notebook: ingest, detect duplicates, store with change-log entries.

Articles are written in small transactions (each article whole or not at all); their
change-log entries (for every client's index and views) go in the same transactions.
Cancelling (or Ctrl+C in the CLI, which cancels) keeps everything written so far.

An import asked to be ``undoable`` (the GUI's) becomes one step of the notebook's undo
history: undo deletes exactly the articles it stored, redo stores them again with the
same ids and values. Undo refuses, saying why, once anything points at those articles
(highlights, text revisions, note links): deleting them would take the user's later work
with them outside the history. Deleting the articles (undoable itself) is the way then.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.changes import Changes
from app.core.errors import Cancelled, DossierError
from app.core.ids import ArticleId
from app.core.import_notes import SkippedEntry, TrimSuggestion
from app.core.progress import CancelToken, ProgressFn, no_progress
from app.core.records import ArticleSummary
from app.core.revisions import NewerVersion
from app.core.text import content_key, text_sha256
from app.store import articles as article_store
from app.store import import_undo, imports
from app.store.engine import translated_errors
from app.store.sessions import Session, Sessions

if TYPE_CHECKING:  # app.ingest loads trafilatura, lingua, pypdf: only when importing
    from app.ingest import ParsedArticle
    from app.services.history import History

log = logging.getLogger(__name__)
BATCH = 100
SAME_TEXT = 60.0
"""Similarity (rapidfuzz ratio) above which a file of the same name is a newer version."""
SIMILAR_HEAD = 20_000
"""Code points of each text compared (bounded time for long texts)."""


@dataclass
class ImportReport:
    """What an import did, per input file.

    ``failures`` are inputs that could not be imported (source, reason); ``skipped``
    are entries met while walking folders and deliberately not imported (unsupported
    type, named pipe, link to a folder, unreadable folder); ``notes`` are remarks on
    imported articles (source, note): an assumed encoding, a refused metadata date,
    a file name that is not UTF-8, page furniture that could be trimmed. ``trims``
    holds those trim suggestions by the new article's id. ``newer`` are newer versions
    of stored articles (same URL, or same file name and title, another text): they are
    not added; ``nb.revisions.edit_text`` replaces the stored text with one, if wanted.
    """

    imported: list[ArticleSummary] = field(default_factory=list)
    duplicates: list[tuple[str, ArticleSummary]] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    trims: list[tuple[ArticleId, TrimSuggestion]] = field(default_factory=list)
    newer: list[NewerVersion] = field(default_factory=list)
    cancelled: bool = False
    changes: Changes = field(default_factory=Changes)

    @property
    def has_failures(self) -> bool:
        return bool(self.failures)

    def add_skipped(self, entry: SkippedEntry) -> None:
        """Record a folder entry that was not imported (the walk's ``on_skip``)."""
        self.skipped.append((entry.source, entry.reason))


def _row(parsed: ParsedArticle, now: dt.datetime) -> dict[str, object]:
    limits = article_store.length_limits()  # a page's site name can be longer than fits
    return {
        "title": parsed.title or parsed.original_name,
        "text": parsed.text,
        "language": parsed.language[:limits["language"]],
        "outlet": parsed.outlet[:limits["outlet"]].strip(),
        "url": parsed.url,
        "author": parsed.author,
        "published": parsed.published,
        "original_name": parsed.original_name,
        "imported_at": now,
        "sha256": text_sha256(parsed.text),
        "content_key": content_key(parsed.text),
        "char_count": len(parsed.text),
        "extra": json.dumps(parsed.extra, ensure_ascii=False),
        "rev": 1,
    }


def _older_version(session: Session, parsed: ParsedArticle,
                   title: str) -> ArticleSummary | None:
    """The stored article ``parsed`` is a newer version of: the same URL, or the same
    file name with the same title or a similar text (:data:`SAME_TEXT`). A file name
    alone is not enough: folders of pages called ``index.html`` hold different articles.
    """
    from rapidfuzz import fuzz

    for found, text in imports.same_origin(session, parsed.url, parsed.original_name):
        if parsed.url or found.title == title:
            return found
        head = slice(0, SIMILAR_HEAD)
        if fuzz.ratio(text[head], parsed.text[head]) >= SAME_TEXT:
            return found
    return None


class ImportService:
    """Long work: call from a worker thread (GUI) or the CLI."""

    def __init__(self, sessions: Sessions, wake_indexer: Callable[[], None],
                 history: History | None = None, author: str | None = None) -> None:
        self._sessions = sessions
        self._wake = wake_indexer
        self._history = history
        self._author = author  # None: the store's "who am I", as for every other edit

    def import_paths(self, paths: Iterable[str | Path], progress: ProgressFn = no_progress,
                     cancel: CancelToken | None = None, *,
                     undoable: bool = False) -> ImportReport:
        """Import files, folders and zips. Bad files are reported; the rest goes on.

        ``undoable``: record what was stored (also of a cancelled import) as one undo
        step, "import of N articles" (front ends with a live history; the CLI's history
        ends with its process)."""
        from app.ingest import IngestFailure, read_sources

        report = ImportReport()
        pending: list[tuple[ParsedArticle, dict[str, object]]] = []
        try:
            for item in read_sources(list(paths), progress=progress, cancel=cancel,
                                     on_skip=report.add_skipped):
                if isinstance(item, IngestFailure):
                    report.failures.append((item.source, item.reason))
                    continue
                pending.append((item, _row(item, dt.datetime.now().replace(microsecond=0))))
                if len(pending) >= BATCH:
                    self._store(pending, report)
                    pending = []
        except Cancelled:
            report.cancelled = True
        finally:
            if pending:
                self._store(pending, report)
        label = import_label(len(report.imported))
        report.changes = Changes(articles=frozenset(s.id for s in report.imported),
                                 label=label)
        if undoable and report.imported:
            self._record_undo(label, [s.id for s in report.imported])
        return report

    def _record_undo(self, label: str, article_ids: list[ArticleId]) -> None:
        """Push the stored articles (read back whole) as one step of the history."""
        if self._history is None:
            log.warning("no history to record %r in", label)
            return
        with translated_errors(), self._sessions() as session:
            ops = import_undo.insert_ops(session, article_ids)

        def guard(verb: str) -> None:
            if verb == "undo":
                self._refuse_if_used(label, article_ids)

        self._history.record(label, ops, guard)

    def _refuse_if_used(self, label: str, article_ids: list[ArticleId]) -> None:
        """Raise DossierError naming what now points at the imported articles."""
        with translated_errors(), self._sessions() as session:
            found = import_undo.dependents(session, article_ids)
        if found:
            what = ", ".join(f"{count} {table.replace('_', ' ')} row(s)"
                             for table, count in sorted(found.items()))
            raise DossierError(
                f"cannot undo '{label}': its articles have been worked on since ({what}); "
                "delete the articles themselves instead (that can be undone)")

    def import_parsed(self, items: Sequence[ParsedArticle]) -> ImportReport:
        """Store already-parsed articles (demo notebook, tests)."""
        report = ImportReport()
        now = dt.datetime.now().replace(microsecond=0)
        self._store([(p, _row(p, now)) for p in items], report)
        report.changes = Changes(articles=frozenset(s.id for s in report.imported))
        return report

    def _store(self, batch: list[tuple[ParsedArticle, dict[str, object]]],
               report: ImportReport) -> None:
        keys = [str(row["content_key"]) for _, row in batch]
        with translated_errors(), self._sessions() as session, session.begin():
            existing = imports.by_content_keys(session, keys)
            for parsed, row in batch:
                key = str(row["content_key"])
                if key in existing:
                    report.duplicates.append((parsed.source, existing[key]))
                    continue
                origin = _older_version(session, parsed, str(row["title"]))
                if origin is not None:
                    report.newer.append(NewerVersion(parsed.source, origin, parsed.text))
                    continue
                summary = imports.insert_article(session, row, self._author)
                existing[key] = summary
                report.imported.append(summary)
                report.notes.extend((parsed.source, note) for note in parsed.notes)
                if parsed.trim is not None:
                    report.trims.append((summary.id, parsed.trim))
        self._wake()


def import_label(count: int) -> str:
    """The undo label of an import: "import of 3 articles", "import of 1 article"."""
    return f"import of {count} article{'' if count == 1 else 's'}"
