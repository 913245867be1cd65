"""The actors table's model and helpers shared by the actor views."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt

from app.core.actor_records import Actor, Mention
from app.core.changes import Changes
from app.gui.common.record_model import RecordTableModel

CONTEXT = 60
"""Code points of context shown either side of a mention."""


def mention_context(mention: Mention, width: int = CONTEXT) -> str:
    """"…prefix [exact] suffix…" on one line, for lists."""
    prefix = " ".join(mention.prefix[-width:].split())
    suffix = " ".join(mention.suffix[:width].split())
    return f"…{prefix} [{mention.exact}] {suffix}…"


def touches_actors(changes: Changes) -> bool:
    """Whether an edit can change what the actor views show (names, counts, roles)."""
    return bool(changes.actors or changes.deleted_actors or changes.agreements or
                changes.deleted_agreements or changes.touches_highlights or
                changes.touches_articles)


class ActorTableModel(RecordTableModel[Actor]):
    """Actors: name, kind, country, number of aliases, number of mentions."""

    HEADERS = ("Name", "Kind", "Country", "Aliases", "Mentions")

    def set_actors(self, actors: Sequence[Actor]) -> None:
        self.set_rows(actors)

    def actor(self, row: int) -> Actor:
        return self.record(row)

    def cell(self, actor: Actor, column: int) -> Any:
        return (actor.name, actor.kind, actor.country_en or actor.country,
                len(actor.aliases), actor.mention_count)[column]

    def extra(self, actor: Actor, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            return ", ".join(actor.spellings)
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
