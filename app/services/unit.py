"""Unit of work for edits: one transaction, recorded ops, Changes, outbox, history.

Every edit use case runs inside :meth:`Writer.edit`. On commit, the search documents the
edit made stale (:func:`app.store.search_documents.affected_documents`, read off the
recorded ops) are queued in the same transaction, so a crash can never leave the index
silently behind the database.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from app.core.changes import Changes
from app.core.errors import ReadOnlyError
from app.store import changelog, search_documents
from app.store.engine import translated_errors
from app.store.ops import Op, Recorder, touched_records
from app.store.replay import apply_ops
from app.store.sessions import Session, Sessions


@dataclass
class Transaction:
    """Handed to the body of an edit; ``changes`` is filled in after commit."""

    rec: Recorder
    changes: Changes = field(default_factory=Changes)

    @property
    def session(self) -> Session:
        return self.rec.session


def derive_changes(ops: list[Op], label: str) -> Changes:
    """What the ops touched, for views to refresh."""
    touched, deleted = touched_records(ops)
    return Changes.of(touched, deleted, label)


class Writer:
    """Runs edits: transaction, op recording, outbox, history, indexer wake-up."""

    def __init__(
        self,
        sessions: Sessions,
        record: Callable[[str, list[Op]], None],
        after_commit: Callable[[], None],
        author: str | None = None,
    ) -> None:
        self._sessions = sessions
        self._record = record
        self._after_commit = after_commit
        self._author = author  # None: the store's "who am I" (app.store.identity)
        self._read_only_reason: Callable[[], str] = lambda: ""

    def refuse_edits_when(self, reason: Callable[[], str]) -> None:
        """Refuse every edit with ReadOnlyError(reason()) while it is not "" (a reader,
        a schema newer than the code), before any transaction starts."""
        self._read_only_reason = reason

    @contextlib.contextmanager
    def edit(self, label: str, *, undoable: bool = True) -> Iterator[Transaction]:
        """Open a transaction for one use case; commit, enqueue, record on success."""
        if why := self._read_only_reason():
            raise ReadOnlyError(why)
        with translated_errors(), self._sessions() as session, session.begin():
            tx = Transaction(Recorder(session, self._author))
            yield tx
            ops = tx.rec.ops
            search_documents.enqueue(session, search_documents.affected_documents(session, ops))
            changelog.add_records(session, changelog.record_entries(ops), tx.rec.author)
        tx.changes = derive_changes(ops, label)
        if undoable:
            self._record(label, ops)
        self._after_commit()

    def replay(self, ops: list[Op], label: str) -> Changes:
        """Apply ops (undo or redo) in one transaction and return their Changes."""
        with self.edit(label, undoable=False) as tx:
            # undo is a versioned write too; runs of like updates go as one executemany
            apply_ops(tx.session, ops, tx.rec.author)
            tx.rec.ops.extend(ops)
        return tx.changes
