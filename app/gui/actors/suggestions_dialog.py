"""Reviewing suggested actor mentions: the table of suggestions and the dialog that accepts
or rejects them, one by one or for an actor."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.actor_records import Suggestion
from app.gui.common.controller import NotebookController
from app.gui.common.record_model import RecordTableModel

log = logging.getLogger(__name__)


class SuggestionModel(RecordTableModel[Suggestion]):
    """Suggested mentions: actor, found spelling, score, reason, context."""

    HEADERS = ("Actor", "Found", "Score", "Reason", "Context")

    def __init__(self, suggestions: Sequence[Suggestion] = (),
                 parent: QObject | None = None) -> None:
        super().__init__(parent, suggestions)

    def cell(self, s: Suggestion, column: int) -> Any:
        return (s.actor_name, s.surface, f"{s.score:.0f}", s.reason, s.context)[column]

    def extra(self, s: Suggestion, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"matches “{s.matched_alias}”: …{s.context}…"
        return None

    def suggestion(self, row: int) -> Suggestion:
        return self._rows[row]

    def suggestions(self) -> list[Suggestion]:
        return list(self._rows)

    def remove(self, chosen: Sequence[Suggestion]) -> None:
        """Drop reviewed suggestions from the list."""
        gone = set(chosen)
        self.beginResetModel()
        self._rows = [s for s in self._rows if s not in gone]
        self.endResetModel()


class SuggestionReviewDialog(QDialog):
    """Review the suggestion pass: accept one, accept all for an actor, reject (here or
    everywhere). Nothing is marked without one of these clicks."""

    def __init__(self, controller: NotebookController, suggestions: Sequence[Suggestion],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Suggested Actor Mentions")
        self.resize(900, 500)
        self._controller = controller
        self.model = SuggestionModel(suggestions, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.summary = QLabel(self)
        buttons = QHBoxLayout()
        for name, text, slot in (
                ("accept", "&Accept", self.accept_current),
                ("accept_actor", "Accept All for This A&ctor", self.accept_all_for_actor),
                ("reject", "&Reject", self.reject_current),
                ("reject_everywhere", "Reject &Everywhere", self.reject_everywhere),
                ("close", "Close", self.close)):
            button = QPushButton(text, self)
            button.setObjectName(name)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self._select_row(0)

    def _select_row(self, row: int) -> None:
        count = self.model.rowCount()
        self.summary.setText(f"{count:,} suggestions to review")
        if count:
            self.table.selectRow(min(row, count - 1))

    def current(self) -> Suggestion | None:
        """The selected suggestion, if any."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.suggestion(rows[0].row()) if rows else None

    def _apply(self, mutation: Any, done: Sequence[Suggestion]) -> None:
        row = self.table.selectionModel().selectedRows()[0].row()
        if self._controller.edit(mutation, self) is not None:
            self.model.remove(done)
            self._select_row(row)

    def accept_current(self) -> None:
        """Mark the selected suggestion as a mention."""
        chosen = self.current()
        if chosen is not None:
            service = self._controller.nb.actors.suggestions
            self._apply(lambda: service.accept(chosen), [chosen])

    def accept_all_for_actor(self) -> None:
        """Mark every listed suggestion of the selected suggestion's actor."""
        chosen = self.current()
        if chosen is None:
            return
        same = [s for s in self.model.suggestions() if s.actor_id == chosen.actor_id]
        service = self._controller.nb.actors.suggestions
        self._apply(lambda: service.accept_all(same, chosen.actor_id), same)

    def reject_current(self, everywhere: bool = False) -> None:
        """Remember that the selected suggestion is not its actor (here only)."""
        chosen = self.current()
        if chosen is None:
            return
        service = self._controller.nb.actors.suggestions
        done = [s for s in self.model.suggestions() if s.actor_id == chosen.actor_id and
                s.surface.casefold() == chosen.surface.casefold()] if everywhere else [chosen]
        self._apply(lambda: service.reject(chosen, everywhere=everywhere), done)

    def reject_everywhere(self) -> None:
        """Reject this spelling for this actor in every article."""
        self.reject_current(everywhere=True)
