"""Tables for actors and agreements (DESIGN.md section 4), on the notebook's ``Base``.

Mentions and evidence go with their highlight (``ON DELETE CASCADE``); evidence citing a
party or status step falls back to the agreement when that row goes (``SET NULL``). The
undo recorder reads these foreign keys and performs and records their actions itself
before deleting a row (:mod:`app.store.ops`), so undoing a deletion restores them all.
"""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.store.schema import Base
from app.store.versioning import Versioned


class ActorRow(Versioned, Base):
    __tablename__ = "actor"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40), default="other")
    country: Mapped[str] = mapped_column(String(2), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    external_id: Mapped[str] = mapped_column(String(40), default="")


class AliasRow(Versioned, Base):
    __tablename__ = "actor_alias"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actor.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(16), default="")
    script: Mapped[str] = mapped_column(String(4), default="")
    key: Mapped[str] = mapped_column(String(300), index=True)  # names.name_key(name)


class MentionRow(Base):
    __tablename__ = "mention"
    __table_args__ = (UniqueConstraint("highlight_id", "actor_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    highlight_id: Mapped[int] = mapped_column(
        ForeignKey("highlight.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actor.id", ondelete="CASCADE"), index=True)


class RejectionRow(Base):
    """A suggestion the user rejected. ``article_id`` None: the spelling, everywhere."""

    __tablename__ = "suggestion_rejection"
    __table_args__ = (Index("ix_suggestion_rejection_actor_surface", "actor_id", "surface"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actor.id", ondelete="CASCADE"))
    surface: Mapped[str] = mapped_column(String(300))  # casefolded spelling
    article_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    start: Mapped[int | None] = mapped_column(Integer, nullable=True)


class AgreementRow(Versioned, Base):
    __tablename__ = "agreement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    type: Mapped[str] = mapped_column(String(40), default="other")
    value_amount: Mapped[float | None] = mapped_column(Float, nullable=True)
    value_amount_max: Mapped[float | None] = mapped_column(Float, nullable=True)
    value_currency: Mapped[str] = mapped_column(String(3), default="")
    value_qualifier: Mapped[str] = mapped_column(String(20), default="exact")
    value_unit: Mapped[str] = mapped_column(String(200), default="")
    value_text: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")  # Markdown


class PartyRow(Versioned, Base):
    __tablename__ = "agreement_party"
    __table_args__ = (UniqueConstraint("agreement_id", "actor_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actor.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(40), default="party")


class EventRow(Versioned, Base):
    __tablename__ = "agreement_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(40))
    date: Mapped[str] = mapped_column(String(10), default="")  # partial date
    note: Mapped[str] = mapped_column(Text, default="")


class EvidenceRow(Versioned, Base):
    """A passage backing a field of an agreement (one of its parties, events, its value)."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), index=True)
    highlight_id: Mapped[int] = mapped_column(
        ForeignKey("highlight.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(20), default="agreement")
    party_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreement_party.id", ondelete="SET NULL"), nullable=True)
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreement_event.id", ondelete="SET NULL"), nullable=True)
    stance: Mapped[str] = mapped_column(String(20), default="supports")
    note: Mapped[str] = mapped_column(Text, default="")


actor = ActorRow.__table__
alias = AliasRow.__table__
mention = MentionRow.__table__
rejection = RejectionRow.__table__
agreement = AgreementRow.__table__
party = PartyRow.__table__
event = EventRow.__table__
evidence = EvidenceRow.__table__
