"""Column sizing and saved header state of the actor and agreement tables.

The name/title column (``stretch``, the first) takes whatever space is left; every other column
is sized to its header and the rows shown, so nothing but the name is ever cut to "…"
while space is free. A width the user drags stays (and is saved); the widths and the
sort column are kept in the settings under one key per table, like the library's, and
saved when they change (a crash does not lose them).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtWidgets import QHeaderView, QTableView

log = logging.getLogger(__name__)

FIT_ROWS = 60
"""Rows measured when fitting (one page from the top; more would slow big tables)."""
MAX_COLUMN_WIDTH = 260
"""A fitted column never grows past this (a long party list must not eat the title)."""
PADDING = 16
"""Cell margins and the sort arrow, on top of the measured text."""
MIN_STRETCH = 160
"""The name/title column keeps at least this much when the others must give way."""
MIN_FITTED = 48
"""No fitted column is squeezed below this."""


def share_out(wanted: list[int], available: int) -> list[int]:
    """Widths for columns wanting ``wanted`` within ``available`` pixels: all as wanted if
    they fit, else the widest are cut to one common cap (narrow columns stay whole)."""
    if sum(wanted) <= available or not wanted:
        return list(wanted)
    low, high = MIN_FITTED, max(wanted)
    while low < high:  # the largest cap whose total still fits
        cap = (low + high + 1) // 2
        if sum(min(w, cap) for w in wanted) <= available:
            low = cap
        else:
            high = cap - 1
    return [min(w, low) for w in wanted]


class TableFitter(QObject):
    """Keeps ``table``'s columns fitted; saves and restores them under ``key``.

    ``stretch`` is the column that takes the space left (the first by default);
    ``optional`` columns are hidden, in this order, while the table is too narrow for
    them (the detail below the table shows the same facts).
    """

    def __init__(self, table: QTableView, settings: QSettings | None, key: str,
                 stretch: int = 0, optional: Sequence[int] = (),
                 min_stretch: int = MIN_STRETCH) -> None:
        super().__init__(table)
        self.min_stretch = min_stretch
        self.table, self.settings, self.key, self.stretch = table, settings, key, stretch
        self.optional = tuple(optional)
        self.sized_by_user: set[int] = set()
        self._is_fitting = False
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)
        self._save_timer = QTimer(table)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(300)
        self._save_timer.timeout.connect(self.save)
        self.restore()
        header.sectionResized.connect(self._on_resized)
        header.sortIndicatorChanged.connect(lambda *_: self._save_timer.start())
        table.viewport().installEventFilter(self)
        model = table.model()
        model.modelReset.connect(self.fit)
        model.layoutChanged.connect(self.fit)
        self.fit()

    def _on_resized(self, column: int, _old: int, _new: int) -> None:
        if not self._is_fitting and column != self.stretch:
            self.sized_by_user.add(column)
            self._save_timer.start()

    def content_width(self, column: int) -> int:
        """Width that shows ``column``'s header and its first rows unclipped."""
        table, model = self.table, self.table.model()
        header_text = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        widths = [table.horizontalHeader().fontMetrics().horizontalAdvance(header_text)
                  + PADDING + 8]
        metrics = table.fontMetrics()
        first = max(table.rowAt(0), 0)
        for row in range(first, min(model.rowCount(), first + FIT_ROWS)):
            value = model.data(model.index(row, column))
            widths.append(metrics.horizontalAdvance(str(value if value is not None else ""))
                          + PADDING)
        return min(max(widths), MAX_COLUMN_WIDTH)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.table.viewport():
            self.fit()
        return False

    def fit(self, *_args: object) -> None:
        """Size every column but the stretching one to its content (the user's widths
        stay); when the table is too narrow for all of them, the widest give way so the
        name keeps :data:`MIN_STRETCH` and nothing scrolls sideways."""
        header = self.table.horizontalHeader()
        wanted = {c: header.sectionSize(c) if c in self.sized_by_user else
                  self.content_width(c) for c in range(header.count()) if c != self.stretch}
        # the name keeps its minimum, or less if every name is shorter
        reserve = min(self.min_stretch, self.content_width(self.stretch))
        available = self.table.viewport().width() - reserve
        hidden: set[int] = set()
        for column in self.optional:
            if sum(w for c, w in wanted.items() if c not in hidden) <= available:
                break
            hidden.add(column)
        columns = [c for c in wanted if c not in hidden and c not in self.sized_by_user]
        fixed = sum(w for c, w in wanted.items() if c in self.sized_by_user and c not in hidden)
        widths = share_out([wanted[c] for c in columns], available - fixed)
        self._is_fitting = True
        try:
            for column in wanted:
                self.table.setColumnHidden(column, column in hidden)
            for column, width in zip(columns, widths, strict=True):
                header.resizeSection(column, width)
        finally:
            self._is_fitting = False

    def hidden_columns(self) -> list[int]:
        """Columns hidden for lack of room."""
        return [c for c in range(self.table.horizontalHeader().count())
                if self.table.isColumnHidden(c)]

    # -- saved state ------------------------------------------------------------------------
    def save(self) -> None:
        """Store the user's widths and the sort column and order."""
        if self.settings is None:
            return
        header = self.table.horizontalHeader()
        state = {"widths": {str(c): header.sectionSize(c) for c in sorted(self.sized_by_user)},
                 "sort": [header.sortIndicatorSection(), int(header.sortIndicatorOrder().value)]}
        self.settings.setValue(self.key, json.dumps(state))
        self.settings.sync()

    def restore(self) -> None:
        """Apply what :meth:`save` stored (an unreadable value is logged and skipped)."""
        raw = self.settings.value(self.key, "") if self.settings is not None else ""
        if not raw:
            return
        try:
            state = json.loads(str(raw))
            widths = {int(c): int(w) for c, w in dict(state.get("widths", {})).items()}
            column, order = (int(v) for v in state.get("sort", [-1, 0]))
        except (ValueError, TypeError, AttributeError):
            log.warning("ignoring unreadable table state %s=%r", self.key, raw)
            return
        header = self.table.horizontalHeader()
        self._is_fitting = True
        try:
            for index, width in widths.items():
                if 0 <= index < header.count() and index != self.stretch and width > 0:
                    header.resizeSection(index, width)
                    self.sized_by_user.add(index)
        finally:
            self._is_fitting = False
        if 0 <= column < header.count() and self.table.isSortingEnabled():
            self.table.sortByColumn(column, Qt.SortOrder(order))
