"""Dialogs for actors and agreements: mark as actor, new actor, new agreement, evidence,
and the review of suggested mentions.

Every dialog validates its input with the services' own cleaning functions and shows
what is wrong in place, so a bad field never reaches ``controller.edit`` (whose message
box would otherwise be the only feedback). Edits go through the controller.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.actor_records import (
    ACTOR_KINDS,
    AGREEMENT_TYPES,
    EVIDENCE_FIELDS,
    STANCES,
    Agreement,
    Suggestion,
)
from app.core.errors import DossierError
from app.gui.common.controller import NotebookController
from app.gui.common.record_model import RecordTableModel
from app.services import (
    clean_actor_name,
    clean_country,
    clean_external_id,
    clean_kind,
)

log = logging.getLogger(__name__)

Span = tuple[int, int, int]  # article id, start, end (code points)
NEW_ACTOR = -1
"""Item data of the "create a new actor" row of the mark-as-actor popup."""


def button_row(parent: QWidget,
               specs: Sequence[tuple[str, str, Callable[[], object]]]) -> QHBoxLayout:
    """A row of push buttons (object name, text, slot), left-aligned."""
    row = QHBoxLayout()
    for name, text, slot in specs:
        button = QPushButton(text, parent)
        button.setObjectName(name)
        button.clicked.connect(slot)
        row.addWidget(button)
    row.addStretch(1)
    return row


def ok_cancel(dialog: QDialog, on_ok: Callable[[], None]) -> QDialogButtonBox:
    """OK/Cancel buttons: OK runs ``on_ok`` (which accepts when the input is valid)."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog)
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons


def _error_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setObjectName("errorLabel")
    label.setStyleSheet("color: #b00020;")
    label.setWordWrap(True)
    label.hide()
    return label


def _show_error(label: QLabel, message: str) -> None:
    label.setText(message)
    label.setVisible(bool(message))


# -- mark as actor ------------------------------------------------------------------------
class MarkActorPopup(QDialog):
    """Type a name, pick an actor by fuzzy completion (or create one), press Enter.

    The list below the field is refreshed from ``nb.actors.complete`` on every
    keystroke; its last row creates a new actor of the chosen kind. Up/Down in the
    field move through the list, so the hands stay on the keyboard.
    """

    def __init__(self, controller: NotebookController, span: Span, surface: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Mark as Actor")
        self._controller = controller
        self._span = span
        self.mention_id = 0
        self._is_done = False  # Enter can arrive twice (field and dialog): mark once
        self._build(surface)
        self.refresh_choices()

    def _build(self, surface: str) -> None:
        self.field = QLineEdit(surface, self)
        self.field.setPlaceholderText("Actor name…")
        self.field.textEdited.connect(self.refresh_choices)
        self.field.returnPressed.connect(self.choose_current)
        self.field.installEventFilter(self)
        self.choices = QListWidget(self)
        self.choices.itemActivated.connect(self._on_item_activated)
        self.kind_box = QComboBox(self)
        self.kind_box.addItems(ACTOR_KINDS)
        self.kind_box.setCurrentText("other")
        self.error = _error_label(self)
        form = QFormLayout()
        form.addRow("Kind of a new actor:", self.kind_box)
        layout = QVBoxLayout(self)
        for widget in (self.field, self.choices):
            layout.addWidget(widget)
        layout.addLayout(form)
        layout.addWidget(self.error)

    def refresh_choices(self, *_args: Any) -> None:
        """Fill the list with the best-matching actors and a "new actor" row."""
        text = self.field.text().strip()
        self.choices.clear()
        for actor, score in self._controller.nb.actors.complete(text, limit=8):
            item = QListWidgetItem(f"{actor.name} ({actor.kind}) — {score:.0f}", self.choices)
            item.setData(Qt.ItemDataRole.UserRole, actor.id)
        if text:
            item = QListWidgetItem(f"New actor “{text}”", self.choices)
            item.setData(Qt.ItemDataRole.UserRole, NEW_ACTOR)
        if self.choices.count():
            self.choices.setCurrentRow(0)

    def eventFilter(self, watched: QObject, event: Any) -> bool:
        if watched is self.field and isinstance(event, QKeyEvent) and \
                event.type() == QKeyEvent.Type.KeyPress and \
                event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            step = -1 if event.key() == Qt.Key.Key_Up else 1
            row = max(0, min(self.choices.count() - 1, self.choices.currentRow() + step))
            self.choices.setCurrentRow(row)
            return True
        return super().eventFilter(watched, event)

    def _on_item_activated(self, item: QListWidgetItem) -> None:
        self.choices.setCurrentItem(item)
        self.choose_current()

    def choose_current(self) -> None:
        """Mark the span as the current choice; close on success, else say why."""
        item = self.choices.currentItem()
        if self._is_done or item is None:
            return
        actor_id = int(item.data(Qt.ItemDataRole.UserRole))
        name = self.field.text().strip()
        if actor_id == NEW_ACTOR:
            try:
                clean_actor_name(name)
            except DossierError as exc:
                _show_error(self.error, str(exc))
                return
        article_id, start, end = self._span
        actors, kind = self._controller.nb.actors, self.kind_box.currentText()
        chosen = None if actor_id == NEW_ACTOR else actor_id
        result = self._controller.edit(
            lambda: actors.mark(article_id, start, end, actor_id=chosen, new_name=name,
                                kind=kind), self)
        if result is not None:
            self._is_done = True
            self.mention_id = result[0].id
            self.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.choose_current()  # never let QDialog's default button close it unmarked
            return
        super().keyPressEvent(event)


# -- new actor ----------------------------------------------------------------------------
class NewActorDialog(QDialog):
    """Name, kind, country, description and Wikidata id of a new actor."""

    def __init__(self, controller: NotebookController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New Actor")
        self._controller = controller
        self.actor_id = 0
        self.name = QLineEdit(self)
        self.kind_box = QComboBox(self)
        self.kind_box.addItems(ACTOR_KINDS)
        self.kind_box.setCurrentText("other")
        self.country = QLineEdit(self)
        self.country.setPlaceholderText("KZ, Kazakhstan or Kasachstan")
        self.description = QPlainTextEdit(self)
        self.external_id = QLineEdit(self)
        self.external_id.setPlaceholderText("Q12345")
        self.error = _error_label(self)
        buttons = ok_cancel(self, self.create)
        form = QFormLayout(self)
        for label, widget in (("Name:", self.name), ("Kind:", self.kind_box),
                              ("Country:", self.country), ("Description:", self.description),
                              ("Wikidata id:", self.external_id)):
            form.addRow(label, widget)
        form.addRow(self.error)
        form.addRow(buttons)

    def problem(self) -> str:
        """What is wrong with the fields, or ""."""
        try:
            clean_actor_name(self.name.text())
            clean_kind(self.kind_box.currentText())
            clean_country(self.country.text())
            clean_external_id(self.external_id.text())
        except DossierError as exc:
            return str(exc)
        return ""

    def create(self) -> None:  # type: ignore[override]  # the dialog's OK action; Qt's native create() is never called from Python
        """Create the actor when every field is valid; otherwise say what is wrong."""
        message = self.problem()
        _show_error(self.error, message)
        if message:
            return
        actors = self._controller.nb.actors
        values = dict(name=self.name.text(), kind=self.kind_box.currentText(),
                      country=self.country.text(),
                      description=self.description.toPlainText(),
                      external_id=self.external_id.text())
        result = self._controller.edit(lambda: actors.create(**values), self)
        if result is not None:
            self.actor_id = result[0].id
            self.accept()


# -- agreements ---------------------------------------------------------------------------
class NewAgreementDialog(QDialog):
    """Title, type and value text of a new agreement; from a passage if ``span`` is given
    (the passage becomes its first evidence)."""

    def __init__(self, controller: NotebookController, span: Span | None = None,
                 title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New Agreement from Selection" if span else "New Agreement")
        self._controller = controller
        self._span = span
        self.agreement_id = 0
        self.title = QLineEdit(title, self)
        self.type_box = QComboBox(self)
        self.type_box.addItems(AGREEMENT_TYPES)
        self.type_box.setCurrentText("other")
        self.value = QLineEdit(self)
        self.value.setPlaceholderText("bis zu 37 Boeing-Maschinen")
        self.error = _error_label(self)
        buttons = ok_cancel(self, self.create)
        form = QFormLayout(self)
        form.addRow("Title:", self.title)
        form.addRow("Type:", self.type_box)
        form.addRow("Value:", self.value)
        form.addRow(self.error)
        form.addRow(buttons)

    def create(self) -> None:  # type: ignore[override]  # the dialog's OK action; Qt's native create() is never called from Python
        """Create the agreement (and set its value) in one go; say why if refused."""
        title = " ".join(self.title.text().split())
        if not title:
            _show_error(self.error, "an agreement needs a title")
            return
        nb, kind, value = self._controller.nb, self.type_box.currentText(), self.value.text()
        if self._span is not None:
            article_id, start, end = self._span
            result = self._controller.edit(lambda: nb.agreements.create_from_passage(
                article_id, start, end, title, kind), self)
        else:
            result = self._controller.edit(lambda: nb.agreements.create(title, kind), self)
        if result is None:
            return
        self.agreement_id = result[0].id
        if value.strip():
            agreement_id = self.agreement_id
            self._controller.edit(lambda: nb.agreements.set_value(agreement_id, value), self)
        self.accept()


class EvidenceDialog(QDialog):
    """Cite a passage for an agreement: which agreement, which field (party or status
    step where needed) and the stance."""

    def __init__(self, controller: NotebookController, span: Span,
                 agreements: Sequence[Agreement], agreement_id: int = 0,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add as Evidence")
        self._controller = controller
        self._span = span
        self._agreements = {a.id: a for a in agreements}
        self.evidence_id = 0
        self._build()
        for agreement in agreements:
            self.agreement_box.addItem(agreement.title, agreement.id)
        if agreement_id in self._agreements:
            self.agreement_box.setCurrentIndex(self.agreement_box.findData(agreement_id))
        self._on_target_changed()

    def _build(self) -> None:
        self.agreement_box = QComboBox(self)
        self.field_box = QComboBox(self)
        self.field_box.addItems(EVIDENCE_FIELDS)
        self.target_box = QComboBox(self)
        self.stance_box = QComboBox(self)
        self.stance_box.addItems(STANCES)
        self.note = QLineEdit(self)
        self.error = _error_label(self)
        self.agreement_box.currentIndexChanged.connect(self._on_target_changed)
        self.field_box.currentIndexChanged.connect(self._on_target_changed)
        buttons = ok_cancel(self, self.cite)
        form = QFormLayout(self)
        for label, widget in (("Agreement:", self.agreement_box), ("Field:", self.field_box),
                              ("Party or status:", self.target_box),
                              ("Stance:", self.stance_box), ("Note:", self.note)):
            form.addRow(label, widget)
        form.addRow(self.error)
        form.addRow(buttons)

    def _on_target_changed(self, *_args: Any) -> None:
        """Offer the agreement's parties or status steps when the field needs one."""
        self.target_box.clear()
        agreement = self._agreements.get(self.agreement_box.currentData())
        field = self.field_box.currentText()
        if agreement is not None and field == "party":
            for party in agreement.parties:
                self.target_box.addItem(f"{party.actor_name} ({party.role})", party.id)
        elif agreement is not None and field == "event":
            for event in agreement.events:
                self.target_box.addItem(f"{event.status} {event.date}".strip(), event.id)
        self.target_box.setEnabled(field in ("party", "event"))

    def cite(self) -> None:
        """Add the evidence; a party/status field without a choice is refused in place."""
        agreement_id = self.agreement_box.currentData()
        field = self.field_box.currentText()
        if agreement_id is None:
            _show_error(self.error, "create an agreement first")
            return
        target = self.target_box.currentData()
        if field in ("party", "event") and target is None:
            _show_error(self.error, f"this agreement has no {field} to cite the passage for")
            return
        party_id = target if field == "party" else None
        event_id = target if field == "event" else None
        nb, stance, note = self._controller.nb, self.stance_box.currentText(), self.note.text()
        article_id, start, end = self._span
        result = self._controller.edit(lambda: nb.agreements.cite(
            int(agreement_id), article_id, start, end, field=field, stance=stance,
            party_id=party_id, event_id=event_id, note=note), self)
        if result is not None:
            self.evidence_id = result[0].id
            self.accept()


# -- suggestions --------------------------------------------------------------------------
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
