"""Dialogs for actors and agreements: mark as actor, new actor, new agreement, evidence,
and the review of suggested mentions.

Every dialog validates its input with the services' own cleaning functions and shows
what is wrong in place, so a bad field never reaches ``controller.edit`` (whose message
box would otherwise be the only feedback). Edits go through the controller.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.actor_records import (
    ACTOR_KINDS,
    EVIDENCE_FIELDS,
    STANCES,
    Agreement,
)
from app.core.errors import DossierError
from app.gui.actors.agreement_dialog import NewAgreementDialog
from app.gui.actors.forms import error_label, ok_cancel, show_error
from app.gui.common.controller import NotebookController
from app.services import (
    clean_actor_name,
    clean_country,
    clean_external_id,
    clean_kind,
)

log = logging.getLogger(__name__)
__all__ = ["EvidenceDialog", "MarkActorPopup", "NewActorDialog", "NewAgreementDialog"]

Span = tuple[int, int, int]  # article id, start, end (code points)
NEW_ACTOR = -1
"""Item data of the "create a new actor" row of the mark-as-actor popup."""


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
        self.error = error_label(self)
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
                show_error(self.error, str(exc))
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
        self.country.setPlaceholderText("e.g. KZ, Kazakhstan or Kasachstan")
        self.description = QPlainTextEdit(self)
        self.external_id = QLineEdit(self)
        self.external_id.setPlaceholderText("e.g. Q12345")
        self.error = error_label(self)
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
        show_error(self.error, message)
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
        self.error = error_label(self)
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
            show_error(self.error, "create an agreement first")
            return
        target = self.target_box.currentData()
        if field in ("party", "event") and target is None:
            show_error(self.error, f"this agreement has no {field} to cite the passage for")
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
