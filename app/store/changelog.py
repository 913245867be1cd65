"""The change log: what each write did, numbered in commit order. Never commits.

A write transaction collects its entries as it goes (:func:`add_records` for records,
:func:`mark_stale` for search documents, :func:`mark_all_stale` when every document
must be rebuilt). When it commits, :func:`install`'s hook runs as its last step:

1. ``UPDATE notebook_clock SET seq = seq + 1 RETURNING seq``: the row lock is held until
   commit, so a second writer waits there and gets the next number only after the first
   committed. Numbers therefore appear in commit order, and a reader that has seen
   ``seq = n`` can never later find an entry below ``n`` (the pitfall of a plain
   sequence, whose numbers commit out of order).
2. the entries are inserted under that number, with the author and the time;
3. on PostgreSQL, ``pg_notify('dossier_<uuid>', seq)``, delivered at commit.

A transaction that wrote no entries takes no number. Readers follow the log with
:func:`clock`, :func:`entries` and :func:`stale_refs`; :func:`prune` drops old entries
and raises the floor, below which a reader must rebuild.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, TypeAlias, cast

from sqlalchemy import delete, event, func, insert, select, update
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from app.core.changelog import STALE, ChangeEntry, NotebookClock
from app.core.errors import NotebookError
from app.store import identity, schema
from app.store.ops import Op
from app.store.references import references_from

_TABLES = schema.Base.metadata.tables
CLOCK, LOG = _TABLES["notebook_clock"], _TABLES["change_log"]
CHANNEL_PREFIX = "dossier_"

RecordEntry: TypeAlias = tuple[str, int, str, "int | None"]
"""``(kind, id, op, article_id)`` of a changed record."""
DocRef: TypeAlias = tuple[str, int]

_RECORDS, _STALE, _REBUILD, _SEQ, _AUTHOR = (
    "dossier_log_records", "dossier_log_stale", "dossier_log_rebuild", "dossier_log_seq",
    "dossier_log_author")
_DEFAULT_AUTHOR = "dossier_log_default_author"
"""Keys in ``session.info`` for the open transaction's entries and its number."""


# -- collecting a transaction's entries -------------------------------------------------
def add_records(session: Session, entries: Iterable[RecordEntry],
                author: str | None = None) -> None:
    """Log these record changes with the caller's transaction, under ``author`` (by
    default :func:`app.store.identity.current_author`)."""
    if author is not None:
        session.info[_AUTHOR] = author
    records: dict[tuple[str, int], RecordEntry] = session.info.setdefault(_RECORDS, {})
    for kind, record_id, op, article_id in entries:
        earlier = records.get((kind, record_id))
        if earlier is not None:
            op, article_id = _merged(earlier[2], op), article_id or earlier[3]
        records[(kind, record_id)] = (kind, record_id, op, article_id)


def record_entries(ops: Iterable[Op]) -> list[RecordEntry]:
    """The records these row ops changed, as log entries: a record's own row is an
    insert, update or delete of it; any other row (a tag link, an alias, a party ...)
    is an update of the records its foreign keys point at (as ``Changes`` reports)."""
    out: dict[tuple[str, int], RecordEntry] = {}

    def put(kind: str, record_id: int, op: str, article_id: int | None) -> None:
        earlier = out.get((kind, record_id))
        if earlier is not None:
            op = _merged(earlier[2], op)
            article_id = article_id or earlier[3]
        out[(kind, record_id)] = (kind, record_id, op, article_id)

    for op in ops:
        kind = schema.RECORD_KINDS.get(op.table)
        if kind is not None:
            put(kind, int(op.row["id"]), op.kind, _article_of(op))
            continue
        for ref in references_from(op.table):
            target = schema.RECORD_KINDS.get(ref.target)
            value = op.row.get(ref.column)
            if target is not None and value is not None and ref.when is None:
                put(target, int(value), "update", None)
    return list(out.values())


def _merged(earlier: str, later: str) -> str:
    """One op for a record written twice in a write: new and then changed is still
    new; deleted and then restored (or new and then deleted) is what it ends as."""
    if earlier == "insert" and later == "update":
        return "insert"
    if earlier == "delete" and later == "insert":
        return "update"
    return later


def _article_of(op: Op) -> int | None:
    if op.table == "article":
        return int(op.row["id"])
    value = op.row.get("article_id")
    return None if value is None else int(value)


def mark_stale(session: Session, kind: str, ids: Iterable[int]) -> None:
    """Log that these search documents (``kind`` "article" or "note") must be rewritten."""
    stale: dict[DocRef, None] = session.info.setdefault(_STALE, {})
    for doc_id in ids:
        stale[(kind, int(doc_id))] = None


def mark_all_stale(session: Session) -> None:
    """Log that every search document must be rebuilt: the floor rises to this write,
    so every reader (this one included) rebuilds its index."""
    session.info[_REBUILD] = True


def committed_seq(session: Session) -> int | None:
    """The number the session's last committed write got (None if it logged nothing)."""
    value = session.info.get(_SEQ)
    return None if value is None else int(value)


# -- the commit step --------------------------------------------------------------------
def install(sessions: sessionmaker[Session],
            on_commit: Callable[[int], None] | None = None,
            author: str | None = None) -> None:
    """Make every transaction of ``sessions`` write its entries as its last step;
    ``on_commit(seq)`` is called after each commit that logged something. ``author``
    names the writer of entries that do not say (imports, notebook loads); by default
    :func:`app.store.identity.current_author`."""
    if author is not None:
        sessions.kw.setdefault("info", {})[_DEFAULT_AUTHOR] = author
    event.listen(sessions, "before_commit", _write_entries)
    event.listen(sessions, "after_transaction_end", _forget)
    if on_commit is not None:
        def _committed(session: Session) -> None:
            seq = session.info.get(_SEQ)
            if seq is not None:
                on_commit(int(seq))
        event.listen(sessions, "after_commit", _committed)


def _write_entries(session: Session) -> None:
    records = list(session.info.pop(_RECORDS, {}).values())
    stale = list(session.info.pop(_STALE, {}))
    rebuild = bool(session.info.pop(_REBUILD, False))
    session.info.pop(_SEQ, None)
    if not (records or stale or rebuild):
        return
    seq, notebook_uuid = _tick(session)
    if rebuild:
        session.execute(delete(LOG).where(LOG.c.seq < seq))
        session.execute(update(CLOCK).where(CLOCK.c.id == 1).values(floor_seq=seq))
        stale = []  # everyone rebuilds everything
    author = (session.info.pop(_AUTHOR, None) or session.info.get(_DEFAULT_AUTHOR)
              or identity.current_author(session))[:200]
    at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows = [{"seq": seq, "entity": kind, "entity_id": record_id, "op": op,
             "article_id": article_id, "author": author, "at": at}
            for kind, record_id, op, article_id in records]
    rows += [{"seq": seq, "entity": kind, "entity_id": doc_id, "op": STALE,
              "article_id": doc_id if kind == "article" else None, "author": author,
              "at": at} for kind, doc_id in stale]
    if rows:
        session.execute(insert(LOG), rows)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_notify(channel(notebook_uuid), str(seq))))
    session.info[_SEQ] = seq


def _tick(session: Session) -> tuple[int, str]:
    row = session.execute(update(CLOCK).where(CLOCK.c.id == 1).values(seq=CLOCK.c.seq + 1)
                          .returning(CLOCK.c.seq, CLOCK.c.notebook_uuid)).one_or_none()
    if row is None:
        raise NotebookError("the notebook has no change-log clock (notebook_clock is empty); "
                            "it was not created by Dossier's migrations")
    return int(row[0]), str(row[1])


def _forget(session: Session, transaction: SessionTransaction) -> None:
    """Entries of a rolled-back transaction go with it."""
    if transaction.parent is None:
        for key in (_RECORDS, _STALE, _REBUILD, _AUTHOR):
            session.info.pop(key, None)


def channel(notebook_uuid: str) -> str:
    """The notification channel of a notebook (a valid unquoted identifier)."""
    return CHANNEL_PREFIX + notebook_uuid.replace("-", "").lower()


# -- reading ----------------------------------------------------------------------------
def clock(session: Session) -> NotebookClock:
    """The last committed write's number, the floor and the notebook's uuid."""
    row = session.execute(select(CLOCK.c.seq, CLOCK.c.floor_seq, CLOCK.c.notebook_uuid)
                          .where(CLOCK.c.id == 1)).one_or_none()
    if row is None:
        raise NotebookError("the notebook has no change-log clock (notebook_clock is empty)")
    return NotebookClock(int(row[0]), int(row[1]), str(row[2]))


def entries(session: Session, after: int, upto: int,
            limit: int | None = None) -> list[ChangeEntry]:
    """The entries of the writes ``after < seq <= upto`` in order (the first ``limit``)."""
    rows = session.execute(
        select(LOG.c.seq, LOG.c.entity, LOG.c.entity_id, LOG.c.op, LOG.c.article_id,
               LOG.c.author, LOG.c.at)
        .where(LOG.c.seq > after, LOG.c.seq <= upto).order_by(LOG.c.seq, LOG.c.id)
        .limit(limit))
    return [ChangeEntry(int(r.seq), str(r.entity), int(r.entity_id), str(r.op),
                        None if r.article_id is None else int(r.article_id), str(r.author),
                        _utc(r.at)) for r in rows]


def stale_refs(session: Session, after: int, upto: int,
               limit: int) -> tuple[list[DocRef], int]:
    """The search documents made stale by writes ``after < seq <= upto``, reading at
    most about ``limit`` entries: returns them and the last write they cover completely
    (``upto`` when everything fits; never splits one write)."""
    query = (select(LOG.c.seq, LOG.c.entity, LOG.c.entity_id)
             .where(LOG.c.op == STALE, LOG.c.seq > after, LOG.c.seq <= upto)
             .order_by(LOG.c.seq, LOG.c.id))
    rows = session.execute(query.limit(limit + 1)).all()
    covered = upto
    if len(rows) > limit:
        first, last = int(rows[0].seq), int(rows[-1].seq)
        if first == last:  # one huge write: take all of it
            rows = session.execute(query.where(LOG.c.seq == first)).all()
        else:
            rows = [r for r in rows if int(r.seq) < last]
        covered = int(rows[-1].seq)
    refs = list(dict.fromkeys((str(r.entity), int(r.entity_id)) for r in rows))
    return refs, covered


def stale_count(session: Session, after: int, upto: int) -> int:
    """How many distinct documents writes ``after < seq <= upto`` made stale."""
    distinct = (select(LOG.c.entity, LOG.c.entity_id)
                .where(LOG.c.op == STALE, LOG.c.seq > after, LOG.c.seq <= upto)
                .distinct().subquery())
    return int(session.scalar(select(func.count()).select_from(distinct)) or 0)


# -- retention --------------------------------------------------------------------------
def prune(session: Session, before: dt.datetime) -> int:
    """Drop the entries of writes made before ``before`` (UTC) and raise the floor to
    the last of them; returns the floor. Readers whose cursor is below it rebuild."""
    cutoff = before.astimezone(dt.UTC).replace(tzinfo=None) if before.tzinfo else before
    last_old = session.scalar(select(func.max(LOG.c.seq)).where(LOG.c.at < cutoff))
    current = clock(session)
    if last_old is None or int(last_old) <= current.floor_seq:
        return current.floor_seq
    floor = int(last_old)
    session.execute(update(CLOCK).where(CLOCK.c.id == 1, CLOCK.c.floor_seq < floor)
                    .values(floor_seq=floor))
    session.execute(delete(LOG).where(LOG.c.seq <= floor))
    return floor


def _utc(value: Any) -> dt.datetime:
    stamp = cast(dt.datetime, value)
    return stamp.replace(tzinfo=dt.UTC) if stamp.tzinfo is None else stamp
