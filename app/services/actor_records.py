"""The actor and agreement records, re-exported for callers of the services.

They are declared once, in :mod:`app.core.actor_records`; this module keeps the
services' public surface (views import the records from here).
"""

from app.core.actor_records import (
    ACTOR_KINDS,
    AGREEMENT_TYPES,
    EVIDENCE_FIELDS,
    PARTY_ROLES,
    QUALIFIERS,
    STANCES,
    STATUSES,
    Actor,
    Agreement,
    AgreementValue,
    Alias,
    CoActor,
    DeleteImpact,
    Event,
    Evidence,
    Mention,
    Party,
    PartyRole,
    Suggestion,
    SuggestionReport,
)

__all__ = [
    "ACTOR_KINDS", "AGREEMENT_TYPES", "EVIDENCE_FIELDS", "PARTY_ROLES", "QUALIFIERS",
    "STANCES", "STATUSES", "Actor", "Agreement", "AgreementValue", "Alias", "CoActor",
    "DeleteImpact", "Event", "Evidence", "Mention", "Party", "PartyRole", "Suggestion",
    "SuggestionReport",
]
