"""A read-only table model over a list of frozen records (actors, agreements, suggestions).

Subclasses name their ``HEADERS`` and say what a record shows in :meth:`cell`; tooltips,
alignment and colours come from :meth:`extra`. ``UserRole`` gives the record's ``id``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

AnyIndex = QModelIndex | QPersistentModelIndex
R = TypeVar("R")


class RecordTableModel(QAbstractTableModel, Generic[R]):
    """Rows are records; columns are ``HEADERS``."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent: QObject | None = None, rows: Sequence[R] = ()) -> None:
        super().__init__(parent)
        self._rows: list[R] = list(rows)

    def set_rows(self, rows: Sequence[R]) -> None:
        """Replace every row (a model reset)."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def record(self, row: int) -> R:
        return self._rows[row]

    def records(self) -> list[R]:
        return list(self._rows)

    def row_of(self, record_id: int) -> int:
        """The row showing the record with this ``id``, or -1."""
        return next((i for i, r in enumerate(self._rows) if getattr(r, "id", None) == record_id),
                    -1)

    def cell(self, record: R, column: int) -> Any:
        """What ``record`` shows in ``column`` (DisplayRole)."""
        raise NotImplementedError

    def extra(self, record: R, column: int, role: int) -> Any:
        """Other roles (tooltip, alignment, colour); None by default."""
        return None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        record = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(record, index.column())
        if role == Qt.ItemDataRole.UserRole:
            return getattr(record, "id", None)
        return self.extra(record, index.column(), role)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None
