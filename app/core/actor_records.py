"""Frozen records of actors, agreements and suggestions (never ORM objects).

The store builds them from rows, services return them, views show them; like every
module of ``app.core`` this one imports nothing but the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.conflicts import NO_STAMP, Stamp
from app.core.ids import ActorId, AgreementId, ArticleId, HighlightId

ACTOR_KINDS = ("person", "state", "government body", "company", "international organisation",
               "NGO", "party", "other")
AGREEMENT_TYPES = ("treaty", "MoU", "framework", "contract", "purchase", "investment",
                   "joint venture", "trade deal", "accession", "joint statement", "other")
PARTY_ROLES = ("party", "signatory", "buyer", "seller", "investor", "mediator", "host",
               "guarantor")
STATUSES = ("proposed", "negotiating", "announced", "signed", "ratified", "in force",
            "implemented", "suspended", "terminated")
STANCES = ("supports", "contradicts", "mentions")
EVIDENCE_FIELDS = ("agreement", "title", "type", "party", "event", "value", "summary")
QUALIFIERS = ("exact", "about", "up to", "at least", "range")


@dataclass(frozen=True, slots=True)
class Alias:
    """Another spelling of an actor's name, with its language and ISO 15924 script."""

    id: int
    actor_id: ActorId
    name: str
    language: str
    script: str
    stamp: Stamp = NO_STAMP  # version and last change: pass the record back to edit it


@dataclass(frozen=True, slots=True)
class Actor:
    """A person, state, company, ... with its aliases and how often it is marked."""

    id: ActorId
    name: str
    kind: str
    country: str  # ISO 3166-1 alpha-2 or ""
    country_en: str
    country_de: str
    description: str
    external_id: str  # Wikidata Q-number or ""
    aliases: tuple[Alias, ...] = ()
    mention_count: int = 0
    article_count: int = 0
    stamp: Stamp = NO_STAMP  # version and last change: pass the record back to edit it

    @property
    def spellings(self) -> tuple[str, ...]:
        """The canonical name and every alias, without repeats."""
        return tuple(dict.fromkeys((self.name, *(a.name for a in self.aliases))))


@dataclass(frozen=True, slots=True)
class Mention:
    """A passage marked as naming an actor, in its article's context."""

    id: int
    actor_id: ActorId
    highlight_id: HighlightId
    article_id: ArticleId
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str
    article_title: str
    article_outlet: str
    article_published: str


@dataclass(frozen=True, slots=True)
class CoActor:
    """An actor mentioned in the same articles as another, with how many articles."""

    actor_id: ActorId
    name: str
    kind: str
    shared_articles: int


@dataclass(frozen=True, slots=True)
class PartyRole:
    """An actor's role in an agreement, as seen from the actor."""

    party_id: int
    agreement_id: AgreementId
    agreement_title: str
    role: str


@dataclass(frozen=True, slots=True)
class DeleteImpact:
    """What deleting an actor would remove; asked for before deleting a party."""

    actor_id: ActorId
    name: str
    aliases: int
    mentions: int
    parties: tuple[PartyRole, ...]

    @property
    def is_party(self) -> bool:
        return bool(self.parties)

    def describe(self) -> str:
        """One sentence for a confirmation dialog or CLI message."""
        text = (f"deleting {self.name!r} removes {self.aliases} aliases and "
                f"{self.mentions} mentions")
        if self.parties:
            roles = "; ".join(f"{p.role} of {p.agreement_title!r}" for p in self.parties)
            text += f", and its role as {roles}"
        return text


@dataclass(frozen=True, slots=True)
class Suggestion:
    """An unmarked mention of a known actor found by the suggestion pass.

    ``reason`` is "alias" (an existing spelling), "variant" (a transliteration of one),
    "inflection" (Tokajews) or "fuzzy" (a near miss, scored).
    """

    actor_id: ActorId
    actor_name: str
    article_id: ArticleId
    start: int
    end: int
    surface: str
    matched_alias: str
    score: float
    reason: str
    context: str = ""


@dataclass(frozen=True, slots=True)
class SuggestionReport:
    """All suggestions of one pass; ``cancelled`` when the user stopped it early."""

    suggestions: tuple[Suggestion, ...]
    articles_scanned: int
    cancelled: bool = False


@dataclass(frozen=True, slots=True)
class AgreementValue:
    """Amount (``amount_max`` for a range), ISO 4217 currency, qualifier, raw text."""

    amount: float | None = None
    amount_max: float | None = None
    currency: str = ""
    qualifier: str = "exact"
    unit: str = ""
    text: str = ""

    def display(self) -> str:
        """Short human form: "about 1.1 bn USD", or the raw text when unparsed."""
        if self.amount is None:
            return self.text
        number = _short(self.amount)
        if self.amount_max is not None:
            number += f"–{_short(self.amount_max)}"
        prefix = "" if self.qualifier in ("exact", "range") else f"{self.qualifier} "
        suffix = " ".join(p for p in (self.currency, self.unit) if p)
        return f"{prefix}{number} {suffix}".strip()


def _short(amount: float) -> str:
    for scale, word in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
        if abs(amount) >= scale:
            return f"{amount / scale:g} {word}"
    return f"{amount:g}"


@dataclass(frozen=True, slots=True)
class Party:
    id: int
    agreement_id: AgreementId
    actor_id: ActorId
    actor_name: str
    role: str
    stamp: Stamp = NO_STAMP  # version and last change: pass the record back to edit it


@dataclass(frozen=True, slots=True)
class Event:
    """One step of an agreement's status history; ``date`` is a partial date or ""."""

    id: int
    agreement_id: AgreementId
    status: str
    date: str
    note: str
    stamp: Stamp = NO_STAMP  # version and last change: pass the record back to edit it


@dataclass(frozen=True, slots=True)
class Evidence:
    """A passage cited for a field of an agreement, with its stance and source.

    ``corroborating_outlets`` counts distinct outlets whose passages support the same
    field; ``is_conflicted`` is True when another passage contradicts it.
    """

    id: int
    agreement_id: AgreementId
    highlight_id: HighlightId
    field: str
    party_id: int | None
    event_id: int | None
    stance: str
    note: str
    article_id: ArticleId
    start: int
    end: int
    quote: str
    article_title: str
    outlet: str
    published: str
    corroborating_outlets: int = 0
    is_conflicted: bool = False
    stamp: Stamp = NO_STAMP  # version and last change: pass the record back to edit it


@dataclass(frozen=True, slots=True)
class Agreement:
    """An agreement with parties, status history and evidence.

    ``status`` and ``date`` derive from the events: the latest dated event (undated
    events count as earlier than dated ones), ``date`` preferring the signing date.
    """

    id: AgreementId
    title: str
    type: str
    value: AgreementValue
    summary: str
    parties: tuple[Party, ...] = ()
    events: tuple[Event, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    status: str = ""
    date: str = ""
    outlet_count: int = 0
    is_conflicted: bool = False
    stamp: Stamp = NO_STAMP  # version and last change: pass the record back to edit it
