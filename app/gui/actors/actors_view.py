"""The actors view: a filterable table of actors and everything about the current one.

The detail shows the actor's fields (editable, validated in place), its aliases, every
mention in context across articles (activating one opens the passage), co-occurring
actors and the agreements it is a party to. Merge and delete ask first; delete says
what will change. Data comes from ``nb.actors``; edits go through the controller and
the view refreshes from ``controller.changed``. Saving the fields, editing or removing an
alias and deleting are versioned writes based on what the view showed (issue 13): a
colleague's change made since merges or opens the conflict dialog; while the fields hold
unsaved edits a refresh updates only the untouched ones.
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
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.actor_records import ACTOR_KINDS, Actor
from app.core.changes import Changes
from app.core.errors import ConflictError, DossierError, NotFound
from app.gui.actors.actor_aliases import AliasTab
from app.gui.actors.actor_model import ActorTableModel, mention_context, touches_actors
from app.gui.actors.backlinks import BacklinkList, touches_notes
from app.gui.actors.dialogs import NewActorDialog
from app.gui.actors.forms import button_row, error_label, show_error
from app.gui.actors.table_fit import TableFitter
from app.gui.common.controller import NotebookController
from app.gui.common.seen_form import SeenForm
from app.services import clean_actor_name, clean_country, clean_external_id

if TYPE_CHECKING:  # the window imports this module: a cycle only for the type checker
    from app.services import Notebook

log = logging.getLogger(__name__)


class ActorsView(AliasTab):
    """List of actors with a text/kind filter, and the current actor's detail."""

    openPassage = Signal(int, int, int)  # article id, start, end (code points)
    openAgreement = Signal(int)
    openNote = Signal(int)
    actorSelected = Signal(int)

    def __init__(self, controller: NotebookController, parent: QWidget | None = None,
                 settings: QSettings | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._settings = settings
        self.actor_id = 0
        #: Asks a yes/no question; replaced in tests.
        self.confirm: Callable[[str], bool] = self._ask
        self._build()
        self.form: SeenForm[Actor] = SeenForm({
            "name": (self.name_edit.text, self.name_edit.setText),
            "kind": (self.kind_edit.currentText, self.kind_edit.setCurrentText),
            "country": (self.country_edit.text, self.country_edit.setText),
            "description": (self.description_edit.toPlainText,
                            self.description_edit.setPlainText),
            "external_id": (self.external_edit.text, self.external_edit.setText),
        }, lambda a: {"name": a.name, "kind": a.kind, "country": a.country,
                      "description": a.description, "external_id": a.external_id})
        controller.changed.connect(self._on_changed)
        controller.notebookOpened.connect(self._on_notebook_opened)
        controller.conflictSettled.connect(self._on_conflict_settled)
        self.refresh()

    # -- building -----------------------------------------------------------------------
    def _build(self) -> None:
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self._build_list())
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._build_fields(), "Details")
        self.tabs.addTab(self._build_aliases(), "Aliases")
        self.mentions = self._list("mentionList", self._on_mention_activated)
        self.tabs.addTab(self.mentions, "Mentions")
        self.co_actors = self._list("coActorList", self._on_co_actor_activated)
        self.tabs.addTab(self.co_actors, "Co-actors")
        self.roles = self._list("roleList", self._on_role_activated)
        self.tabs.addTab(self.roles, "Agreements")
        self.backlinks = BacklinkList(self._controller, "actor", self)
        self.backlinks.openNote.connect(self.openNote)
        self.tabs.addTab(self.backlinks, "Notes")
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 1)  # the list gets as much room as the detail
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def _list(self, name: str, slot: Callable[[QListWidgetItem], None]) -> QListWidget:
        widget = QListWidget(self)
        widget.setObjectName(name)
        widget.setWordWrap(True)
        widget.itemActivated.connect(slot)
        return widget

    def _build_list(self) -> QWidget:
        box = QWidget(self)
        self.filter = QLineEdit(box)
        self.filter.setPlaceholderText("Filter actors (any spelling)…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.refresh)
        self.kind_filter = QComboBox(box)
        self.kind_filter.addItem("All kinds", "")
        for kind in ACTOR_KINDS:
            self.kind_filter.addItem(kind, kind)
        self.kind_filter.currentIndexChanged.connect(self.refresh)
        # a long kind name must not squeeze the filter field in a narrow dock
        self.kind_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.kind_filter.setMinimumContentsLength(8)
        self.model = ActorTableModel(self)
        self.table = QTableView(box)
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.fitter = TableFitter(self.table, self._settings, "actors/table",
                                  optional=(3, 2))  # aliases, then country, give way first
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row)
        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(self.kind_filter)
        buttons = button_row(box, (("newActor", "New…", self.new_actor),
                                   ("mergeActors", "Merge Selected…", self.merge_selected),
                                   ("deleteActor", "Delete…", self.delete_current)))
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        return box

    def _build_fields(self) -> QWidget:
        box = QWidget(self)
        self.name_edit = QLineEdit(box)
        self.kind_edit = QComboBox(box)
        self.kind_edit.addItems(ACTOR_KINDS)
        self.country_edit = QLineEdit(box)
        self.country_edit.setPlaceholderText("e.g. KZ, Kazakhstan or Kasachstan")
        self.description_edit = QPlainTextEdit(box)
        self.external_edit = QLineEdit(box)
        self.external_edit.setPlaceholderText("e.g. Q12345")
        self.field_error = error_label(box)
        save = QPushButton("Save", box)
        save.setObjectName("saveActor")
        save.clicked.connect(self.save_fields)
        form = QFormLayout(box)
        for label, widget in (("Name:", self.name_edit), ("Kind:", self.kind_edit),
                              ("Country:", self.country_edit),
                              ("Description:", self.description_edit),
                              ("Wikidata id:", self.external_edit)):
            form.addRow(label, widget)
        form.addRow(self.field_error)
        form.addRow(save)
        return box

    # -- list -----------------------------------------------------------------------------
    @property
    def nb(self) -> Notebook:
        return self._controller.nb

    def refresh(self, *_args: Any) -> None:
        """Reload the list with the filter; keep the current actor if it is still shown."""
        current = self.actor_id
        actors = self.nb.actors.list(kind=self.kind_filter.currentData() or "",
                                     text=self.filter.text().strip())
        with QSignalBlocker(self.table.selectionModel()):
            self.model.set_actors(actors)
        row = self.model.row_of(current)
        if row >= 0:
            self.table.selectRow(row)
        self._show(current if row >= 0 or self._exists(current) else 0)

    def _exists(self, actor_id: int) -> bool:
        if not actor_id:
            return False
        try:
            self.nb.actors.get(actor_id)
        except NotFound:
            return False
        return True

    def select_actor(self, actor_id: int) -> bool:
        """Show ``actor_id`` (clearing a filter that hides it); False if it does not exist."""
        if not self._exists(actor_id):
            return False
        if self.model.row_of(actor_id) < 0:
            with QSignalBlocker(self.filter), QSignalBlocker(self.kind_filter):
                self.filter.clear()
                self.kind_filter.setCurrentIndex(0)
        self.actor_id = actor_id
        self.refresh()
        return True

    def selected_actor_ids(self) -> list[int]:
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [self.model.actor(r).id for r in rows]

    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._show(self.model.actor(current.row()).id)
            self.actorSelected.emit(self.actor_id)

    def _on_changed(self, changes: Changes) -> None:
        if touches_actors(changes):
            self.refresh()
        elif touches_notes(changes):
            self.backlinks.refresh()

    def _on_notebook_opened(self, _nb: Any) -> None:
        self.actor_id = 0
        self.form.fill(None)
        self.refresh()

    def _on_conflict_settled(self, error: ConflictError, origin: object) -> None:
        """The user settled a conflict this view's edit met: show the actor as stored
        now, with its new version (an alias' conflict leaves typed field edits alone)."""
        if origin is self:
            if error.conflict is None or error.conflict.table == "actor":
                self.form.fill(None)
            self.refresh()

    # -- detail ---------------------------------------------------------------------------
    def _show(self, actor_id: int) -> None:
        self.actor_id = actor_id
        actor = self.nb.actors.get(actor_id) if actor_id else None
        self.tabs.setEnabled(actor is not None)
        self._show_fields(actor)
        self._show_aliases(actor)
        self._show_related(actor_id if actor else 0)
        self.backlinks.show_for(actor_id if actor else 0)

    def _show_fields(self, actor: Actor | None) -> None:
        """Fill the fields; the actor shown already keeps its unsaved edits."""
        if actor is not None and self.form.shown is not None and \
                self.form.shown.id == actor.id:
            self.form.refresh(actor)
            return
        show_error(self.field_error, "")
        self.form.fill(actor)
        if actor is None:
            for line in (self.name_edit, self.country_edit, self.external_edit):
                line.setText("")
            self.kind_edit.setCurrentText("other")
            self.description_edit.setPlainText("")

    def _show_related(self, actor_id: int) -> None:
        for widget in (self.mentions, self.co_actors, self.roles):
            widget.clear()
        if not actor_id:
            return
        for m in self.nb.actors.mentions(actor_id):
            item = QListWidgetItem(f"{m.article_title} ({m.article_outlet}, "
                                   f"{m.article_published})\n{mention_context(m)}",
                                   self.mentions)
            item.setData(Qt.ItemDataRole.UserRole, (m.article_id, m.start, m.end))
        for co in self.nb.actors.co_actors(actor_id):
            item = QListWidgetItem(f"{co.name} ({co.kind}) — {co.shared_articles} "
                                   f"shared articles", self.co_actors)
            item.setData(Qt.ItemDataRole.UserRole, co.actor_id)
        for role in self.nb.actors.roles(actor_id):
            item = QListWidgetItem(f"{role.agreement_title} — {role.role}", self.roles)
            item.setData(Qt.ItemDataRole.UserRole, role.agreement_id)

    def _on_mention_activated(self, item: QListWidgetItem) -> None:
        article_id, start, end = item.data(Qt.ItemDataRole.UserRole)
        self.openPassage.emit(article_id, start, end)

    def _on_co_actor_activated(self, item: QListWidgetItem) -> None:
        self.select_actor(int(item.data(Qt.ItemDataRole.UserRole)))

    def _on_role_activated(self, item: QListWidgetItem) -> None:
        self.openAgreement.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    # -- editing --------------------------------------------------------------------------
    def field_problem(self) -> str:
        """What is wrong with the edited fields, or ""."""
        try:
            clean_actor_name(self.name_edit.text())
            clean_country(self.country_edit.text())
            clean_external_id(self.external_edit.text())
        except DossierError as exc:
            return str(exc)
        return ""

    def save_fields(self) -> None:
        """Save the edited fields of the current actor, or say what is wrong."""
        message = self.field_problem()
        show_error(self.field_error, message)
        seen = self.form.shown
        if message or seen is None:
            return
        actor_id, actors = seen.id, self.nb.actors
        name, kind = self.name_edit.text(), self.kind_edit.currentText()
        country, external_id = self.country_edit.text(), self.external_edit.text()
        description = self.description_edit.toPlainText()
        self._controller.edit(lambda: actors.update(
            actor_id, name=name, kind=kind, country=country, description=description,
            external_id=external_id, seen=seen), self)

    def new_actor(self) -> int:
        """Ask for a new actor and show it; returns its id (0 if cancelled)."""
        dialog = NewActorDialog(self._controller, self)
        if dialog.exec() and dialog.actor_id:
            self.select_actor(dialog.actor_id)
        return dialog.actor_id

    def merge_selected(self) -> bool:
        """Merge the selected actors into the current one, after confirmation."""
        target = self.actor_id
        sources = [a for a in self.selected_actor_ids() if a != target]
        if not target or not sources:
            return False
        names = ", ".join(self.nb.actors.get(a).name for a in sources)
        question = (f"Merge {names} into “{self.nb.actors.get(target).name}”? Their aliases, "
                    f"mentions and party roles move over. You can undo this.")
        if not self.confirm(question):
            return False
        actors = self.nb.actors
        return self._controller.edit(lambda: actors.merge(sources, target), self) is not None

    def delete_current(self) -> bool:
        """Delete the current actor after saying what will change."""
        actor_id, actors = self.actor_id, self.nb.actors
        if not actor_id:
            return False
        impact = actors.delete_impact(actor_id)
        if not self.confirm(impact.describe()[0].upper() + impact.describe()[1:] +
                            ".\nDelete it? You can undo this."):
            return False
        force, seen = impact.is_party, self.form.shown
        if self._controller.edit(lambda: actors.delete(actor_id, force=force, seen=seen),
                                 self) is None:
            return False
        self._show(0)
        return True

    def _ask(self, question: str) -> bool:
        answer = QMessageBox.question(self, "Actors", question)
        return answer == QMessageBox.StandardButton.Yes
