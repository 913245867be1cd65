"""The agreements view: a sortable table of agreements and the current one's detail.

The detail edits title and type, parties with roles, the value (raw text and what was
parsed from it), the status timeline with partial dates and the Markdown summary
(rendered beside the source), and lists the evidence with stance and outlet; activating
a passage opens its article there. How many outlets corroborate the agreement and
whether reports conflict are shown above the evidence.

Every edit is a versioned write (issue 13): the form saves against the agreement as it
showed it (:class:`~app.gui.common.seen_form.SeenForm`), removals pass the party, status
step or evidence row as listed. A colleague's change arriving while the form holds unsaved
edits updates only the untouched fields; saving then merges or opens the conflict dialog.
A colleague's deletion of the agreement under unsaved edits keeps them: the form says who
deleted it, Save re-creates it with the edits (an edit against a deletion keeps the
edit), Discard drops them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QModelIndex,
    QSettings,
    QSignalBlocker,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.core.actor_records import (
    AGREEMENT_TYPES,
    Agreement,
)
from app.core.changes import Changes
from app.core.errors import ConflictError, NotFound
from app.gui.actors.agreement_dialog import NewAgreementDialog
from app.gui.actors.agreement_model import AgreementTableModel
from app.gui.actors.agreement_tabs import TimelineEvidenceTabs
from app.gui.actors.backlinks import BacklinkList, touches_notes
from app.gui.actors.forms import button_row, error_label, show_error
from app.gui.actors.table_fit import TableFitter
from app.gui.common.controller import NotebookController
from app.gui.common.seen_form import SeenForm
from app.gui.team.live import local_time
from app.services import render_markdown

if TYPE_CHECKING:
    from app.services import Notebook

log = logging.getLogger(__name__)


class AgreementsView(TimelineEvidenceTabs):
    """Table of agreements and the detail of the current one."""

    agreementSelected = Signal(int)
    openNote = Signal(int)

    def __init__(self, controller: NotebookController, parent: QWidget | None = None,
                 settings: QSettings | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._settings = settings
        self.agreement_id = 0
        #: Asks a yes/no question; replaced in tests.
        self.confirm: Callable[[str], bool] = self._ask
        self._build()
        self.form: SeenForm[Agreement] = SeenForm({
            "title": (self.title_edit.text, self._put_title),
            "type": (self.type_edit.currentText, self.type_edit.setCurrentText),
            "value": (self.value_edit.text, self.value_edit.setText),
            "summary": (self.summary_edit.toPlainText, self.summary_edit.setPlainText),
        }, lambda a: {"title": a.title, "type": a.type, "value": a.value.text,
                      "summary": a.summary})
        controller.changed.connect(self._on_changed)
        controller.conflictSettled.connect(self._on_conflict_settled)
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
        self.backlinks = BacklinkList(self._controller, "agreement", self)
        self.backlinks.openNote.connect(self.openNote)
        self.tabs.addTab(self.backlinks, "Notes")
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 1)  # the list gets as much room as the detail
        splitter.setStretchFactor(1, 1)
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
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        # conflict, outlets, parties, value give way first in a narrow dock
        self.fitter = TableFitter(self.table, self._settings, "agreements/table",
                                  optional=(7, 6, 5, 4))
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
        self.value_edit.setPlaceholderText("e.g. rund 1,1 Milliarden US-Dollar")
        self.value_parsed = QLabel(box)
        self.summary_edit = QPlainTextEdit(box)
        self.summary_edit.setPlaceholderText("Markdown summary")
        self.summary_view = QTextBrowser(box)
        self.summary_view.setOpenLinks(False)
        self.summary_edit.textChanged.connect(self._render_summary)
        self.field_error = error_label(box)
        self.deleted_label = QLabel(box)
        self.deleted_label.setWordWrap(True)
        self.deleted_label.setTextFormat(Qt.TextFormat.PlainText)
        self.deleted_label.setStyleSheet("font-weight: bold;")
        discard = QPushButton("Discard", box)
        discard.setObjectName("discardDeleted")
        discard.setToolTip("Drop your edits: the agreement stays deleted")
        discard.clicked.connect(self.discard_deleted)
        self.deleted_box = QWidget(box)
        row = QHBoxLayout(self.deleted_box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.deleted_label, 1)
        row.addWidget(discard)
        self.deleted_box.hide()
        save = QPushButton("Save", box)
        save.setObjectName("saveAgreement")
        save.clicked.connect(self.save_fields)
        summary = QSplitter(Qt.Orientation.Horizontal, box)
        summary.addWidget(self.summary_edit)
        summary.addWidget(self.summary_view)
        form = QFormLayout(box)
        form.addRow(self.deleted_box)
        form.addRow("Title:", self.title_edit)
        form.addRow("Type:", self.type_edit)
        form.addRow("Value:", self.value_edit)
        form.addRow("Parsed:", self.value_parsed)
        form.addRow("Summary:", summary)
        form.addRow(self.field_error)
        form.addRow(save)
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
        if row < 0 and self._keep_deleted(current):
            return
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
        elif touches_notes(changes):
            self.backlinks.refresh()

    def _on_notebook_opened(self, _nb: Any) -> None:
        self.agreement_id = 0
        self.form.fill(None)
        self.refresh()

    def _on_conflict_settled(self, error: ConflictError, origin: object) -> None:
        """The user settled a conflict this view's edit met: show the agreement as stored
        now (the resolution, or the colleague's version) with its new version; one met
        by removing a party, status step or evidence leaves typed field edits alone."""
        if origin is self:
            if error.conflict is None or error.conflict.table == "agreement":
                self.form.fill(None)
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
        """Show an agreement; the same one again keeps the form's unsaved edits."""
        self.agreement_id = agreement_id
        agreement = self.current()
        if agreement is None:
            self.agreement_id = 0
        self.deleted_box.hide()
        self.tabs.setEnabled(agreement is not None)
        for index in range(self.tabs.count()):
            self.tabs.setTabEnabled(index, True)
        self._show_fields(agreement)
        self._show_parties(agreement)
        self._show_events(agreement)
        self._show_evidence(agreement)
        self.backlinks.show_for(self.agreement_id)

    def _show_fields(self, a: Agreement | None) -> None:
        if a is None:
            self.form.fill(None)
            self._put_title("")
            self.type_edit.setCurrentText("other")
            self.value_edit.setText("")
            self.summary_edit.setPlainText("")
        elif self.form.shown is not None and self.form.shown.id == a.id:
            self.form.refresh(a)  # unsaved edits stay
        else:
            show_error(self.field_error, "")
            self.form.fill(a)
        self.value_parsed.setText(self._parsed_text(a) if a else "")
        self._render_summary()

    def _keep_deleted(self, agreement_id: int) -> bool:
        """The agreement the form shows is gone (a colleague deleted it) while the form
        holds unsaved edits: keep them and say who deleted it; Save re-creates it with
        them, Discard drops them. False (show nothing) when there is nothing to keep."""
        shown = self.form.shown
        if not agreement_id or shown is None or shown.id != agreement_id \
                or not self.form.is_dirty():
            return False
        author, at = self.nb.conflicts.deleted_by("agreement", agreement_id)
        when = f" at {local_time(at)}" if at else ""
        self.deleted_label.setText(
            f"\u201c{shown.title}\u201d was deleted by {author or 'another writer'}{when} "
            "while you were editing it. Save brings it back with your edits (without its "
            "parties, timeline and evidence); Discard drops your edits.")
        self.deleted_box.show()
        self._show_parties(None)
        self._show_events(None)
        self._show_evidence(None)
        for index in range(self.tabs.count()):  # only the fields can be saved back
            self.tabs.setTabEnabled(index, index == 0)
        self.tabs.setCurrentIndex(0)
        log.info("agreement %d deleted by %s under unsaved edits of %s", agreement_id,
                 author or "another writer", ", ".join(self.form.edited()))
        return True

    def discard_deleted(self) -> None:
        """Drop the edits of an agreement deleted meanwhile (it stays deleted)."""
        self.form.fill(None)
        self._show(0)

    def _put_title(self, title: str) -> None:
        self.title_edit.setText(title)
        self.title_edit.setCursorPosition(0)  # a long title shows its start

    @staticmethod
    def _parsed_text(a: Agreement) -> str:
        v = a.value
        if v.amount is None:
            return "not parsed (kept as text)" if v.text else ""
        return f"{v.display()} ({v.qualifier})"

    def _render_summary(self) -> None:
        self.summary_view.setHtml(render_markdown(self.summary_edit.toPlainText()))

    # -- editing ----------------------------------------------------------------------------
    def _edit(self, mutation: Callable[[], Any]) -> Any:
        return self._controller.edit(mutation, self)

    def save_fields(self) -> None:
        """Save title, type, summary and (if changed) the value of the current agreement
        in one edit, based on the agreement as the form showed it."""
        seen = self.form.shown
        title = " ".join(self.title_edit.text().split())
        show_error(self.field_error, "" if title else "an agreement needs a title")
        if seen is None or not title:
            return
        service, agreement_id = self.nb.agreements, seen.id
        kind, summary, value = (self.type_edit.currentText(),
                                self.summary_edit.toPlainText(), self.value_edit.text())
        value_text = value if value != seen.value.text else None
        self._edit(lambda: service.update(agreement_id, title=title, type=kind,
                                          summary=summary, value_text=value_text, seen=seen))

    def new_agreement(self) -> int:
        """Ask for a new agreement and show it; returns its id (0 if cancelled)."""
        dialog = NewAgreementDialog(self._controller, parent=self)
        if dialog.exec() and dialog.agreement_id:
            self.select_agreement(dialog.agreement_id)
        return dialog.agreement_id

    def delete_current(self) -> bool:
        """Delete the agreement shown, after confirmation; refused (a conflict) when a
        colleague changed it since the view showed it."""
        agreement = self.form.shown
        if agreement is None or not self.confirm(
                f"Delete the agreement “{agreement.title}” with its parties, timeline and "
                f"evidence? The passages stay. You can undo this."):
            return False
        service, agreement_id = self.nb.agreements, agreement.id
        return self._edit(lambda: service.delete(agreement_id, seen=agreement)) is not None

    def _ask(self, question: str) -> bool:
        answer = QMessageBox.question(self, "Agreements", question)
        return answer == QMessageBox.StandardButton.Yes
