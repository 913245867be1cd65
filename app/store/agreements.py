"""Agreements, parties, status events and evidence: reads returning core records, and
recorded writes.

Reads take a ``Session``, writes an :class:`~app.store.ops.Recorder`; none commits. An
:class:`~app.core.actor_records.Agreement` comes complete: parties, ordered events,
evidence with corroboration and conflict flags, and the status derived from its events
(:mod:`app.core.agreement_status`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from app.core.actor_records import Agreement, AgreementValue, Event, Evidence, Party
from app.core.agreement_status import (
    annotate_evidence,
    conflicting_dates,
    current_status,
    ordered_events,
    outlet_of,
)
from app.core.ids import AgreementId
from app.store import schema
from app.store import schema_actors as sa_
from app.store.ops import Recorder
from app.store.versioning import stamp_of

# The ORM-declared tables are typed as FromClause; they are Tables.
AG, PARTY, EVENT = cast(Table, sa_.agreement), cast(Table, sa_.party), cast(Table, sa_.event)
EVIDENCE, ACTOR = cast(Table, sa_.evidence), cast(Table, sa_.actor)
H, A = schema.highlight, schema.article
CHUNK = 500

CITED = {"party": (PARTY, "party_id"), "event": (EVENT, "event_id")}
"""Rows evidence can cite besides the whole agreement: table and evidence column."""


# -- reading -------------------------------------------------------------------------------
def parties(session: Session, agreement_ids: list[int]) -> dict[int, list[Party]]:
    """Each agreement's parties with their actor's name, in the order they were added."""
    rows = session.execute(
        select(PARTY.c.id, PARTY.c.agreement_id, PARTY.c.actor_id, ACTOR.c.name, PARTY.c.role,
               *_stamp_columns(PARTY))
        .join(ACTOR, ACTOR.c.id == PARTY.c.actor_id)
        .where(PARTY.c.agreement_id.in_(agreement_ids)).order_by(PARTY.c.id)).mappings().all()
    out: dict[int, list[Party]] = defaultdict(list)
    for r in rows:
        out[r["agreement_id"]].append(Party(r["id"], r["agreement_id"], r["actor_id"],
                                            r["name"], r["role"], stamp_of(r)))
    return out


def _stamp_columns(table: Table) -> tuple[Any, ...]:
    """A versioned table's version columns, to read a record with its stamp."""
    return table.c.version, table.c.changed_by, table.c.changed_at


def events(session: Session, agreement_ids: list[int]) -> dict[int, list[Event]]:
    """Each agreement's status history, ordered (undated first, then by date)."""
    rows = session.execute(select(EVENT)
                           .where(EVENT.c.agreement_id.in_(agreement_ids))).mappings().all()
    out: dict[int, list[Event]] = defaultdict(list)
    for r in rows:
        out[r["agreement_id"]].append(_event(r))
    return {k: ordered_events(v) for k, v in out.items()}


def _evidence(session: Session, where: ColumnElement[bool]) -> list[Evidence]:
    rows = session.execute(
        select(EVIDENCE.c.id, EVIDENCE.c.agreement_id, EVIDENCE.c.highlight_id,
               EVIDENCE.c.field, EVIDENCE.c.party_id, EVIDENCE.c.event_id, EVIDENCE.c.stance,
               EVIDENCE.c.note, H.c.article_id, H.c.start, H.c.end,
               H.c.exact.label("quote"), A.c.title.label("article_title"), A.c.outlet,
               A.c.published, *_stamp_columns(EVIDENCE))
        .join(H, H.c.id == EVIDENCE.c.highlight_id).join(A, A.c.id == H.c.article_id)
        .where(where).order_by(A.c.published, A.c.id, H.c.start, EVIDENCE.c.id)
    ).mappings().all()
    stamps = ("version", "changed_by", "changed_at")
    return [Evidence(**{k: v for k, v in r.items() if k not in stamps}, stamp=stamp_of(r))
            for r in rows]


def evidence_in_article(session: Session, article_id: int) -> list[Evidence]:
    """Evidence passages in one article (live highlights only), for the reader."""
    return _evidence(session, H.c.article_id == article_id)


def _agreements(session: Session, where: ColumnElement[bool] | None) -> list[Agreement]:
    query = select(AG) if where is None else select(AG).where(where)
    rows = session.execute(query).mappings().all()
    ids = [r["id"] for r in rows]
    all_parties = parties(session, ids)
    all_events = events(session, ids)
    all_evidence: dict[int, list[Evidence]] = defaultdict(list)
    for ev in _evidence(session, EVIDENCE.c.agreement_id.in_(ids)):
        all_evidence[ev.agreement_id].append(ev)
    return [_agreement(r, all_parties.get(r["id"], []), all_events.get(r["id"], []),
                       annotate_evidence(all_evidence.get(r["id"], []))) for r in rows]


def _agreement(row: RowMapping, parties_: list[Party], events_: list[Event],
               evidence_: list[Evidence]) -> Agreement:
    status, date = current_status(events_)
    value = AgreementValue(row["value_amount"], row["value_amount_max"], row["value_currency"],
                           row["value_qualifier"], row["value_unit"], row["value_text"])
    supporting = {outlet_of(e) for e in evidence_ if e.stance == "supports"}
    conflicted = any(e.is_conflicted for e in evidence_) or conflicting_dates(events_)
    return Agreement(id=row["id"], title=row["title"], type=row["type"], value=value,
                     summary=row["summary"], parties=tuple(parties_), events=tuple(events_),
                     evidence=tuple(evidence_), status=status, date=date,
                     outlet_count=len(supporting), is_conflicted=conflicted,
                     stamp=stamp_of(row))


def list_agreements(session: Session, type: str = "") -> list[Agreement]:
    """Every agreement (of ``type``, when given), complete, in id order."""
    return _agreements(session, AG.c.type == type if type else None)


def get_agreement(session: Session, agreement_id: int) -> Agreement | None:
    found = _agreements(session, AG.c.id == agreement_id)
    return found[0] if found else None


def agreement_exists(session: Session, agreement_id: int) -> bool:
    return session.scalar(select(AG.c.id).where(AG.c.id == agreement_id)) is not None


def titles(session: Session) -> dict[int, str]:
    """Every agreement's title by id (link targets of notes)."""
    return {int(i): str(t) for i, t in session.execute(select(AG.c.id, AG.c.title))}


def _row(session: Session, table: Table, row_id: int) -> dict[str, Any] | None:
    row = session.execute(select(table).where(table.c.id == row_id)).mappings().first()
    return None if row is None else dict(row)


def get_party(session: Session, party_id: int) -> Party | None:
    row = _row(session, PARTY, party_id)
    if row is None:
        return None
    found = parties(session, [row["agreement_id"]]).get(row["agreement_id"], [])
    return next((p for p in found if p.id == party_id), None)


def find_party(session: Session, agreement_id: int, actor_id: int, role: str) -> int | None:
    found = session.scalar(select(PARTY.c.id).where(
        PARTY.c.agreement_id == agreement_id, PARTY.c.actor_id == actor_id,
        PARTY.c.role == role))
    return None if found is None else int(found)


def get_event(session: Session, event_id: int) -> Event | None:
    row = _row(session, EVENT, event_id)
    return None if row is None else _event(row)


def _event(row: RowMapping | Mapping[str, Any]) -> Event:
    return Event(row["id"], row["agreement_id"], row["status"], row["date"], row["note"],
                 stamp_of(row))


def agreement_of(session: Session, kind: str, row_id: int) -> int | None:
    """The agreement a "party", "event" or "evidence" row belongs to, or None if the row
    does not exist."""
    table = EVIDENCE if kind == "evidence" else CITED[kind][0]
    found = session.scalar(select(table.c.agreement_id).where(table.c.id == row_id))
    return None if found is None else int(found)


def highlight_exists(session: Session, highlight_id: int) -> bool:
    return session.scalar(select(H.c.id).where(H.c.id == highlight_id)) is not None


# -- writing -------------------------------------------------------------------------------
def insert_agreement(rec: Recorder, values: Mapping[str, Any]) -> AgreementId:
    """A new agreement from its column values (title, type, summary, value_*)."""
    return AgreementId(rec.insert(AG, {"id": None, **values})["id"])


def update_agreement(rec: Recorder, agreement_id: int, values: Mapping[str, Any]) -> None:
    if values:
        rec.update(AG, {"id": agreement_id}, dict(values))


def delete_agreement(rec: Recorder, agreement_id: int) -> bool:
    """Delete an agreement with its evidence, parties and events (highlights stay)."""
    for table in (EVIDENCE, PARTY, EVENT):
        for row in rec.rows(table, table.c.agreement_id == agreement_id):
            rec.delete(table, row)
    rows = rec.rows(AG, AG.c.id == agreement_id)
    if rows:
        rec.delete(AG, rows[0])
    return bool(rows)


def insert_party(rec: Recorder, agreement_id: int, actor_id: int, role: str) -> int:
    row = rec.insert(PARTY, {"id": None, "agreement_id": agreement_id, "actor_id": actor_id,
                             "role": role})
    return int(row["id"])


def update_party(rec: Recorder, party_id: int, values: Mapping[str, Any]) -> None:
    if values:
        rec.update(PARTY, {"id": party_id}, dict(values))


def insert_event(rec: Recorder, agreement_id: int, status: str, date: str, note: str) -> int:
    row = rec.insert(EVENT, {"id": None, "agreement_id": agreement_id, "status": status,
                             "date": date, "note": note})
    return int(row["id"])


def update_event(rec: Recorder, event_id: int, values: Mapping[str, Any]) -> None:
    if values:
        rec.update(EVENT, {"id": event_id}, dict(values))


def uncite(rec: Recorder, kind: str, row_ids: Iterable[int]) -> None:
    """Evidence citing these "party" or "event" rows cites the whole agreement instead."""
    ids = list(row_ids)
    column = CITED[kind][1]
    for chunk in (ids[i: i + CHUNK] for i in range(0, len(ids), CHUNK)):
        for ev in rec.rows(EVIDENCE, EVIDENCE.c[column].in_(chunk)):
            rec.update(EVIDENCE, {"id": ev["id"]}, {column: None, "field": "agreement"})


def delete_cited(rec: Recorder, kind: str, row_id: int) -> bool:
    """Delete a "party" or "event" row; evidence citing it then cites the agreement."""
    table = CITED[kind][0]
    rows = rec.rows(table, table.c.id == row_id)
    if not rows:
        return False
    uncite(rec, kind, [row_id])
    rec.delete(table, rows[0])
    return True


def move_parties(rec: Recorder, source: int, target: int) -> None:
    """Give actor ``source``'s party roles to ``target``. Where the target already has
    the same role in the agreement, evidence moves to that role and the twin goes."""
    have = {(r["agreement_id"], r["role"]): r["id"]
            for r in rec.rows(PARTY, PARTY.c.actor_id == target)}
    for party in rec.rows(PARTY, PARTY.c.actor_id == source):
        twin = have.get((party["agreement_id"], party["role"]))
        if twin is None:
            rec.update(PARTY, {"id": party["id"]}, {"actor_id": target})
            continue
        for ev in rec.rows(EVIDENCE, EVIDENCE.c.party_id == party["id"]):
            rec.update(EVIDENCE, {"id": ev["id"]}, {"party_id": twin})
        rec.delete(PARTY, party)


def insert_evidence(rec: Recorder, values: Mapping[str, Any]) -> int:
    """New evidence from its column values (agreement_id, highlight_id, field, party_id,
    event_id, stance, note)."""
    return int(rec.insert(EVIDENCE, {"id": None, **values})["id"])


def update_evidence(rec: Recorder, evidence_id: int, values: Mapping[str, Any]) -> None:
    if values:
        rec.update(EVIDENCE, {"id": evidence_id}, dict(values))


def delete_evidence(rec: Recorder, evidence_id: int) -> bool:
    rows = rec.rows(EVIDENCE, EVIDENCE.c.id == evidence_id)
    if rows:
        rec.delete(EVIDENCE, rows[0])
    return bool(rows)
