"""What other writers changed, as plain data: entries of the notebook's change log and
the updates a live watcher hands to views (issue 13).

Every write transaction gets one number (``seq``) in commit order; its entries name the
records it inserted, updated or deleted (by :data:`app.core.changes.KINDS` kind) and the
search documents it made stale. A :class:`LiveUpdate` gathers the entries a client has
not seen yet into the same :class:`~app.core.changes.Changes` value local edits return,
plus who made each change and when, so views refresh one way whatever the source.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from app.core.changes import KINDS, Changes

RECORD_OPS = ("insert", "update", "delete")
"""Ops of entries that name a record; ``"stale"`` entries name a search document."""
STALE = "stale"


@dataclass(frozen=True, slots=True)
class ChangeEntry:
    """One change log entry.

    Attributes:
        seq: the number of the write (transaction) it belongs to; grows in commit order.
        entity: a ``Changes`` kind ("highlights", ...) for record ops; "article" or
            "note" for a stale search document.
        entity_id: the record's (or document's) id.
        op: "insert", "update", "delete" or "stale".
        article_id: the article the record belongs to, when the write knew it.
        author: who wrote it (see ``app.store.identity``).
        at: when, in UTC (timezone-aware).
    """

    seq: int
    entity: str
    entity_id: int
    op: str
    article_id: int | None
    author: str
    at: dt.datetime

    @property
    def is_record(self) -> bool:
        return self.op in RECORD_OPS and self.entity in KINDS


@dataclass(frozen=True, slots=True)
class NotebookClock:
    """The change log's state: the last write's number, the floor below which entries
    were pruned (``seq <= floor_seq`` are gone), and the notebook's identity."""

    seq: int
    floor_seq: int
    notebook_uuid: str


@dataclass(frozen=True, slots=True)
class ChangedBy:
    """The last writer of a record: for "changed by <name>, <time>"."""

    author: str
    at: dt.datetime
    seq: int


@dataclass(frozen=True, slots=True)
class LiveUpdate:
    """What changed in the notebook since a watcher last looked.

    Attributes:
        changes: the records touched or deleted, as local edits report them.
        first_seq, last_seq: the numbers of the first and last write covered (0 when
            none).
        authors: who made these writes, in order of first appearance.
        changed_by: the last writer of each record, by ``(kind, id)``.
        is_reset: the log no longer reaches back to the watcher (pruned, or another
            notebook): views must reload everything, ``changes`` is empty.
    """

    changes: Changes
    first_seq: int
    last_seq: int
    authors: tuple[str, ...] = ()
    changed_by: tuple[tuple[tuple[str, int], ChangedBy], ...] = ()
    is_reset: bool = False

    def who_changed(self, kind: str, record_id: int) -> ChangedBy | None:
        """The last writer of this record in this update (None if not touched)."""
        for key, value in self.changed_by:
            if key == (kind, record_id):
                return value
        return None

    @classmethod
    def of(cls, entries: Iterable[ChangeEntry], label: str = "") -> LiveUpdate:
        """Gather these entries (in seq order) into one update."""
        touched: dict[str, set[int]] = defaultdict(set)
        deleted: dict[str, set[int]] = defaultdict(set)
        last: dict[tuple[str, int], ChangedBy] = {}
        authors: dict[str, None] = {}
        seqs: list[int] = []
        for entry in entries:
            seqs.append(entry.seq)
            if not entry.is_record:
                continue
            authors.setdefault(entry.author, None)
            target = deleted if entry.op == "delete" else touched
            target[entry.entity].add(entry.entity_id)
            if entry.op != "delete":
                deleted[entry.entity].discard(entry.entity_id)  # deleted, then undone
            last[(entry.entity, entry.entity_id)] = ChangedBy(entry.author, entry.at,
                                                              entry.seq)
        return cls(changes=Changes.of(touched, deleted, label),
                   first_seq=min(seqs, default=0), last_seq=max(seqs, default=0),
                   authors=tuple(authors), changed_by=tuple(sorted(last.items())))
