"""The actors table's model and helpers shared by the actor views."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt

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

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.sort_column, self.descending = 0, False

    def set_actors(self, actors: Sequence[Actor]) -> None:
        """Show ``actors`` in the current sort order."""
        self.set_rows(self._sorted(actors))

    def _sorted(self, actors: Sequence[Actor]) -> list[Actor]:
        column = self.sort_column

        def key(actor: Actor) -> tuple[Any, str]:
            value = self.cell(actor, column)
            return (value.casefold() if isinstance(value, str) else value,
                    actor.name.casefold())

        return sorted(actors, key=key, reverse=self.descending)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order by ``column`` (names, then counts numerically), keeping the selection."""
        self.layoutAboutToBeChanged.emit()
        self.sort_column = column if 0 <= column < len(self.HEADERS) else 0
        self.descending = order == Qt.SortOrder.DescendingOrder
        old = [a.id for a in self._rows]
        self._rows = self._sorted(self._rows)
        position = {a.id: i for i, a in enumerate(self._rows)}
        for index in self.persistentIndexList():
            row = position.get(old[index.row()], -1) if index.row() < len(old) else -1
            self.changePersistentIndex(index, self.index(row, index.column()) if row >= 0
                                       else QModelIndex())
        self.layoutChanged.emit()

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
