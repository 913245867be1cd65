"""The main window: library, readers, inspector and search around one notebook.

The window owns every QAction and shortcut (the child widgets add none that are
application-wide), the menus, the status bar, drag-and-drop import, recent notebooks
and the saved layout (``QSettings`` given by the caller, so tests can isolate it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QWidget,
)

from app.core.changes import Changes
from app.core.errors import DossierError
from app.core.records import IndexStatus
from app.gui.actors.mount import mount_actor_views
from app.gui.annotate.inspector import InspectorPanel
from app.gui.annotate.tag_manager import TagManagerDialog
from app.gui.common.about import APP_NAME, make_about_box
from app.gui.common.controller import NotebookController
from app.gui.common.help import HelpDialog
from app.gui.common.tasks import TaskRunner, prefer_gui_thread
from app.gui.corrections.mount import mount_corrections
from app.gui.library.actions import (
    LibraryActions,
    restore_library_state,
    save_library_state,
)
from app.gui.library.import_dialog import ImportDialog
from app.gui.library.metadata_dialog import MetadataDialog
from app.gui.library.panel import LibraryPanel
from app.gui.notes.mount import mount_notes
from app.gui.reader.area import ReaderArea
from app.gui.search.panel import SearchPanel
from app.gui.window.menus import build_actions, build_menus
from app.gui.window.navigation import WindowNavigation
from app.gui.window.session import (
    KEY_GEOMETRY,
    KEY_STATE,
    collapsed_docks,
    default_opener,
    notebook_location,
    recent_notebooks,
    remember_recent,
    save_collapsed_docks,
    save_panes,
    saved_panes,
)
from app.gui.window.status import IndexStatusRelay, index_status_text

if TYPE_CHECKING:
    from app.services import Notebook

log = logging.getLogger(__name__)

NotebookOpener = Callable[[str], "Notebook"]


class MainWindow(WindowNavigation):
    """Dossier's main window over the controller's notebook."""

    recent_menu: QMenu
    edit_menu: QMenu

    def __init__(
        self,
        controller: NotebookController,
        settings: QSettings,
        runner: TaskRunner | None = None,
        opener: NotebookOpener = default_opener,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.settings = settings
        self.runner = runner or TaskRunner(self)
        prefer_gui_thread()  # imports and the indexer must not starve painting
        self._opener = opener
        self._reader_article = 0
        self.import_dialogs: list[ImportDialog] = []
        self.menu_actions: dict[str, QAction] = {}
        self._menus: dict[str, QMenu] = {}
        self.help_dialog: HelpDialog | None = None
        self.setObjectName("MainWindow")
        self.setAcceptDrops(True)
        self._fit_to_screen(1400, 900)
        self._index_relay = IndexStatusRelay(self)
        self._build_central()
        self._build_docks()
        build_actions(self)
        build_menus(self)
        self.notes_view, self.notes_dock = mount_notes(self)
        self.actor_views = mount_actor_views(self)
        self.review_panel, self.review_dock = mount_corrections(self)
        self.reader_area.set_selection_actions([self.menu_actions[name] for name in (
            "quick_tag", "mark_actor", "new_agreement", "add_evidence", "copy_citation")])
        self._build_status_bar()
        self._connect()
        self._attach_notebook()
        self.restore_layout()

    # --- building -------------------------------------------------------------------------
    def _build_central(self) -> None:
        self.reader_area = ReaderArea(self.controller, self)
        self.setCentralWidget(self.reader_area)


    def _build_docks(self) -> None:
        self.library = LibraryPanel(self.controller, self)
        self.inspector = InspectorPanel(self.controller, self)
        self.search_panel = SearchPanel(self.controller, self)
        self.library_actions = LibraryActions(self.library, self.controller, self.open_article)
        area = Qt.DockWidgetArea
        self.library_dock = self.add_dock(
            "Library", "LibraryDock", self.library, area.LeftDockWidgetArea, shortcut="Ctrl+Shift+1"
        )
        self.inspector_dock = self.add_dock(
            "Inspector", "InspectorDock", self.inspector, area.RightDockWidgetArea,
            shortcut="Ctrl+Shift+2",
        )
        self.search_dock = self.add_dock(
            "Search", "SearchDock", self.search_panel, area.BottomDockWidgetArea,
            shortcut="Ctrl+Shift+3",
        )
        # Side docks take at most 30% and a quarter of the window, so at 1024 px a reader
        # keeps its minimum width between them (the library's titles need the room).
        side = min(420, self.width() * 3 // 10), min(300, self.width() // 4)
        self.resizeDocks(
            [self.library_dock, self.inspector_dock], list(side), Qt.Orientation.Horizontal
        )
        self.resizeDocks([self.search_dock], [180], Qt.Orientation.Vertical)


    def _build_status_bar(self) -> None:
        self.notebook_label = QLabel(self)
        self.index_label = QLabel(self)
        self.statusBar().addWidget(self.notebook_label)
        self.statusBar().addPermanentWidget(self.index_label)

    def _connect(self) -> None:
        self.controller.changed.connect(self._on_changed)
        self.library.openArticle.connect(self.open_article)
        self.search_panel.openHit.connect(self.open_hit)
        self.search_panel.openHitInNewPane.connect(self.open_hit_in_new_pane)
        self.reader_area.highlightActivated.connect(self._on_highlight_activated)
        self.reader_area.currentArticleChanged.connect(self._on_current_article_changed)
        self.inspector.openPassage.connect(self.open_passage)
        self.search_panel.openNote.connect(self.open_note)
        self.inspector.openNote.connect(self.open_note)
        self.inspector.openArticle.connect(self.open_article)
        self.inspector.openActor.connect(self.open_actor)
        self.inspector.openAgreement.connect(self.open_agreement)
        self._index_relay.statusChanged.connect(self._on_index_status)

    # --- notebook -------------------------------------------------------------------------
    @property
    def nb(self) -> Notebook:
        """The open services ``Notebook``."""
        return self.controller.nb

    def _attach_notebook(self) -> None:
        nb = self.nb
        self.setWindowTitle(f"{nb.name} — {APP_NAME}")
        self.notebook_label.setText(f"Notebook: {nb.name}")
        self.notebook_label.setToolTip(notebook_location(nb))
        nb.search.add_listener(self._index_relay.listener)
        self._on_index_status(nb.search.status())
        remember_recent(self.settings, notebook_location(nb))
        self._reader_article = 0
        self.update_actions()

    def open_notebook(self, path: str) -> bool:
        """Open the notebook at ``path`` in this window; False (and a message) on failure."""
        if path == notebook_location(self.nb):
            return True
        try:
            notebook = self._opener(path)
        except DossierError as exc:
            QMessageBox.warning(self, APP_NAME, f"Cannot open {path}:\n{exc}")
            return False
        self.save_panes()
        self._close_all_panes()
        self._stop_tasks()  # they read and write the old notebook, which closes next
        old = self.controller.nb
        self.controller.set_notebook(notebook)
        old.close()
        self._attach_notebook()
        self.restore_panes()
        return True

    def _close_all_panes(self) -> None:
        for _ in range(len(self.reader_area.open_article_ids()) + 1):
            if not self.reader_area.open_article_ids():
                break
            self.reader_area.close_current_pane()

    def choose_notebook(self) -> None:
        """File > Open Notebook: pick a notebook folder."""
        path = self._ask_directory("Open Notebook")
        if path:
            self.open_notebook(path)

    def new_notebook(self) -> None:
        """File > New Notebook: pick (or create) an empty folder for a new notebook."""
        path = self._ask_directory("New Notebook: choose an empty folder")
        if path:
            self.open_notebook(path)

    def _ask_directory(self, title: str) -> str:
        start = Path(self.nb.path).parent if self.nb.path else Path.home()
        return QFileDialog.getExistingDirectory(self, title, str(start))

    # --- recent notebooks -----------------------------------------------------------------
    def recent_notebooks(self) -> list[str]:
        """Paths of recently opened notebooks, most recent first."""
        return recent_notebooks(self.settings)

    def fill_recent_menu(self) -> None:
        """Fill File > Recent Notebooks (each time it opens)."""
        self.recent_menu.clear()
        for number, path in enumerate(self.recent_notebooks(), start=1):
            action = self.recent_menu.addAction(f"&{number} {Path(path).name} — {path}")
            action.setData(path)
            action.triggered.connect(self._on_recent_triggered)
        self.recent_menu.setEnabled(True)

    def _on_recent_triggered(self) -> None:
        action = self.sender()
        if isinstance(action, QAction) and action.data():
            self.open_notebook(str(action.data()))

    # --- import ---------------------------------------------------------------------------
    def start_import(self, paths: Sequence[str | Path]) -> ImportDialog | None:
        """Import files and folders in the background, showing progress and a summary."""
        if not paths:
            return None
        dialog = ImportDialog(self.controller, self.runner, paths, self)
        dialog.finished.connect(self._on_import_dialog_closed)
        self.import_dialogs.append(dialog)
        dialog.show()
        return dialog

    def _on_import_dialog_closed(self) -> None:
        dialog = self.sender()
        if dialog in self.import_dialogs:
            self.import_dialogs.remove(dialog)
            dialog.deleteLater()

    def choose_import_files(self) -> None:
        """File > Import Files."""
        paths, _ = QFileDialog.getOpenFileNames(
            self,
            "Import Files",
            "",
            "Articles (*.txt *.md *.html *.htm *.pdf *.docx *.zip);;All files (*)",
        )
        self.start_import(paths)

    def choose_import_folder(self) -> None:
        """File > Import Folder."""
        path = QFileDialog.getExistingDirectory(self, "Import Folder")
        if path:
            self.start_import([path])

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if local_paths(event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = local_paths(event.mimeData().urls())
        if paths:
            event.acceptProposedAction()
            self.start_import(paths)

    def _on_highlight_activated(self, highlight_id: int) -> None:
        """Show the highlight in the inspector and bring its dock forward (it may be
        tabbed behind the notes or closed); the keyboard focus stays in the reader."""
        self.inspector.show_highlight(highlight_id or None)
        if highlight_id:
            self.inspector_dock.show()
            self.inspector_dock.raise_()

    def _on_current_article_changed(self, article_id: int) -> None:
        self._reader_article = article_id
        self.update_actions()

    # --- editing --------------------------------------------------------------------------
    def current_article_id(self) -> int:
        """The article Edit commands act on: the library's if focused, else the reader's."""
        if self.library.table.hasFocus() or not self._reader_article:
            return self.library.selected_article_id() or self._reader_article
        return self._reader_article

    def edit_metadata(self) -> None:
        """Edit > Edit Metadata of the current article."""
        article_id = self.current_article_id()
        if article_id:
            MetadataDialog(self.controller, article_id, self).exec()

    def delete_article(self) -> None:
        """Edit > Delete Article, after confirmation (undoable). With several articles
        selected in the focused library, all of them (one undo step)."""
        if self.library.table.hasFocus() and len(self.library.selected_article_ids()) > 1:
            self.library_actions.ask_and_apply("delete")
            return
        article_id = self.current_article_id()
        if not article_id:
            return
        title = self.nb.articles.get(article_id).title or "(untitled)"
        if self._confirm(f"Delete the article “{title}” and its highlights?\nYou can undo this."):
            nb = self.nb
            self.controller.edit(lambda: nb.articles.delete([article_id]), self)

    def _confirm(self, question: str) -> bool:
        answer = QMessageBox.question(self, APP_NAME, question)
        return answer == QMessageBox.StandardButton.Yes

    def show_tag_manager(self) -> None:
        """Annotate > Tag Manager."""
        dialog = TagManagerDialog(self.controller, self)
        dialog.openPassage.connect(self.open_passage)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    def show_about(self) -> None:
        """Help > About."""
        make_about_box(self).exec()

    def show_first_steps(self) -> None:
        self.show_help("first-steps")

    def show_shortcuts(self) -> None:
        self.show_help("shortcuts")

    def show_search_help(self) -> None:
        self.show_help("search")

    def show_help(self, page: str) -> HelpDialog:
        """Help > First Steps / Keyboard Shortcuts / Search Syntax (one dialog, kept)."""
        if self.help_dialog is None:
            self.help_dialog = HelpDialog(self.actions(), self)
        self.help_dialog.show_page(page)
        return self.help_dialog

    # --- state of actions and status ------------------------------------------------------
    def _on_changed(self, changes: Changes) -> None:
        self.update_actions()
        if self._reader_article in changes.deleted_articles:
            self._reader_article = 0

    def update_actions(self) -> None:
        """Refresh the Undo/Redo labels and enable what the current state allows."""
        history = self.nb.history
        undo, redo = self.menu_actions["undo"], self.menu_actions["redo"]
        undo.setEnabled(history.can_undo)
        redo.setEnabled(history.can_redo)
        undo.setText(f"&Undo {history.undo_label}" if history.can_undo else "&Undo")
        redo.setText(f"&Redo {history.redo_label}" if history.can_redo else "&Redo")
        self.menu_actions["sync_scrolling"].setChecked(self.reader_area.is_sync_scrolling())

    def _on_index_status(self, status: IndexStatus) -> None:
        self.index_label.setText(index_status_text(status))

    # --- layout ---------------------------------------------------------------------------
    def save_panes(self) -> None:
        """Remember the open reader panes of the current notebook."""
        save_panes(self.settings, notebook_location(self.nb), self.reader_area.save_state())

    def restore_panes(self) -> None:
        """Reopen the reader panes saved for the current notebook."""
        state = saved_panes(self.settings, notebook_location(self.nb))
        if state is not None:
            self.reader_area.restore_state(state)
            self.update_actions()

    def save_layout(self) -> None:
        """Save geometry, docks and panes to the settings."""
        self.settings.setValue(KEY_GEOMETRY, self.saveGeometry())
        self.settings.setValue(KEY_STATE, self.saveState())
        save_collapsed_docks(self.settings, self.side_bars.collapsed_names())
        save_library_state(self.library, self.settings)
        self.save_panes()
        self.settings.sync()

    def restore_layout(self) -> None:
        """Restore geometry, docks and panes saved by :meth:`save_layout`."""
        geometry = self.settings.value(KEY_GEOMETRY)
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.value(KEY_STATE)
        if state is not None:
            self.restoreState(state)
        self.side_bars.collapse_names(collapsed_docks(self.settings))
        restore_library_state(self.library, self.settings)
        self.restore_panes()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._stop_tasks()
        self.save_layout()
        super().closeEvent(event)

    def _stop_tasks(self) -> None:
        """Cancel the running tasks and wait for them: a closed notebook refuses their
        reads and writes."""
        if self.runner.active_tasks:
            self.runner.cancel_all()
            self.runner.wait(10_000)


def local_paths(urls: Sequence[Any]) -> list[str]:
    """Local file paths among dropped URLs (remote URLs are ignored)."""
    return [url.toLocalFile() for url in urls if url.isLocalFile()]
