"""The agreements view: a sortable table of agreements and the current one's detail.

The detail edits title and type, parties with roles, the value (raw text and what was
parsed from it), the status timeline with partial dates and the Markdown summary
(rendered beside the source), and lists the evidence with stance and outlet; activating
a passage opens its article there. How many outlets corroborate the agreement and
whether reports conflict are shown above the evidence.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QModelIndex,
    QSignalBlocker,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.actor_records import (
    AGREEMENT_TYPES,
    PARTY_ROLES,
    STATUSES,
    Agreement,
)
from app.core.changes import Changes
from app.core.dates import parse_partial_date
from app.core.errors import DossierError, NotFound
from app.gui.actors.agreement_model import CONFLICT_COLOUR, AgreementTableModel, evidence_text
from app.gui.actors.dialogs import NewAgreementDialog
from app.gui.actors.forms import button_row, error_label, show_error
from app.gui.common.controller import NotebookController
from app.services import render_markdown

if TYPE_CHECKING:
    from app.services import Notebook

log = logging.getLogger(__name__)


class AgreementsView(QWidget):
    """Table of agreements and the detail of the current one."""

    openPassage = Signal(int, int, int)  # article id, start, end (code points)
    agreementSelected = Signal(int)

    def __init__(self, controller: NotebookController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self.agreement_id = 0
        #: Asks a yes/no question; replaced in tests.
        self.confirm: Callable[[str], bool] = self._ask
        self._build()
        controller.changed.connect(self._on_changed)
        controller.notebookOpened.connect(self._on_notebook_opened)
        self.refresh()

    @property
    def nb(self) -> Notebook:
        return self._controller.nb

    # -- building -----------------------------------------------------------------------
    def _build(self) -> None:
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self._build_table())
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._build_fields(), "Details")
        self.tabs.addTab(self._build_parties(), "Parties")
        self.tabs.addTab(self._build_timeline(), "Timeline")
        self.tabs.addTab(self._build_evidence(), "Evidence")
        splitter.addWidget(self.tabs)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def _build_table(self) -> QWidget:
        box = QWidget(self)
        self.model = AgreementTableModel(self._fetch, self)
        self.table = QTableView(box)
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row)
        buttons = button_row(box, (("newAgreement", "New…", self.new_agreement),
                                   ("deleteAgreement", "Delete…", self.delete_current)))
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        return box

    def _build_fields(self) -> QWidget:
        box = QWidget(self)
        self.title_edit = QLineEdit(box)
        self.type_edit = QComboBox(box)
        self.type_edit.addItems(AGREEMENT_TYPES)
        self.value_edit = QLineEdit(box)
        self.value_edit.setPlaceholderText("rund 1,1 Milliarden US-Dollar")
        self.value_parsed = QLabel(box)
        self.summary_edit = QPlainTextEdit(box)
        self.summary_edit.setPlaceholderText("Markdown summary")
        self.summary_view = QTextBrowser(box)
        self.summary_view.setOpenLinks(False)
        self.summary_edit.textChanged.connect(self._render_summary)
        self.field_error = error_label(box)
        save = QPushButton("Save", box)
        save.setObjectName("saveAgreement")
        save.clicked.connect(self.save_fields)
        summary = QSplitter(Qt.Orientation.Horizontal, box)
        summary.addWidget(self.summary_edit)
        summary.addWidget(self.summary_view)
        form = QFormLayout(box)
        form.addRow("Title:", self.title_edit)
        form.addRow("Type:", self.type_edit)
        form.addRow("Value:", self.value_edit)
        form.addRow("Parsed:", self.value_parsed)
        form.addRow("Summary:", summary)
        form.addRow(self.field_error)
        form.addRow(save)
        return box

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
        layout.addLayout(_row(self.party_actor, self.party_role))
        layout.addLayout(_row(add, remove))  # a second row keeps the dock narrow
        return box

    def _build_timeline(self) -> QWidget:
        box = QWidget(self)
        self.events = QListWidget(box)
        self.event_status = QComboBox(box)
        self.event_status.addItems(STATUSES)
        self.event_date = QLineEdit(box)
        self.event_date.setPlaceholderText("2025, 2025-11 or 2025-11-06")
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
        layout.addLayout(_row(self.event_status, self.event_date, self.event_note))
        layout.addLayout(_row(add, remove))
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

    # -- table ------------------------------------------------------------------------------
    def _fetch(self, sort: str, descending: bool) -> list[Agreement]:
        return list(self.nb.agreements.list(sort=sort, descending=descending))

    def refresh(self, *_args: Any) -> None:
        """Reload the table in its current order and the current agreement's detail."""
        current = self.agreement_id
        with QSignalBlocker(self.table.selectionModel()):
            self.model.reload()
        row = self.model.row_of(current)
        if row >= 0:
            with QSignalBlocker(self.table.selectionModel()):
                self.table.selectRow(row)
        self._fill_actor_choices()
        self._show(current if row >= 0 else 0)

    def select_agreement(self, agreement_id: int) -> bool:
        """Show ``agreement_id``; False if it does not exist."""
        row = self.model.row_of(agreement_id)
        if row < 0:
            return False
        self.table.selectRow(row)
        self._show(agreement_id)
        return True

    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._show(self.model.agreement(current.row()).id)
            self.agreementSelected.emit(self.agreement_id)

    def _on_changed(self, changes: Changes) -> None:
        if (changes.agreements or changes.deleted_agreements or changes.actors or
                changes.deleted_actors or changes.touches_highlights or
                changes.touches_articles):
            self.refresh()

    def _on_notebook_opened(self, _nb: Any) -> None:
        self.agreement_id = 0
        self.refresh()

    def _fill_actor_choices(self) -> None:
        with QSignalBlocker(self.party_actor):
            current = self.party_actor.currentData()
            self.party_actor.clear()
            for actor in self.nb.actors.list():
                self.party_actor.addItem(actor.name, actor.id)
            if current is not None and self.party_actor.findData(current) >= 0:
                self.party_actor.setCurrentIndex(self.party_actor.findData(current))

    # -- detail -----------------------------------------------------------------------------
    def current(self) -> Agreement | None:
        if not self.agreement_id:
            return None
        try:
            return self.nb.agreements.get(self.agreement_id)
        except NotFound:
            return None

    def _show(self, agreement_id: int) -> None:
        self.agreement_id = agreement_id
        agreement = self.current()
        if agreement is None:
            self.agreement_id = 0
        self.tabs.setEnabled(agreement is not None)
        self._show_fields(agreement)
        self._show_parties(agreement)
        self._show_events(agreement)
        self._show_evidence(agreement)

    def _show_fields(self, a: Agreement | None) -> None:
        show_error(self.field_error, "")
        self.title_edit.setText(a.title if a else "")
        self.type_edit.setCurrentText(a.type if a else "other")
        self.value_edit.setText(a.value.text if a else "")
        self.value_parsed.setText(self._parsed_text(a) if a else "")
        self.summary_edit.setPlainText(a.summary if a else "")
        self._render_summary()

    @staticmethod
    def _parsed_text(a: Agreement) -> str:
        v = a.value
        if v.amount is None:
            return "not parsed (kept as text)" if v.text else ""
        return f"{v.display()} ({v.qualifier})"

    def _render_summary(self) -> None:
        self.summary_view.setHtml(render_markdown(self.summary_edit.toPlainText()))

    def _show_parties(self, a: Agreement | None) -> None:
        self.parties.clear()
        for party in a.parties if a else ():
            item = QListWidgetItem(f"{party.actor_name} — {party.role}", self.parties)
            item.setData(Qt.ItemDataRole.UserRole, party.id)

    def _show_events(self, a: Agreement | None) -> None:
        show_error(self.event_error, "")
        self.events.clear()
        for event in a.events if a else ():
            text = f"{event.date or 'undated'}: {event.status}"
            item = QListWidgetItem(text + (f" — {event.note}" if event.note else ""),
                                   self.events)
            item.setData(Qt.ItemDataRole.UserRole, event.id)

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
            if ev.is_conflicted or ev.stance == "contradicts":
                for column in range(5):
                    item.setForeground(column, QBrush(QColor(CONFLICT_COLOUR)))

    def _on_evidence_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        article_id, start, end = item.data(0, Qt.ItemDataRole.UserRole)
        self.openPassage.emit(article_id, start, end)

    # -- editing ----------------------------------------------------------------------------
    def _edit(self, mutation: Callable[[], Any]) -> Any:
        return self._controller.edit(mutation, self)

    def save_fields(self) -> None:
        """Save title, type, summary and (if changed) the value of the current agreement."""
        agreement = self.current()
        title = " ".join(self.title_edit.text().split())
        show_error(self.field_error, "" if title else "an agreement needs a title")
        if agreement is None or not title:
            return
        service, agreement_id = self.nb.agreements, agreement.id
        kind, summary, value = (self.type_edit.currentText(),
                                self.summary_edit.toPlainText(), self.value_edit.text())
        self._edit(lambda: service.update(agreement_id, title=title, type=kind,
                                          summary=summary))
        if value != agreement.value.text:
            self._edit(lambda: service.set_value(agreement_id, value))

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
            party_id, service = int(item.data(Qt.ItemDataRole.UserRole)), self.nb.agreements
            self._edit(lambda: service.remove_party(party_id))

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

    def remove_event(self) -> None:
        item = self.events.currentItem()
        if item is not None:
            event_id, service = int(item.data(Qt.ItemDataRole.UserRole)), self.nb.agreements
            self._edit(lambda: service.remove_event(event_id))

    def remove_evidence(self) -> None:
        item = self.evidence.currentItem()
        if item is not None:
            evidence_id = int(item.data(1, Qt.ItemDataRole.UserRole))
            service = self.nb.agreements
            self._edit(lambda: service.remove_evidence(evidence_id))

    def new_agreement(self) -> int:
        """Ask for a new agreement and show it; returns its id (0 if cancelled)."""
        dialog = NewAgreementDialog(self._controller, parent=self)
        if dialog.exec() and dialog.agreement_id:
            self.select_agreement(dialog.agreement_id)
        return dialog.agreement_id

    def delete_current(self) -> bool:
        agreement = self.current()
        if agreement is None or not self.confirm(
                f"Delete the agreement “{agreement.title}” with its parties, timeline and "
                f"evidence? The passages stay. You can undo this."):
            return False
        service, agreement_id = self.nb.agreements, agreement.id
        return self._edit(lambda: service.delete(agreement_id)) is not None

    def _ask(self, question: str) -> bool:
        answer = QMessageBox.question(self, "Agreements", question)
        return answer == QMessageBox.StandardButton.Yes

    def evidence_spans(self) -> Sequence[tuple[int, int, int]]:
        """(article, start, end) of the listed evidence, in order (for the reader)."""
        return [self.evidence.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole)
                for i in range(self.evidence.topLevelItemCount())]


def _row(*widgets: QWidget) -> QHBoxLayout:
    """Widgets side by side, buttons kept to the right."""
    row = QHBoxLayout()
    if all(isinstance(w, QPushButton) for w in widgets):
        row.addStretch(1)
    for widget in widgets:
        row.addWidget(widget)
    return row
