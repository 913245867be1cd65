"""Highlights and their tag links: reads and recorded writes. Never commits."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.ids import HighlightId
from app.store import schema

H, HT = schema.highlight, schema.highlight_tag


def at_span(session: Session, article_id: int, start: int, end: int) -> HighlightId | None:
    """The highlight of an article at exactly ``[start, end)`` (lowest id), or None.

    Marking, citing or tagging a passage reuses this highlight instead of stacking a
    second one on the same span.
    """
    found = session.scalar(
        select(H.c.id)
        .where(H.c.article_id == article_id, H.c.start == start, H.c.end == end)
        .order_by(H.c.id)
        .limit(1)
    )
    return None if found is None else HighlightId(found)
