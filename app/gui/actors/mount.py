"""The main window's actor docks (actors, agreements, network, timeline) and its Actors
menu: marking actors, new agreements and evidence from a selection, finding mentions,
exporting."""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QObject,
    Qt,
)
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QMessageBox,
    QProgressDialog,
)

from app.core.actor_records import SuggestionReport
from app.core.progress import ProgressEvent
from app.gui.actors.actors_view import ActorsView
from app.gui.actors.agreements_view import AgreementsView
from app.gui.actors.dialogs import (
    EvidenceDialog,
    MarkActorPopup,
    NewAgreementDialog,
)
from app.gui.actors.network_panel import NetworkPanel
from app.gui.actors.network_view import NetworkView
from app.gui.actors.suggestions_dialog import SuggestionReviewDialog
from app.gui.actors.timeline_panel import TimelinePanel
from app.gui.actors.timeline_view import TimelineView
from app.gui.common.controller import NotebookController
from app.services import ActorExports

if TYPE_CHECKING:  # the window imports this module: a cycle only for the type checker
    from app.gui.window.main_window import MainWindow

log = logging.getLogger(__name__)


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
        self.actors_view = ActorsView(self._controller, w, settings=w.settings)
        self.agreements_view = AgreementsView(self._controller, w, settings=w.settings)
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
        for dock in self.docks:  # shown from the menu or its shortcut: bring it forward
            dock.toggleViewAction().triggered.connect(
                lambda checked, d=dock: d.raise_() if checked else None)
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
        self.actors_view.openNote.connect(w.open_note)
        self.agreements_view.openNote.connect(w.open_note)
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
        dialog = NewAgreementDialog(self._controller, selection[0], parent=self.window,
                                    passage=selection[1])
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
