"""The actors view: a filterable table of actors and everything about the current one.

The detail shows the actor's fields (editable, validated in place), its aliases, every
mention in context across articles (activating one opens the passage), co-occurring
actors and the agreements it is a party to. Merge and delete ask first; delete says
what will change. Data comes from ``nb.actors``; edits go through the controller and
the view refreshes from ``controller.changed``.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QSignalBlocker,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.actor_records import ACTOR_KINDS, Actor, Mention, SuggestionReport
from app.core.changes import Changes
from app.core.errors import DossierError, NotFound
from app.core.progress import ProgressEvent
from app.gui.actors.agreements_view import AgreementsView
from app.gui.actors.dialogs import (
    EvidenceDialog,
    MarkActorPopup,
    NewActorDialog,
    NewAgreementDialog,
    SuggestionReviewDialog,
    _error_label,
    _show_error,
    button_row,
)
from app.gui.actors.network_panel import NetworkPanel
from app.gui.actors.network_view import NetworkView
from app.gui.actors.timeline_panel import TimelinePanel
from app.gui.actors.timeline_view import TimelineView
from app.gui.common.controller import NotebookController
from app.gui.common.record_model import RecordTableModel
from app.services import ActorExports, clean_actor_name, clean_country, clean_external_id

if TYPE_CHECKING:  # the window imports this module: a cycle only for the type checker
    from app.gui.window.main_window import MainWindow
    from app.services import Notebook

log = logging.getLogger(__name__)

CONTEXT = 60
"""Code points of context shown either side of a mention."""


def mention_context(mention: Mention, width: int = CONTEXT) -> str:
    """"…prefix [exact] suffix…" on one line, for lists."""
    prefix = " ".join(mention.prefix[-width:].split())
    suffix = " ".join(mention.suffix[:width].split())
    return f"…{prefix} [{mention.exact}] {suffix}…"


def touches_actors(changes: Changes) -> bool:
    """Whether an edit can change what the actor views show (names, counts, roles)."""
    return bool(changes.actors or changes.deleted_actors or changes.agreements or
                changes.deleted_agreements or changes.touches_highlights or
                changes.touches_articles)


class ActorTableModel(RecordTableModel[Actor]):
    """Actors: name, kind, country, number of aliases, number of mentions."""

    HEADERS = ("Name", "Kind", "Country", "Aliases", "Mentions")

    def set_actors(self, actors: Sequence[Actor]) -> None:
        self.set_rows(actors)

    def actor(self, row: int) -> Actor:
        return self.record(row)

    def cell(self, actor: Actor, column: int) -> Any:
        return (actor.name, actor.kind, actor.country_en or actor.country,
                len(actor.aliases), actor.mention_count)[column]

    def extra(self, actor: Actor, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            return ", ".join(actor.spellings)
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class ActorsView(QWidget):
    """List of actors with a text/kind filter, and the current actor's detail."""

    openPassage = Signal(int, int, int)  # article id, start, end (code points)
    openAgreement = Signal(int)
    actorSelected = Signal(int)

    def __init__(self, controller: NotebookController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self.actor_id = 0
        #: Asks a yes/no question; replaced in tests.
        self.confirm: Callable[[str], bool] = self._ask
        self._build()
        controller.changed.connect(self._on_changed)
        controller.notebookOpened.connect(self._on_notebook_opened)
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
        splitter.addWidget(self.tabs)
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
        self.model = ActorTableModel(self)
        self.table = QTableView(box)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
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
        self.country_edit.setPlaceholderText("KZ, Kazakhstan or Kasachstan")
        self.description_edit = QPlainTextEdit(box)
        self.external_edit = QLineEdit(box)
        self.external_edit.setPlaceholderText("Q12345")
        self.field_error = _error_label(box)
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

    def _build_aliases(self) -> QWidget:
        box = QWidget(self)
        self.aliases = QTableWidget(0, 3, box)
        self.aliases.setHorizontalHeaderLabels(["Spelling", "Language", "Script"])
        self.aliases.horizontalHeader().setStretchLastSection(True)
        self.aliases.itemChanged.connect(self._on_alias_edited)
        self.alias_input = QLineEdit(box)
        self.alias_input.setPlaceholderText("New spelling")
        self.alias_language = QLineEdit(box)
        self.alias_language.setPlaceholderText("de")
        self.alias_language.setMaximumWidth(60)
        self.alias_input.returnPressed.connect(self.add_alias)
        add, remove = QPushButton("Add", box), QPushButton("Remove", box)
        add.setObjectName("addAlias")
        remove.setObjectName("removeAlias")
        add.clicked.connect(self.add_alias)
        remove.clicked.connect(self.remove_alias)
        row = QHBoxLayout()
        for widget in (self.alias_input, self.alias_language, add, remove):
            row.addWidget(widget)
        self.alias_error = _error_label(box)
        layout = QVBoxLayout(box)
        layout.addWidget(self.aliases)
        layout.addLayout(row)
        layout.addWidget(self.alias_error)
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

    def _on_notebook_opened(self, _nb: Any) -> None:
        self.actor_id = 0
        self.refresh()

    # -- detail ---------------------------------------------------------------------------
    def _show(self, actor_id: int) -> None:
        self.actor_id = actor_id
        actor = self.nb.actors.get(actor_id) if actor_id else None
        self.tabs.setEnabled(actor is not None)
        self._show_fields(actor)
        self._show_aliases(actor)
        self._show_related(actor_id if actor else 0)

    def _show_fields(self, actor: Actor | None) -> None:
        _show_error(self.field_error, "")
        self.name_edit.setText(actor.name if actor else "")
        self.kind_edit.setCurrentText(actor.kind if actor else "other")
        self.country_edit.setText(actor.country if actor else "")
        self.description_edit.setPlainText(actor.description if actor else "")
        self.external_edit.setText(actor.external_id if actor else "")

    def _show_aliases(self, actor: Actor | None) -> None:
        with QSignalBlocker(self.aliases):
            aliases = actor.aliases if actor else ()
            self.aliases.setRowCount(len(aliases))
            for row, alias in enumerate(aliases):
                for column, text in enumerate((alias.name, alias.language, alias.script)):
                    item = QTableWidgetItem(text)
                    item.setData(Qt.ItemDataRole.UserRole, alias.id)
                    if column == 2:
                        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                    self.aliases.setItem(row, column, item)

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
        _show_error(self.field_error, message)
        if message or not self.actor_id:
            return
        actor_id, actors = self.actor_id, self.nb.actors
        values = dict(name=self.name_edit.text(), kind=self.kind_edit.currentText(),
                      country=self.country_edit.text(),
                      description=self.description_edit.toPlainText(),
                      external_id=self.external_edit.text())
        self._controller.edit(lambda: actors.update(actor_id, **values), self)

    def add_alias(self) -> None:
        """Add the typed spelling (with its language) to the current actor."""
        name, language = self.alias_input.text(), self.alias_language.text()
        if not self.actor_id or not name.strip():
            return
        actor_id, actors = self.actor_id, self.nb.actors
        spellings = {s.casefold() for s in actors.get(actor_id).spellings}
        if " ".join(name.split()).casefold() in spellings:
            _show_error(self.alias_error, f"“{name.strip()}” is already a spelling of this actor")
            return
        _show_error(self.alias_error, "")
        if self._controller.edit(lambda: actors.add_alias(actor_id, name, language), self):
            self.alias_input.clear()

    def remove_alias(self) -> None:
        """Remove the alias in the current row of the alias table."""
        item = self.aliases.item(self.aliases.currentRow(), 0)
        if item is not None:
            alias_id, actors = int(item.data(Qt.ItemDataRole.UserRole)), self.nb.actors
            self._controller.edit(lambda: actors.remove_alias(alias_id), self)

    def _on_alias_edited(self, item: QTableWidgetItem) -> None:
        alias_id, actors, text = int(item.data(Qt.ItemDataRole.UserRole)), self.nb.actors, \
            item.text()
        if item.column() == 0:
            self._controller.edit(lambda: actors.set_alias(alias_id, name=text), self)
        elif item.column() == 1:
            self._controller.edit(lambda: actors.set_alias(alias_id, language=text), self)

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
        force = impact.is_party
        if self._controller.edit(lambda: actors.delete(actor_id, force=force), self) is None:
            return False
        self._show(0)
        return True

    def _ask(self, question: str) -> bool:
        answer = QMessageBox.question(self, "Actors", question)
        return answer == QMessageBox.StandardButton.Yes



# -- the main window's actor docks and menu --------------------------------------------------
class ActorViews(QObject):
    """Mounts the actors, agreements and network docks and the Actors menu on the main
    window, and runs the menu's commands (the window only forwards ``open_actor`` and
    ``open_agreement``). Task signals arrive here, a GUI-thread object."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._controller: NotebookController = window.controller
        self.popup: QDialog | None = None
        self.dialog: QDialog | None = None
        self.review: SuggestionReviewDialog | None = None
        self.progress: dict[QObject, QProgressDialog] = {}
        self.task: Any = None
        self.exported: list[Path] = []
        self._build_docks()
        self._build_menu()
        self._connect()

    def _build_docks(self) -> None:
        w, area = self.window, Qt.DockWidgetArea
        self.actors_view = ActorsView(self._controller, w)
        self.agreements_view = AgreementsView(self._controller, w)
        self.network_view = NetworkView(self._controller, w, runner=w.runner,
                                        settings=w.settings)
        self.timeline_view = TimelineView(self._controller, w)
        self.timeline_panel = TimelinePanel(self._controller, self.timeline_view, w)
        self.actors_dock = w.add_dock("Actors", "ActorsDock", self.actors_view,
                                      area.RightDockWidgetArea, tab_with=w.inspector_dock,
                                      shortcut="Ctrl+Shift+6")
        self.agreements_dock = w.add_dock("Agreements", "AgreementsDock", self.agreements_view,
                                          area.RightDockWidgetArea, tab_with=self.actors_dock,
                                          shortcut="Ctrl+Shift+7")
        self.network_dock = w.add_dock("Network", "NetworkDock",
                                       NetworkPanel(self.network_view, w),
                                       area.BottomDockWidgetArea, tab_with=w.search_dock,
                                       shortcut="Ctrl+Shift+8")
        self.timeline_dock = w.add_dock("Timeline", "TimelineDock", self.timeline_panel,
                                        area.BottomDockWidgetArea, tab_with=self.network_dock,
                                        shortcut="Ctrl+Shift+9")
        self.docks = [self.actors_dock, self.agreements_dock, self.network_dock,
                      self.timeline_dock]
        w.inspector_dock.raise_()
        w.search_dock.raise_()

    def _build_menu(self) -> None:
        w = self.window
        self.menu = w.add_menu("actors", "A&ctors", before="window")
        for number, (name, text, slot, keys) in enumerate((
                ("mark_actor", "&Mark as Actor…", self.mark_as_actor, "Ctrl+Shift+A"),
                ("new_agreement", "New &Agreement from Selection…",
                 self.new_agreement_from_selection, "Ctrl+Alt+G"),
                ("add_evidence", "Add as &Evidence…", self.add_as_evidence, "Ctrl+Alt+E"),
                ("find_mentions", "&Find Actor Mentions…", self.find_mentions, None),
                ("export_actors", "E&xport Actors and Agreements…", self.choose_export, None))):
            if number == 3:
                self.menu.addSeparator()
            self.menu.addAction(w.add_action(name, text, slot, keys))
        self.menu.addSeparator()
        self.menu.addActions([d.toggleViewAction() for d in self.docks])

    def _connect(self) -> None:
        w = self.window
        self.actors_view.openPassage.connect(w.open_passage)
        self.agreements_view.openPassage.connect(w.open_passage)
        self.actors_view.openAgreement.connect(self.show_agreement)
        self.actors_view.actorSelected.connect(self._on_actor_selected)
        self.agreements_view.agreementSelected.connect(self._on_agreement_selected)
        self.network_view.actorClicked.connect(self.show_actor)
        self.network_view.agreementClicked.connect(self.show_agreement)
        self.timeline_view.passageClicked.connect(w.open_passage)
        self.timeline_view.agreementClicked.connect(self.show_agreement)

    # -- showing ----------------------------------------------------------------------------
    def show_actor(self, actor_id: int) -> bool:
        """Raise the actors dock with ``actor_id`` selected."""
        self.actors_dock.show()
        self.actors_dock.raise_()
        return self.actors_view.select_actor(actor_id)

    def show_agreement(self, agreement_id: int) -> bool:
        """Raise the agreements dock with ``agreement_id`` selected."""
        self.agreements_dock.show()
        self.agreements_dock.raise_()
        return self.agreements_view.select_agreement(agreement_id)

    def _on_actor_selected(self, actor_id: int) -> None:
        self.network_view.select_node("actor", actor_id)

    def _on_agreement_selected(self, agreement_id: int) -> None:
        self.network_view.select_node("agreement", agreement_id)

    # -- commands on the reader's selection -----------------------------------------------
    def _selection(self) -> tuple[tuple[int, int, int], str] | None:
        span = self.window.reader_area.selected_span()
        if span is None or span[1] == span[2]:
            self.window.statusBar().showMessage("Select a passage in an article first", 4000)
            return None
        text = self._controller.nb.articles.get(span[0]).text[span[1]:span[2]]
        return span, " ".join(text.split())

    def mark_as_actor(self) -> MarkActorPopup | None:
        """Actors > Mark as Actor: the fuzzy-completion popup for the selection."""
        selection = self._selection()
        if selection is None:
            return None
        popup = MarkActorPopup(self._controller, selection[0], selection[1], self.window)
        popup.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        popup.accepted.connect(self._on_marked)
        self.popup = popup
        popup.show()
        popup.field.selectAll()
        popup.field.setFocus()
        return popup

    def _on_marked(self) -> None:
        popup = self.sender()
        if isinstance(popup, MarkActorPopup) and popup.mention_id:
            mention = self._controller.nb.actors.mentions_in(popup._span[0])
            actor = next((m.actor_id for m in mention if m.id == popup.mention_id), 0)
            if actor:
                self.show_actor(actor)

    def new_agreement_from_selection(self) -> NewAgreementDialog | None:
        """Actors > New Agreement from Selection: the passage becomes the first evidence."""
        selection = self._selection()
        if selection is None:
            return None
        dialog = NewAgreementDialog(self._controller, selection[0], selection[1][:120],
                                    self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._on_agreement_created)
        self.dialog = dialog
        dialog.show()
        return dialog

    def _on_agreement_created(self) -> None:
        dialog = self.sender()
        if isinstance(dialog, NewAgreementDialog) and dialog.agreement_id:
            self.show_agreement(dialog.agreement_id)

    def add_as_evidence(self) -> EvidenceDialog | None:
        """Actors > Add as Evidence: cite the selection for an agreement."""
        selection = self._selection()
        if selection is None:
            return None
        agreements = self._controller.nb.agreements.list()
        dialog = EvidenceDialog(self._controller, selection[0], agreements,
                                self.agreements_view.agreement_id, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.show()
        return dialog

    # -- long work --------------------------------------------------------------------------
    def find_mentions(self) -> Any:
        """Actors > Find Actor Mentions: the suggestion pass in the background, then review."""
        self.task = self.window.runner.submit("find actor mentions", self._scan)
        self._watch(self.task, "Finding actor mentions…")
        self.task.succeeded.connect(self._on_suggestions)
        return self.task

    def _scan(self, progress: Any, cancel: Any) -> SuggestionReport:
        """Worker thread: the suggestion pass over every article."""
        return self._controller.nb.actors.suggestions.run(progress=progress, cancel=cancel)

    def _watch(self, task: Any, label: str) -> None:
        """Show a progress dialog with Cancel for ``task`` (one dialog per task)."""
        dialog = QProgressDialog(label, "Cancel", 0, 0, self.window)
        dialog.setWindowTitle("Actors")
        dialog.setMinimumDuration(300)
        dialog.canceled.connect(task.cancel)
        self.progress[task] = dialog
        task.progressed.connect(self._on_progress)
        task.failed.connect(self._on_failed)
        task.finished.connect(self._on_task_finished)

    def _on_progress(self, event: ProgressEvent) -> None:
        dialog = self.progress.get(self.sender())
        if dialog is not None:
            dialog.setMaximum(event.total)
            dialog.setValue(min(event.done, event.total) if event.total else 0)
            if event.label:
                dialog.setLabelText(event.label)

    def _on_failed(self, exc: object) -> None:
        QMessageBox.warning(self.window, "Actors", f"The task failed: {exc}")

    def _on_task_finished(self) -> None:
        dialog = self.progress.pop(self.sender(), None)
        if dialog is not None:
            dialog.reset()
            dialog.deleteLater()

    def _on_suggestions(self, report: SuggestionReport) -> None:
        stopped = " (stopped early)" if report.cancelled else ""
        self.window.statusBar().showMessage(
            f"{len(report.suggestions):,} suggested mentions in "
            f"{report.articles_scanned:,} articles{stopped}", 8000)
        self.review = SuggestionReviewDialog(self._controller, report.suggestions, self.window)
        self.review.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.review.destroyed.connect(self._on_review_closed)
        self.review.show()

    def _on_review_closed(self) -> None:
        self.review = None

    def choose_export(self) -> None:
        """Actors > Export: pick a folder for CSV, XLSX, GraphML and JSON files."""
        folder = QFileDialog.getExistingDirectory(self.window, "Export Actors and Agreements")
        if folder:
            self.export_to(Path(folder))

    def export_to(self, folder: Path) -> Any:
        """Write every actor/agreement export into ``folder`` in the background."""
        self.task = self.window.runner.submit(
            "export actors", functools.partial(self._export, Path(folder)))
        self._watch(self.task, "Exporting actors and agreements…")
        self.task.succeeded.connect(self._on_exported)
        return self.task

    def _export(self, folder: Path, progress: Any, cancel: Any) -> list[Path]:
        """Worker thread: the four export formats, one step each."""
        nb = self._controller.nb
        exports = ActorExports(nb.actors, nb.agreements)
        steps = (("CSV", lambda: exports.to_csv(folder)),
                 ("XLSX", lambda: [exports.to_xlsx(folder / "actors-agreements.xlsx")]),
                 ("GraphML", lambda: [exports.to_graphml(folder / "network.graphml")]),
                 ("JSON", lambda: [exports.to_json(folder / "actors-agreements.json")]))
        written: list[Path] = []
        for done, (label, step) in enumerate(steps):
            cancel.raise_if_cancelled()
            progress(ProgressEvent(done, len(steps), f"Writing {label}…"))
            written.extend(step())
        progress(ProgressEvent(len(steps), len(steps), "Done"))
        return written

    def _on_exported(self, paths: list[Path]) -> None:
        self.exported = list(paths)
        self.window.statusBar().showMessage(
            f"Exported {len(paths)} files to {paths[0].parent}" if paths else "Nothing exported",
            8000)


def mount_actor_views(window: MainWindow) -> ActorViews:
    """Add the actor, agreement and network docks and the Actors menu to ``window``."""
    return ActorViews(window)
