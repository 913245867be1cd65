"""The agreements table's model (sortable, filterable, conflicts marked) and how evidence
is listed."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from app.core.actor_records import (
    Agreement,
    Evidence,
)
from app.gui.common.record_model import RecordTableModel

log = logging.getLogger(__name__)


CONFLICT_COLOUR = "#b00020"


class AgreementTableModel(RecordTableModel[Agreement]):
    """Agreements: title, type, status, date, value, parties, outlets, conflict.

    Sorting asks the service (``fetch(sort, descending)``), which knows how to order
    partial dates, statuses along their lifecycle and values by amount.
    """

    HEADERS = ("Title", "Type", "Status", "Date", "Value", "Parties", "Outlets", "Conflict")
    SORT_KEYS = ("title", "type", "status", "date", "value")
    """Service sort keys of the first five columns; the others sort by title."""

    def __init__(self, fetch: Callable[[str, bool], list[Agreement]],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self.sort_key, self.descending = "title", False

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = self._fetch(self.sort_key, self.descending)
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.SORT_KEYS[column] if 0 <= column < len(self.SORT_KEYS) else "title"
        self.layoutAboutToBeChanged.emit()
        self.sort_key, self.descending = key, order == Qt.SortOrder.DescendingOrder
        rows = self._fetch(self.sort_key, self.descending)
        old = [a.id for a in self._rows]
        position = {a.id: i for i, a in enumerate(rows)}
        for index in self.persistentIndexList():
            agreement_id = old[index.row()] if index.row() < len(old) else None
            new_row = position.get(agreement_id, -1) if agreement_id is not None else -1
            self.changePersistentIndex(index, self.index(new_row, index.column())
                                       if new_row >= 0 else QModelIndex())
        self._rows = rows
        self.layoutChanged.emit()

    def cell(self, a: Agreement, column: int) -> Any:
        return (a.title, a.type, a.status, a.date, a.value.display(),
                ", ".join(dict.fromkeys(p.actor_name for p in a.parties)),
                a.outlet_count, "conflicting reports" if a.is_conflicted else "")[column]

    def extra(self, a: Agreement, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and a.is_conflicted and column == 7:
            return QBrush(QColor(CONFLICT_COLOUR))
        if role == Qt.ItemDataRole.ToolTipRole:
            return a.value.text or a.title
        return None

    def agreement(self, row: int) -> Agreement:
        return self.record(row)

    def titles(self) -> list[str]:
        return [a.title for a in self._rows]


def evidence_text(ev: Evidence) -> str:
    """One line per passage: field, stance, outlet and date."""
    return f"{ev.field} · {ev.stance} · {ev.outlet or 'unknown outlet'} {ev.published}".strip()
