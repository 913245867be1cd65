"""What an agreement's record derives from its rows: status, date, corroboration, conflicts.

Pure functions over core records, used by the store when it builds an
:class:`~app.core.actor_records.Agreement` and by services when they sort by date.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from app.core.actor_records import Event, Evidence
from app.core.dates import period
from app.core.errors import ValidationError

Target = tuple[str, int | None, int | None]


def date_key(date: str) -> str:
    """Sort key of a partial date: the first day of its period ("" when undated).

    A date stored before dates were validated ("2025-00") sorts as undated instead of
    breaking every list of agreements.
    """
    if not date:
        return ""
    try:
        return period(date)[0].isoformat()
    except ValidationError:
        return ""


def ordered_events(events: list[Event]) -> list[Event]:
    """Status history in order: undated events first (as entered), then by date."""
    return sorted(events, key=lambda e: (date_key(e.date), e.id))


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


def _target(ev: Evidence) -> Target:
    return ev.field, ev.party_id, ev.event_id


def outlet_of(ev: Evidence) -> str:
    """The outlet a passage counts for (its article when the outlet is unknown)."""
    return ev.outlet.strip().casefold() or f"article:{ev.article_id}"


def annotate_evidence(evidence: list[Evidence]) -> list[Evidence]:
    """Fill in corroborating outlets and conflict flags per cited field."""
    groups: dict[Target, list[Evidence]] = defaultdict(list)
    for ev in evidence:
        groups[_target(ev)].append(ev)
    out = []
    for ev in evidence:
        group = groups[_target(ev)]
        outlets = {outlet_of(e) for e in group if e.stance == "supports"}
        stances = {e.stance for e in group}
        conflicted = {"supports", "contradicts"} <= stances
        out.append(dataclasses.replace(ev, corroborating_outlets=len(outlets),
                                       is_conflicted=conflicted))
    return out


def conflicting_dates(events: list[Event]) -> bool:
    """Two reports of the same status with different dates."""
    dates: dict[str, set[str]] = defaultdict(set)
    for e in events:
        if e.date:
            dates[e.status].add(e.date)
    return any(len(v) > 1 for v in dates.values())
