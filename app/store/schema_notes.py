"""Tables for research notes (DESIGN.md section 4, ``note``), on the notebook's ``Base``.

``note_link`` caches the ``[[links]]`` of each note with the id each one last resolved
to: backlinks are one indexed query, and a link whose target was renamed still finds it.
``target_id`` cannot be a foreign key (its table depends on ``kind``); it declares a
soft reference instead, which the undo recorder treats like ``ON DELETE SET NULL``: a
deleted target leaves its links broken (SQLite may reuse the id), recorded, so undoing
the deletion re-attaches them. The recorder performs every foreign-key action below
itself before deleting a row, so undo restores everything. Notes are queued for search
in the change log, like articles (:mod:`app.store.outbox`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.store.references import SoftReference
from app.store.schema import Base
from app.store.versioning import Versioned

LINK_TARGETS = {"actor": "actor", "agreement": "agreement", "article": "article",
                "passage": "highlight", "note": "note"}
"""Link kind -> the table whose id ``note_link.target_id`` holds for that kind."""


class NoteRow(Versioned, Base):
    __tablename__ = "note"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text, default="")  # Markdown
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("note.id", ondelete="SET NULL"), nullable=True, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    modified_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


class NoteLinkRow(Base):
    """One ``[[link]]`` of a note: its kind, its text and the id it last resolved to."""

    __tablename__ = "note_link"
    __table_args__ = (Index("ix_note_link_kind_target", "kind", "target_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("note.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    target_text: Mapped[str] = mapped_column(String(500))
    # A cache of what the link resolves to, which refreshing links rewrites outside the
    # undo history: undo restores it but does not refuse when it finds another value.
    target_id: Mapped[int | None] = mapped_column(Integer, nullable=True, info={
        "soft_reference": SoftReference(by="kind", targets=LINK_TARGETS, ondelete="SET NULL"),
        "unchecked": True})


note = NoteRow.__table__
note_link = NoteLinkRow.__table__
