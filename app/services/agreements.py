"""Agreements: parties with roles, value, status history, summary, and evidence.

Every field can cite passages (highlights) in any article, each with a stance; reports
that contradict each other are kept side by side and flagged. One method = one undoable
transaction returning ``Changes``.
"""

from __future__ import annotations

import builtins
import logging
from collections.abc import Callable, Sequence
from typing import Any

from app.core.actor_records import (
    AGREEMENT_TYPES,
    EVIDENCE_FIELDS,
    PARTY_ROLES,
    QUALIFIERS,
    STANCES,
    STATUSES,
    Agreement,
    Event,
    Evidence,
    Party,
)
from app.core.agreement_status import date_key
from app.core.changes import Changes
from app.core.dates import parse_partial_date
from app.core.errors import NotFound, ValidationError
from app.core.ids import AgreementId
from app.services.annotations import AnnotationService
from app.services.conflicts import expect
from app.services.unit import Transaction, Writer
from app.services.values import parse_value
from app.store import actors as actor_store
from app.store import agreements as store
from app.store.engine import translated_errors
from app.store.sessions import Session, Sessions

log = logging.getLogger(__name__)

SORTS = ("title", "date", "type", "status", "value")


def _one_of(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise ValidationError(f"{value!r} is not a {what}: {', '.join(allowed)}")
    return value


def _title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise ValidationError("an agreement needs a title")
    if len(title) > 500:
        raise ValidationError("a title can be at most 500 characters")
    return title


def _currency(code: str) -> str:
    code = code.strip().upper()
    if code and not (len(code) == 3 and code.isalpha()):
        raise ValidationError(f"{code!r} is not an ISO 4217 currency code like USD")
    return code


def _event_date(date: str) -> str:
    """A status date as stored: a validated partial date, or "" for none.

    Raises:
        ValidationError: not a real partial date (month or day 00, year 0000, ...).
    """
    return parse_partial_date(date) if date.strip() else ""


def _sort_key(sort: str) -> Callable[[Agreement], Any]:
    keys = {
        "title": lambda a: a.title.casefold(),
        "date": lambda a: (date_key(a.date) or "9999", a.title.casefold()),
        "type": lambda a: (a.type, a.title.casefold()),
        "status": lambda a: (STATUSES.index(a.status) if a.status else -1, a.title.casefold()),
        # money first, then counted units (37 aircraft), then values without an amount
        "value": lambda a: (a.value.amount is None, not a.value.currency,
                            a.value.amount or 0.0),
    }
    if sort not in keys:
        raise ValidationError(f"cannot sort agreements by {sort!r}: {', '.join(SORTS)}")
    return keys[sort]


class AgreementService:
    """Create, edit, list and delete agreements and their evidence."""

    def __init__(self, sessions: Sessions, writer: Writer,
                 annotations: AnnotationService) -> None:
        self._sessions = sessions
        self._writer = writer
        self._annotations = annotations

    # -- reading ------------------------------------------------------------------------
    def list(self, sort: str = "title", descending: bool = False, type: str = "",
             status: str = "", actor_id: int | None = None) -> builtins.list[Agreement]:
        """Agreements, sortable by title, date, type, status or value; filters optional."""
        key = _sort_key(sort)
        with translated_errors(), self._sessions() as session:
            found = store.list_agreements(session, type)
        if status:
            found = [a for a in found if a.status == status]
        if actor_id is not None:
            found = [a for a in found if any(p.actor_id == actor_id for p in a.parties)]
        return sorted(found, key=key, reverse=descending)

    def get(self, agreement_id: int) -> Agreement:
        with translated_errors(), self._sessions() as session:
            return self._get(session, agreement_id)

    @staticmethod
    def _get(session: Session, agreement_id: int) -> Agreement:
        found = store.get_agreement(session, agreement_id)
        if found is None:
            raise NotFound(f"agreement {agreement_id} does not exist")
        return found

    def evidence_in(self, article_id: int) -> builtins.list[Evidence]:
        """Evidence passages in one article, for the reader."""
        with translated_errors(), self._sessions() as session:
            return store.evidence_in_article(session, article_id)

    # -- agreements ---------------------------------------------------------------------
    def create(self, title: str, type: str = "other", summary: str = "",
               value_text: str = "") -> tuple[Agreement, Changes]:
        title = _title(title)
        with self._writer.edit(f"create agreement '{title}'") as tx:
            agreement_id = self.create_in(tx, title, type, summary, value_text)
        return self.get(agreement_id), tx.changes

    def create_in(self, tx: Transaction, title: str, type: str = "other", summary: str = "",
                  value_text: str = "") -> AgreementId:
        return store.insert_agreement(tx.rec, {
            "title": _title(title), "type": _one_of(type, AGREEMENT_TYPES, "type of agreement"),
            "summary": summary, **self._value_columns(value_text)})

    def create_from_passage(self, article_id: int, start: int, end: int, title: str,
                            type: str = "other") -> tuple[Agreement, Changes]:
        """A new agreement whose first evidence is the passage ``[start, end)``."""
        return self.create_with(title, type, passage=(article_id, start, end))

    def create_with(self, title: str, type: str = "other", value_text: str = "", *,
                    summary: str = "", parties: Sequence[tuple[int, str]] = (),
                    status: str = "", date: str = "",
                    passage: tuple[int, int, int] | None = None) -> tuple[Agreement, Changes]:
        """A new agreement with its value, parties (actor id, role), first status step
        and (``passage``: article id, start, end) first evidence, as ONE undoable edit:
        the new-agreement form's OK, which undo takes back whole."""
        title = _title(title)
        if date.strip() and not status:
            raise ValidationError("a status date needs the status the agreement had then")
        with self._writer.edit(f"create agreement '{title}'") as tx:
            agreement_id = self.create_in(tx, title, type, summary, value_text)
            for actor_id, role in parties:
                self.add_party_in(tx, agreement_id, actor_id, role)
            if status:
                self.add_event_in(tx, agreement_id, status, date)
            if passage is not None:
                highlight_id, _created = self._annotations.ensure_at_span(tx, *passage)
                self._evidence_in(tx, agreement_id, highlight_id, "agreement", "supports")
        return self.get(agreement_id), tx.changes

    def update(self, agreement_id: int, *, title: str | None = None, type: str | None = None,
               summary: str | None = None, value_text: str | None = None,
               seen: Agreement | None = None) -> Changes:
        """Change the title, type, summary or value (None leaves a field as it is; the
        value as in :meth:`set_value`): one undo step for a form's Save. ``seen``, the
        agreement as the user saw it, makes this a versioned write: a field a colleague
        changed meanwhile raises ConflictError (see :mod:`app.services.conflicts`)."""
        values: dict[str, Any] = {} if value_text is None else self._value_columns(value_text)
        if title is not None:
            values["title"] = _title(title)
        if type is not None:
            values["type"] = _one_of(type, AGREEMENT_TYPES, "type of agreement")
        if summary is not None:
            values["summary"] = summary
        with self._writer.edit("edit agreement") as tx:
            if seen is None:  # with it, an agreement deleted meanwhile comes back
                self._require(tx.session, agreement_id)
            expect(tx, seen)
            store.update_agreement(tx.rec, agreement_id, values)
        return tx.changes

    @staticmethod
    def _value_columns(text: str, **overrides: Any) -> dict[str, Any]:
        parsed = parse_value(text)
        values = {"value_text": parsed.text, "value_amount": parsed.amount,
                  "value_amount_max": parsed.amount_max, "value_currency": parsed.currency,
                  "value_qualifier": parsed.qualifier, "value_unit": parsed.unit}
        for name, value in overrides.items():
            if value is not None:
                values[f"value_{name}"] = value
        values["value_currency"] = _currency(str(values["value_currency"]))
        _one_of(str(values["value_qualifier"]), QUALIFIERS, "value qualifier")
        return values

    def set_value(self, agreement_id: int, text: str, *, amount: float | None = None,
                  amount_max: float | None = None, currency: str | None = None,
                  qualifier: str | None = None, unit: str | None = None,
                  seen: Agreement | None = None) -> Changes:
        """Set the value from its raw text ("rund 1,1 Milliarden US-Dollar"); the parsed
        parts can be overridden. Unparseable text is kept as text with no amount.
        ``seen``: a versioned write, as in :meth:`update`."""
        values = self._value_columns(text, amount=amount, amount_max=amount_max,
                                     currency=currency, qualifier=qualifier, unit=unit)
        with self._writer.edit("set agreement value") as tx:
            if seen is None:
                self._require(tx.session, agreement_id)
            expect(tx, seen)
            store.update_agreement(tx.rec, agreement_id, values)
        return tx.changes

    def delete(self, agreement_id: int, seen: Agreement | None = None) -> Changes:
        """Delete an agreement with its parties, events and evidence (highlights stay).
        With ``seen``, refused (ConflictError) when it changed since the user saw it."""
        with self._writer.edit("delete agreement") as tx:
            self._require(tx.session, agreement_id)
            expect(tx, seen)
            store.delete_agreement(tx.rec, agreement_id)
        return tx.changes

    @staticmethod
    def _require(session: Session, agreement_id: int) -> None:
        if not store.agreement_exists(session, agreement_id):
            raise NotFound(f"agreement {agreement_id} does not exist")

    @staticmethod
    def _owner(session: Session, kind: str, row_id: int, what: str) -> int:
        """The agreement a party, event or evidence row belongs to (NotFound if none)."""
        found = store.agreement_of(session, kind, row_id)
        if found is None:
            raise NotFound(f"{what} {row_id} does not exist")
        return found

    # -- parties ------------------------------------------------------------------------
    def add_party(self, agreement_id: int, actor_id: int,
                  role: str = "party") -> tuple[Party, Changes]:
        with self._writer.edit(f"add {role}") as tx:
            party_id = self.add_party_in(tx, agreement_id, actor_id, role)
        return self._party(party_id), tx.changes

    def add_party_in(self, tx: Transaction, agreement_id: int, actor_id: int,
                     role: str = "party") -> int:
        self._require(tx.session, agreement_id)
        _one_of(role, PARTY_ROLES, "party role")
        if not actor_store.actor_exists(tx.session, actor_id):
            raise NotFound(f"actor {actor_id} does not exist")
        existing = store.find_party(tx.session, agreement_id, actor_id, role)
        if existing is not None:
            return existing
        return store.insert_party(tx.rec, agreement_id, actor_id, role)

    def _party(self, party_id: int) -> Party:
        with translated_errors(), self._sessions() as session:
            found = store.get_party(session, party_id)
        if found is None:
            raise NotFound(f"party {party_id} does not exist")
        return found

    def set_party_role(self, party_id: int, role: str, seen: Party | None = None) -> Changes:
        """Change a party's role; ``seen`` (the party as the user saw it) makes it a
        versioned write, as in :meth:`update`."""
        with self._writer.edit(f"change role to {role}") as tx:
            if seen is None:
                self._owner(tx.session, "party", party_id, "party")
            expect(tx, seen)
            store.update_party(tx.rec, party_id, {"role": _one_of(role, PARTY_ROLES,
                                                                   "party role")})
        return tx.changes

    def remove_party(self, party_id: int, seen: Party | None = None) -> Changes:
        """Remove a party; evidence citing it falls back to the whole agreement. With
        ``seen``, refused (ConflictError) when it changed since the user saw it."""
        return self._remove_cited("party", party_id, "party", seen)

    # -- status history -----------------------------------------------------------------
    def add_event(self, agreement_id: int, status: str, date: str = "",
                  note: str = "") -> tuple[Event, Changes]:
        """Add a step to the status history (a partial date: 2025, 2025-11, 2025-11-06)."""
        with self._writer.edit(f"add status '{status}'") as tx:
            event_id = self.add_event_in(tx, agreement_id, status, date, note)
        return self._event(event_id), tx.changes

    def add_event_in(self, tx: Transaction, agreement_id: int, status: str, date: str = "",
                     note: str = "") -> int:
        self._require(tx.session, agreement_id)
        return store.insert_event(tx.rec, agreement_id, _one_of(status, STATUSES, "status"),
                                  _event_date(date), note)

    def _event(self, event_id: int) -> Event:
        with translated_errors(), self._sessions() as session:
            found = store.get_event(session, event_id)
        if found is None:
            raise NotFound(f"event {event_id} does not exist")
        return found

    def update_event(self, event_id: int, *, status: str | None = None,
                     date: str | None = None, note: str | None = None,
                     seen: Event | None = None) -> Changes:
        """Change a status step (None leaves a field); ``seen``: a versioned write."""
        values: dict[str, str] = {}
        if status is not None:
            values["status"] = _one_of(status, STATUSES, "status")
        if date is not None:
            values["date"] = _event_date(date)
        if note is not None:
            values["note"] = note
        with self._writer.edit("edit status") as tx:
            if seen is None:
                self._owner(tx.session, "event", event_id, "event")
            expect(tx, seen)
            store.update_event(tx.rec, event_id, values)
        return tx.changes

    def remove_event(self, event_id: int, seen: Event | None = None) -> Changes:
        """Remove a status step; evidence citing it falls back to the whole agreement.
        ``seen``: refused when it changed since the user saw it."""
        return self._remove_cited("event", event_id, "status", seen)

    def _remove_cited(self, kind: str, row_id: int, what: str,
                      seen: Party | Event | None) -> Changes:
        """Delete a party or status row; evidence pointing at it then cites the agreement."""
        with self._writer.edit(f"remove {what}") as tx:
            expect(tx, seen)
            if not store.delete_cited(tx.rec, kind, row_id):
                raise NotFound(f"{what} {row_id} does not exist")
        return tx.changes

    # -- evidence -----------------------------------------------------------------------
    def add_evidence(self, agreement_id: int, highlight_id: int, field: str = "agreement",
                     stance: str = "supports", party_id: int | None = None,
                     event_id: int | None = None, note: str = "") -> tuple[Evidence, Changes]:
        """Cite a highlight for a field ("party" needs ``party_id``, "event" ``event_id``)."""
        with self._writer.edit("add evidence") as tx:
            evidence_id = self._evidence_in(tx, agreement_id, highlight_id, field, stance,
                                            party_id, event_id, note)
        return self._evidence(evidence_id), tx.changes

    def cite(self, agreement_id: int, article_id: int, start: int, end: int,
             field: str = "agreement", stance: str = "supports", party_id: int | None = None,
             event_id: int | None = None, note: str = "") -> tuple[Evidence, Changes]:
        """"Add as evidence" for a selected passage (its highlight is created if needed)."""
        with self._writer.edit("add evidence") as tx:
            highlight_id, _created = self._annotations.ensure_at_span(tx, article_id, start,
                                                                      end)
            evidence_id = self._evidence_in(tx, agreement_id, highlight_id, field, stance,
                                            party_id, event_id, note)
        return self._evidence(evidence_id), tx.changes

    def _evidence_in(self, tx: Transaction, agreement_id: int, highlight_id: int, field: str,
                     stance: str, party_id: int | None = None, event_id: int | None = None,
                     note: str = "") -> int:
        self._require(tx.session, agreement_id)
        if not store.highlight_exists(tx.session, highlight_id):
            raise NotFound(f"highlight {highlight_id} does not exist")
        self._check_target(tx.session, agreement_id, field, party_id, event_id)
        return store.insert_evidence(tx.rec, {
            "agreement_id": agreement_id, "highlight_id": highlight_id, "field": field,
            "party_id": party_id, "event_id": event_id,
            "stance": _one_of(stance, STANCES, "stance"), "note": note})

    def _check_target(self, session: Session, agreement_id: int, field: str,
                      party_id: int | None, event_id: int | None) -> None:
        _one_of(field, EVIDENCE_FIELDS, "field of an agreement")
        if (field == "party") != (party_id is not None):
            raise ValidationError("evidence for a party names the party (and only then)")
        if (field == "event") != (event_id is not None):
            raise ValidationError("evidence for a status names the event (and only then)")
        for kind, row_id in (("party", party_id), ("event", event_id)):
            if row_id is not None and self._owner(session, kind, row_id, kind) != agreement_id:
                raise ValidationError(f"{kind} {row_id} belongs to another agreement")

    def _evidence(self, evidence_id: int) -> Evidence:
        with translated_errors(), self._sessions() as session:
            agreement_id = self._owner(session, "evidence", evidence_id, "evidence")
            found = self._get(session, agreement_id).evidence
        match = [e for e in found if e.id == evidence_id]
        if not match:
            raise NotFound(f"evidence {evidence_id} cites a deleted passage")
        return match[0]

    def set_evidence(self, evidence_id: int, *, stance: str | None = None,
                     note: str | None = None, seen: Evidence | None = None) -> Changes:
        """Change a citation's stance or note; ``seen``: a versioned write."""
        values: dict[str, str] = {}
        if stance is not None:
            values["stance"] = _one_of(stance, STANCES, "stance")
        if note is not None:
            values["note"] = note
        with self._writer.edit("edit evidence") as tx:
            if seen is None:
                self._owner(tx.session, "evidence", evidence_id, "evidence")
            expect(tx, seen)
            store.update_evidence(tx.rec, evidence_id, values)
        return tx.changes

    def remove_evidence(self, evidence_id: int, seen: Evidence | None = None) -> Changes:
        """Stop citing a passage (the highlight stays); ``seen``: refused when it
        changed since the user saw it."""
        with self._writer.edit("remove evidence") as tx:
            expect(tx, seen)
            if not store.delete_evidence(tx.rec, evidence_id):
                raise NotFound(f"evidence {evidence_id} does not exist")
        return tx.changes
