"""Read helpers for agreements: rows -> records with derived status, conflicts, outlets.

They take a Session and never commit.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.dates import period
from app.services.actor_records import Agreement, AgreementValue, Event, Evidence, Party
from app.store import schema
from app.store import schema_actors as sa_

AG, PARTY, EVENT, EVIDENCE, ACTOR = sa_.agreement, sa_.party, sa_.event, sa_.evidence, sa_.actor
H, A = schema.highlight, schema.article


def _date_key(date: str) -> str:
    return period(date)[0].isoformat() if date else ""


def ordered_events(events: list[Event]) -> list[Event]:
    """Status history in order: undated events first (as entered), then by date."""
    return sorted(events, key=lambda e: (_date_key(e.date), e.id))


def current_status(events: list[Event]) -> tuple[str, str]:
    """(status, date) derived from the history: the latest event; the date of signing
    when there is one, else of the latest dated event."""
    if not events:
        return "", ""
    ordered = ordered_events(events)
    signed = [e for e in ordered if e.status == "signed" and e.date]
    dated = [e for e in ordered if e.date]
    date = signed[0].date if signed else dated[-1].date if dated else ""
    return ordered[-1].status, date


def _target(ev: Evidence) -> tuple[str, int | None, int | None]:
    return ev.field, ev.party_id, ev.event_id


def _outlet(ev: Evidence) -> str:
    return ev.outlet.strip().casefold() or f"article:{ev.article_id}"


def annotate_evidence(evidence: list[Evidence]) -> list[Evidence]:
    """Fill in corroborating outlets and conflict flags per cited field."""
    groups: dict[tuple[str, int | None, int | None], list[Evidence]] = defaultdict(list)
    for ev in evidence:
        groups[_target(ev)].append(ev)
    out = []
    for ev in evidence:
        group = groups[_target(ev)]
        outlets = {_outlet(e) for e in group if e.stance == "supports"}
        stances = {e.stance for e in group}
        conflicted = {"supports", "contradicts"} <= stances
        out.append(dataclasses.replace(ev, corroborating_outlets=len(outlets),
                                       is_conflicted=conflicted))
    return out


def _conflicting_dates(events: list[Event]) -> bool:
    """Two reports of the same status with different dates."""
    dates: dict[str, set[str]] = defaultdict(set)
    for e in events:
        if e.date:
            dates[e.status].add(e.date)
    return any(len(v) > 1 for v in dates.values())


def parties(session: Session, ids: list[int]) -> dict[int, list[Party]]:
    rows = session.execute(
        select(PARTY.c.id, PARTY.c.agreement_id, PARTY.c.actor_id, ACTOR.c.name, PARTY.c.role)
        .join(ACTOR, ACTOR.c.id == PARTY.c.actor_id)
        .where(PARTY.c.agreement_id.in_(ids)).order_by(PARTY.c.id)).all()
    out: dict[int, list[Party]] = defaultdict(list)
    for r in rows:
        out[r[1]].append(Party(*r))
    return out


def events(session: Session, ids: list[int]) -> dict[int, list[Event]]:
    rows = session.execute(select(EVENT.c.id, EVENT.c.agreement_id, EVENT.c.status,
                                  EVENT.c.date, EVENT.c.note)
                           .where(EVENT.c.agreement_id.in_(ids))).all()
    out: dict[int, list[Event]] = defaultdict(list)
    for r in rows:
        out[r[1]].append(Event(*r))
    return {k: ordered_events(v) for k, v in out.items()}


def evidence(session: Session, where: Any) -> list[Evidence]:
    rows = session.execute(
        select(EVIDENCE.c.id, EVIDENCE.c.agreement_id, EVIDENCE.c.highlight_id,
               EVIDENCE.c.field, EVIDENCE.c.party_id, EVIDENCE.c.event_id, EVIDENCE.c.stance,
               EVIDENCE.c.note, H.c.article_id, H.c.start, H.c.end, H.c.exact, A.c.title,
               A.c.outlet, A.c.published)
        .join(H, H.c.id == EVIDENCE.c.highlight_id).join(A, A.c.id == H.c.article_id)
        .where(where).order_by(A.c.published, A.c.id, H.c.start, EVIDENCE.c.id)).all()
    return [Evidence(*r) for r in rows]


def agreements(session: Session, where: Any = None) -> list[Agreement]:
    query = select(AG)
    if where is not None:
        query = query.where(where)
    rows = session.execute(query).mappings().all()
    ids = [r["id"] for r in rows]
    all_parties = parties(session, ids)
    all_events = events(session, ids)
    all_evidence: dict[int, list[Evidence]] = defaultdict(list)
    for ev in evidence(session, EVIDENCE.c.agreement_id.in_(ids)):
        all_evidence[ev.agreement_id].append(ev)
    return [_agreement(r, all_parties.get(r["id"], []), all_events.get(r["id"], []),
                       annotate_evidence(all_evidence.get(r["id"], []))) for r in rows]


def _agreement(row: Any, parties_: list[Party], events_: list[Event],
               evidence_: list[Evidence]) -> Agreement:
    status, date = current_status(events_)
    value = AgreementValue(row["value_amount"], row["value_amount_max"], row["value_currency"],
                           row["value_qualifier"], row["value_unit"], row["value_text"])
    supporting = {_outlet(e) for e in evidence_ if e.stance == "supports"}
    conflicted = any(e.is_conflicted for e in evidence_) or _conflicting_dates(events_)
    return Agreement(id=row["id"], title=row["title"], type=row["type"], value=value,
                     summary=row["summary"], parties=tuple(parties_), events=tuple(events_),
                     evidence=tuple(evidence_), status=status, date=date,
                     outlet_count=len(supporting), is_conflicted=conflicted)
