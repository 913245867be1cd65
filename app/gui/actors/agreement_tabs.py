"""The parties, timeline and evidence tabs of the agreements view (a mixin of
:class:`~app.gui.actors.agreements_view.AgreementsView`): the parties with their roles,
the status steps with partial dates, and the passages cited for the agreement with
stance, outlet and conflicts.

Each row keeps its record as listed: removing it is a versioned delete (issue 13), refused
as a conflict when a colleague changed the row since it was shown."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.actor_records import PARTY_ROLES, STATUSES, Agreement
from app.core.dates import parse_partial_date
from app.core.errors import DossierError
from app.gui.actors.agreement_model import CONFLICT_COLOUR, evidence_text
from app.gui.actors.forms import error_label, show_error

if TYPE_CHECKING:
    from app.services import Notebook

log = logging.getLogger(__name__)


class TimelineEvidenceTabs(QWidget):
    """Builds, shows and edits the Parties, Timeline and Evidence tabs of the current
    agreement."""

    openPassage = Signal(int, int, int)  # article id, start, end (code points)
    agreement_id: int

    @property
    def nb(self) -> Notebook:
        raise NotImplementedError

    def _edit(self, mutation: Callable[[], Any]) -> Any:
        raise NotImplementedError

    def _build_parties(self) -> QWidget:
        box = QWidget(self)
        self.parties = QListWidget(box)
        self.party_actor = QComboBox(box)
        self.party_actor.setEditable(False)
        # long actor names must not set the dock's minimum width
        self.party_actor.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.party_actor.setMinimumContentsLength(12)
        self.party_role = QComboBox(box)
        self.party_role.addItems(PARTY_ROLES)
        add, remove = QPushButton("Add", box), QPushButton("Remove", box)
        add.setObjectName("addParty")
        remove.setObjectName("removeParty")
        add.clicked.connect(self.add_party)
        remove.clicked.connect(self.remove_party)
        layout = QVBoxLayout(box)
        layout.addWidget(self.parties)
        layout.addLayout(widget_row(self.party_actor, self.party_role))
        layout.addLayout(widget_row(add, remove))  # a second row keeps the dock narrow
        return box

    def _build_timeline(self) -> QWidget:
        box = QWidget(self)
        self.events = QListWidget(box)
        self.event_status = QComboBox(box)
        self.event_status.addItems(STATUSES)
        self.event_date = QLineEdit(box)
        self.event_date.setPlaceholderText("e.g. 2025-11 or 2025-11-06")
        self.event_note = QLineEdit(box)
        self.event_note.setPlaceholderText("Note")
        add, remove = QPushButton("Add", box), QPushButton("Remove", box)
        add.setObjectName("addEvent")
        remove.setObjectName("removeEvent")
        add.clicked.connect(self.add_event)
        remove.clicked.connect(self.remove_event)
        self.event_error = error_label(box)
        layout = QVBoxLayout(box)
        layout.addWidget(self.events)
        layout.addLayout(widget_row(self.event_status, self.event_date, self.event_note))
        layout.addLayout(widget_row(add, remove))
        layout.addWidget(self.event_error)
        return box

    def _build_evidence(self) -> QWidget:
        box = QWidget(self)
        self.corroboration = QLabel(box)
        self.conflict = QLabel(box)
        self.conflict.setStyleSheet(f"color: {CONFLICT_COLOUR}; font-weight: bold;")
        self.evidence = QTreeWidget(box)
        self.evidence.setHeaderLabels(["Passage", "Field", "Stance", "Outlet", "Date"])
        self.evidence.setRootIsDecorated(False)
        self.evidence.setWordWrap(True)
        self.evidence.itemActivated.connect(self._on_evidence_activated)
        remove = QPushButton("Remove Evidence", box)
        remove.setObjectName("removeEvidence")
        remove.clicked.connect(self.remove_evidence)
        layout = QVBoxLayout(box)
        layout.addWidget(self.corroboration)
        layout.addWidget(self.conflict)
        layout.addWidget(self.evidence)
        layout.addWidget(remove)
        return box

    def _show_parties(self, a: Agreement | None) -> None:
        self.parties.clear()
        for party in a.parties if a else ():
            item = QListWidgetItem(f"{party.actor_name} — {party.role}", self.parties)
            item.setData(Qt.ItemDataRole.UserRole, party.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, party)  # as seen, for removing

    def _show_events(self, a: Agreement | None) -> None:
        show_error(self.event_error, "")
        self.events.clear()
        for event in a.events if a else ():
            text = f"{event.date or 'undated'}: {event.status}"
            item = QListWidgetItem(text + (f" — {event.note}" if event.note else ""),
                                   self.events)
            item.setData(Qt.ItemDataRole.UserRole, event.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, event)  # as seen, for removing

    def _show_evidence(self, a: Agreement | None) -> None:
        self.evidence.clear()
        if a is None:
            self.corroboration.clear()
            self.conflict.clear()
            return
        outlets = a.outlet_count
        self.corroboration.setText(
            f"Corroborated by {outlets} outlet{'s' if outlets != 1 else ''}; "
            f"{len(a.evidence)} passage{'s' if len(a.evidence) != 1 else ''}")
        self.conflict.setText("Conflicting reports: some passages contradict others"
                              if a.is_conflicted else "")
        for ev in a.evidence:
            item = QTreeWidgetItem(self.evidence, [ev.quote, ev.field, ev.stance,
                                                   ev.outlet, ev.published])
            item.setToolTip(0, f"{ev.article_title}\n{evidence_text(ev)}\n{ev.note}".strip())
            item.setData(0, Qt.ItemDataRole.UserRole, (ev.article_id, ev.start, ev.end))
            item.setData(1, Qt.ItemDataRole.UserRole, ev.id)
            item.setData(2, Qt.ItemDataRole.UserRole, ev)  # as seen, for removing
            if ev.is_conflicted or ev.stance == "contradicts":
                for column in range(5):
                    item.setForeground(column, QBrush(QColor(CONFLICT_COLOUR)))

    def _on_evidence_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        article_id, start, end = item.data(0, Qt.ItemDataRole.UserRole)
        self.openPassage.emit(article_id, start, end)

    def add_event(self) -> None:
        """Add a status step; a date that is not a (partial) date is refused in place."""
        if not self.agreement_id:
            return
        date = self.event_date.text().strip()
        try:
            if date:
                parse_partial_date(date)
        except DossierError as exc:
            show_error(self.event_error, str(exc))
            return
        service, agreement_id = self.nb.agreements, self.agreement_id
        status, note = self.event_status.currentText(), self.event_note.text()
        if self._edit(lambda: service.add_event(agreement_id, status, date, note)):
            self.event_date.clear()
            self.event_note.clear()

    def add_party(self) -> None:
        actor_id = self.party_actor.currentData()
        if not self.agreement_id or actor_id is None:
            return
        service, agreement_id, role = (self.nb.agreements, self.agreement_id,
                                       self.party_role.currentText())
        self._edit(lambda: service.add_party(agreement_id, int(actor_id), role))

    def remove_party(self) -> None:
        item = self.parties.currentItem()
        if item is not None:
            party = item.data(Qt.ItemDataRole.UserRole + 1)
            service = self.nb.agreements
            self._edit(lambda: service.remove_party(party.id, seen=party))

    def remove_event(self) -> None:
        item = self.events.currentItem()
        if item is not None:
            event, service = item.data(Qt.ItemDataRole.UserRole + 1), self.nb.agreements
            self._edit(lambda: service.remove_event(event.id, seen=event))

    def remove_evidence(self) -> None:
        item = self.evidence.currentItem()
        if item is not None:
            evidence, service = item.data(2, Qt.ItemDataRole.UserRole), self.nb.agreements
            self._edit(lambda: service.remove_evidence(evidence.id, seen=evidence))

    def evidence_spans(self) -> Sequence[tuple[int, int, int]]:
        """(article, start, end) of the listed evidence, in order (for the reader)."""
        return [self.evidence.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole)
                for i in range(self.evidence.topLevelItemCount())]


def widget_row(*widgets: QWidget) -> QHBoxLayout:
    """Widgets side by side, buttons kept to the right."""
    row = QHBoxLayout()
    if all(isinstance(w, QPushButton) for w in widgets):
        row.addStretch(1)
    for widget in widgets:
        row.addWidget(widget)
    return row
