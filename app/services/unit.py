"""Unit of work for edits: one transaction, recorded ops, Changes, outbox, history.

Every edit use case runs inside :meth:`Writer.edit`. On commit, the articles whose search
documents are affected get their ``rev`` bumped and an ``index_outbox`` row, in the same
transaction, so a crash can never leave the index silently behind the database.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.core.changes import KINDS, Changes
from app.store import schema
from app.store.engine import translated_errors
from app.store.ops import REGISTRY, Op, Recorder
from app.store.queries import tag_subtree_ids

SEARCH_FIELDS = frozenset({"title", "text", "language", "outlet", "published"})

HighlightCleanup = Callable[[Recorder, list[int]], None]
HIGHLIGHT_DELETE_HOOKS: list[HighlightCleanup] = []
"""Called with the ids of highlights about to be deleted, inside the transaction: features
whose rows point at highlights (actor mentions, evidence) delete them through the recorder,
so that undo restores them too."""


def delete_highlight_dependents(rec: Recorder, highlight_ids: list[int]) -> None:
    """Delete, recordably, every row of other features that points at these highlights."""
    if highlight_ids:
        for hook in HIGHLIGHT_DELETE_HOOKS:
            hook(rec, highlight_ids)


SearchHook = Callable[[Session, list[Op]], set[int]]
SEARCH_HOOKS: list[SearchHook] = []
"""More rules for which articles' search documents some ops change (e.g. actor mentions);
features that index more per article register one here."""


@dataclass
class Transaction:
    """Handed to the body of an edit; ``changes`` is filled in after commit."""

    rec: Recorder
    changes: Changes = field(default_factory=Changes)

    @property
    def session(self) -> Session:
        return self.rec.session


def enqueue(session: Session, article_ids: Iterable[int]) -> None:
    """Bump ``rev`` and add outbox rows for these articles (never commits)."""
    ids = sorted(set(article_ids))
    if not ids:
        return
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        session.execute(
            update(schema.article)
            .where(schema.article.c.id.in_(chunk))
            .values(rev=schema.article.c.rev + 1)
        )
    session.execute(insert(schema.outbox), [{"article_id": a} for a in ids])


def _highlight_articles(session: Session, ops: list[Op]) -> dict[int, int]:
    known = {op.row["id"]: op.row["article_id"] for op in ops
             if op.table == "highlight" and "article_id" in op.row}
    wanted = {op.row["highlight_id"] for op in ops if op.table == "highlight_tag"} - set(known)
    if wanted:
        h = schema.highlight
        rows = session.execute(select(h.c.id, h.c.article_id).where(h.c.id.in_(wanted)))
        known.update({hid: aid for hid, aid in rows})
    return known


def affected_articles(session: Session, ops: list[Op]) -> set[int]:
    """Articles whose search document these ops change."""
    owners = _highlight_articles(session, ops)
    out: set[int] = set()
    for op in ops:
        if op.table == "article" and (op.kind != "update" or SEARCH_FIELDS & set(op.old)):
            out.add(op.row["id"])
        elif op.table == "highlight_tag":
            out.add(owners.get(op.row["highlight_id"], -1))
        elif op.table == "tag" and op.kind == "update" and {"name", "parent_id"} & set(op.old):
            out |= _articles_with_tags(session, tag_subtree_ids(session, op.row["id"]))
    for hook in SEARCH_HOOKS:
        out |= hook(session, ops)
    out.discard(-1)
    return out


def _articles_with_tags(session: Session, tag_ids: Iterable[int]) -> set[int]:
    h, ht = schema.highlight, schema.highlight_tag
    rows = session.execute(
        select(h.c.article_id).join(ht, ht.c.highlight_id == h.c.id)
        .where(ht.c.tag_id.in_(list(tag_ids))).distinct()
    )
    return {r[0] for r in rows}


def derive_changes(ops: list[Op], label: str) -> Changes:
    """What the ops touched, for views to refresh."""
    sets: dict[str, set[int]] = {k: set() for k in KINDS}
    sets.update({f"deleted_{k}": set() for k in KINDS})
    for op in ops:
        info = REGISTRY[op.table]
        for column, kind in info.refs:
            sets[kind].add(op.row[column])
        if info.kind is not None:
            key = f"deleted_{info.kind}" if op.kind == "delete" else info.kind
            sets[key].add(op.row["id"])
    for kind in KINDS:
        sets[kind] -= sets[f"deleted_{kind}"]
    return Changes(**{k: frozenset(v) for k, v in sets.items()}, label=label)  # type: ignore[arg-type]


class Writer:
    """Runs edits: transaction, op recording, outbox, history, indexer wake-up."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        record: Callable[[str, list[Op]], None],
        after_commit: Callable[[], None],
    ) -> None:
        self._sessions = sessions
        self._record = record
        self._after_commit = after_commit

    @contextlib.contextmanager
    def edit(self, label: str, *, undoable: bool = True) -> Iterator[Transaction]:
        """Open a transaction for one use case; commit, enqueue, record on success."""
        with translated_errors(), self._sessions() as session, session.begin():
            tx = Transaction(Recorder(session))
            yield tx
            ops = tx.rec.ops
            enqueue(session, affected_articles(session, ops))
        tx.changes = derive_changes(ops, label)
        if undoable:
            self._record(label, ops)
        self._after_commit()

    def replay(self, ops: list[Op], label: str) -> Changes:
        """Apply ops (undo or redo) in one transaction and return their Changes."""
        with self.edit(label, undoable=False) as tx:
            for op in ops:
                op.apply(tx.session)
                tx.rec.ops.append(op)
        return tx.changes
