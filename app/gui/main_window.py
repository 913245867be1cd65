"""The main window: library, readers, inspector and search around one notebook.

The window owns every QAction and shortcut (the child widgets add none that are
application-wide), the menus, the status bar, drag-and-drop import, recent notebooks
and the saved layout (``QSettings`` given by the caller, so tests can isolate it).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QTextEdit,
    QWidget,
)

from app.core.changes import Changes
from app.core.errors import DossierError
from app.core.records import IndexStatus
from app.gui.about import APP_NAME, make_about_box
from app.gui.actors_view import mount_actor_views
from app.gui.controller import NotebookController
from app.gui.corrections import mount_corrections
from app.gui.help import HelpDialog
from app.gui.import_dialog import ImportDialog
from app.gui.inspector import InspectorPanel
from app.gui.library import LibraryPanel
from app.gui.library_actions import (
    LibraryActions,
    restore_library_state,
    save_library_state,
)
from app.gui.metadata_dialog import MetadataDialog
from app.gui.notes_view import mount_notes
from app.gui.reader_area import ReaderArea
from app.gui.search_panel import SearchPanel
from app.gui.tag_manager import TagManagerDialog
from app.gui.tasks import TaskRunner, prefer_gui_thread

if TYPE_CHECKING:
    from app.services import Notebook

log = logging.getLogger(__name__)

NotebookOpener = Callable[[str], "Notebook"]
MAX_RECENT = 8
KEY_RECENT = "notebooks/recent"
KEY_GEOMETRY = "window/geometry"
KEY_STATE = "window/state"


def default_opener(path: str) -> Notebook:
    """Open (or create) the notebook at ``path`` through the services layer."""
    from app.services import Notebook  # deferred: keeps widget tests free of the store

    return Notebook.open(path, background=True)


def notebook_location(nb: Notebook) -> str:
    """The folder (or database URL) a notebook was opened from, for settings and menus."""
    return str(nb.path) if getattr(nb, "path", None) else str(getattr(nb, "url", nb.name))


def index_status_text(status: IndexStatus) -> str:
    """Status-bar text for the search index: "indexing 120/1,028" or "index up to date"."""
    total = status.indexed + status.pending
    if status.is_rebuilding:
        return f"rebuilding index {status.indexed:,}/{total:,}"
    if status.pending:
        return f"indexing {status.indexed:,}/{total:,}"
    return "index up to date"


class IndexStatusRelay(QObject):
    """Carries index status from the indexer thread to the GUI thread (queued signal)."""

    statusChanged = Signal(object)  # IndexStatus

    def listener(self, status: IndexStatus) -> None:
        """The callback given to ``nb.search.add_listener``; runs on the indexer thread."""
        try:
            self.statusChanged.emit(status)
        except RuntimeError:  # the window is gone while the notebook still indexes
            log.debug("index status after window closed: %s", status)


class MainWindow(QMainWindow):
    """Dossier's main window over the controller's notebook."""

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
        self._build_actions()
        self._build_menus()
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

    def _fit_to_screen(self, width: int, height: int) -> None:
        """Start at ``width`` x ``height``, or at the screen's available size if smaller
        (a 1024 x 700 laptop must see the whole window, the inspector included)."""
        screen = self.screen()
        if screen is not None:
            room = screen.availableGeometry()
            width, height = min(width, room.width()), min(height, room.height())
        self.resize(width, height)

    # --- the typed API other views use to extend the window --------------------------------
    def add_dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea, *,
                 tab_with: QDockWidget | None = None, shortcut: str | None = None) -> QDockWidget:
        """Add ``widget`` as a dock (tabbed with ``tab_with``); its toggle goes to View."""
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        if tab_with is not None:
            self.tabifyDockWidget(tab_with, dock)
            tab_with.raise_()
        toggle = dock.toggleViewAction()
        if shortcut:
            toggle.setShortcut(QKeySequence(shortcut))
        self.addAction(toggle)  # the shortcut works with the menu bar hidden
        if "view" in self._menus:
            self._menus["view"].addAction(toggle)
        return dock

    def add_action(
        self, name: str, text: str, slot: Callable[..., Any], shortcut: Any = None
    ) -> QAction:
        """A named window-wide action (found later in ``menu_actions[name]``)."""
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work even when the menu bar is hidden
        self.menu_actions[name] = action
        return action

    def menu(self, key: str) -> QMenu:
        """One of the window's menus by key: file, edit, view, annotate, window, help, or
        one added with :meth:`add_menu` (never found by its translated label)."""
        return self._menus[key]

    def add_menu(self, key: str, title: str, *, before: str = "help") -> QMenu:
        """Add a menu to the menu bar before the menu ``before`` (Help stays last)."""
        menu = QMenu(title, self)
        self.menuBar().insertMenu(self._menus[before].menuAction(), menu)
        self._menus[key] = menu
        return menu

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
        # Side docks take at most a quarter of the window each, so at 1024 px a reader
        # keeps its minimum width between them.
        side = min(400, self.width() // 4), min(300, self.width() // 4)
        self.resizeDocks(
            [self.library_dock, self.inspector_dock], list(side), Qt.Orientation.Horizontal
        )
        self.resizeDocks([self.search_dock], [180], Qt.Orientation.Vertical)

    def _build_actions(self) -> None:
        self._build_file_actions()
        self._build_edit_actions()
        self._build_view_actions()
        self._build_annotate_window_help_actions()

    def _build_file_actions(self) -> None:
        keys = QKeySequence.StandardKey
        self.add_action("new_notebook", "&New Notebook…", self.new_notebook, "Ctrl+Shift+N")
        self.add_action("open_notebook", "&Open Notebook…", self.choose_notebook, keys.Open)
        self.add_action("import_files", "&Import Files…", self.choose_import_files, "Ctrl+I")
        self.add_action(
            "import_folder", "Import &Folder…", self.choose_import_folder, "Ctrl+Shift+I"
        )
        self.add_action("quit", "&Quit", self.close, keys.Quit)

    def _build_edit_actions(self) -> None:
        self.add_action("undo", "&Undo", self.controller.undo, "Ctrl+Z")
        self.add_action("redo", "&Redo", self.controller.redo, "Ctrl+Shift+Z")
        self.add_action("find", "&Find in Article…", self.reader_area.show_find_bar, "Ctrl+F")
        self.add_action("find_next", "Find &Next", self.reader_area.find_next, "Ctrl+G")
        self.add_action(
            "find_previous", "Find Pre&vious", self.reader_area.find_previous, "Ctrl+Shift+G"
        )
        self.add_action("search", "&Search Notebook…", self.focus_search, "Ctrl+K")
        self.add_action("next_hit", "Next Search &Hit", self.reader_area.next_hit, "F8")
        self.add_action(
            "previous_hit", "Previous Search Hi&t", self.reader_area.previous_hit, "Shift+F8"
        )
        self.add_action("edit_metadata", "Edit &Metadata…", self.edit_metadata, "Ctrl+Shift+M")
        self.add_action("delete_article", "&Delete Article…", self.delete_article, "Ctrl+Shift+Del")

    def _build_view_actions(self) -> None:
        sync = self.add_action(
            "sync_scrolling", "&Synchronised Scrolling", self._on_sync_toggled, "Ctrl+Shift+S"
        )
        sync.setCheckable(True)

    def _build_annotate_window_help_actions(self) -> None:
        self.add_action("quick_tag", "&Quick Tag…", self.reader_area.quick_tag, "Ctrl+T")
        self.add_action("tag_manager", "&Tag Manager…", self.show_tag_manager, "Ctrl+Shift+T")
        self.add_action("new_pane", "Open in &New Pane", self.open_in_new_pane, "Ctrl+\\")
        self.add_action("close_pane", "&Close Pane", self.reader_area.close_current_pane, "Ctrl+W")
        self.add_action("next_pane", "Ne&xt Pane", self.focus_next_pane, "Ctrl+PgDown")
        self.add_action("focus_library", "Go to &Library", self.focus_library, "Ctrl+1")
        self.add_action("focus_reader", "Go to &Reader", self.focus_reader, "Ctrl+2")
        self.add_action("focus_inspector", "Go to &Inspector", self.focus_inspector, "Ctrl+3")
        self.add_action(
            "focus_search", "Go to &Search Results", self.focus_search_results, "Ctrl+4"
        )
        self.add_action("help_first_steps", "&First Steps", self.show_first_steps, "F1")
        self.add_action("help_shortcuts", "&Keyboard Shortcuts", self.show_shortcuts)
        self.add_action("help_search", "&Search Syntax", self.show_search_help)
        self.add_action("about", f"&About {APP_NAME}", self.show_about)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        a = self.menu_actions
        file_menu = self._menus["file"] = bar.addMenu("&File")
        file_menu.addActions([a["new_notebook"], a["open_notebook"]])
        self.recent_menu = file_menu.addMenu("Recent &Notebooks")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        file_menu.addActions([a["import_files"], a["import_folder"]])
        file_menu.addSeparator()
        file_menu.addAction(a["quit"])
        self.edit_menu = self._menus["edit"] = bar.addMenu("&Edit")
        self.edit_menu.aboutToShow.connect(self.update_actions)
        self._add_groups(
            self.edit_menu,
            [
                ["undo", "redo"],
                ["find", "find_next", "find_previous"],
                ["search", "next_hit", "previous_hit"],
                ["edit_metadata", "delete_article"],
            ],
        )
        view_menu = self._menus["view"] = bar.addMenu("&View")
        view_menu.addAction(a["sync_scrolling"])
        view_menu.addSeparator()
        for dock in (self.library_dock, self.inspector_dock, self.search_dock):
            view_menu.addAction(dock.toggleViewAction())
        self._menus["annotate"] = bar.addMenu("&Annotate")
        self._add_groups(self._menus["annotate"], [["quick_tag", "tag_manager"]])
        self._menus["window"] = bar.addMenu("&Window")
        self._add_groups(
            self._menus["window"],
            [
                ["new_pane", "close_pane", "next_pane"],
                ["focus_library", "focus_reader", "focus_inspector", "focus_search"],
            ],
        )
        self._menus["help"] = bar.addMenu("&Help")
        self._add_groups(self._menus["help"],
                         [["help_first_steps", "help_shortcuts", "help_search"], ["about"]])

    def _add_groups(self, menu: QMenu, groups: list[list[str]]) -> None:
        for number, names in enumerate(groups):
            if number:
                menu.addSeparator()
            menu.addActions([self.menu_actions[n] for n in names])

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
        self._remember_recent(notebook_location(nb))
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
        value = self.settings.value(KEY_RECENT, [])
        if isinstance(value, str):  # QSettings gives a str for a one-element list
            value = [value]
        return [str(v) for v in value] if isinstance(value, list) else []

    def _remember_recent(self, path: str) -> None:
        recent = [p for p in self.recent_notebooks() if p != path]
        self.settings.setValue(KEY_RECENT, [path, *recent][:MAX_RECENT])

    def _fill_recent_menu(self) -> None:
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

    # --- reading and searching ------------------------------------------------------------
    def open_article(self, article_id: int, new_pane: bool = False) -> None:
        """Open an article from the library in the reader."""
        self.reader_area.open_article(article_id, new_pane=new_pane)

    def open_hit(self, article_id: int, spans: Sequence[tuple[int, int]]) -> None:
        """Open a search result scrolled to its first hit, with every hit marked."""
        spans = tuple(spans)
        self.reader_area.open_article(article_id, scroll_to=spans[0] if spans else None, hits=spans)

    def open_hit_in_new_pane(self, article_id: int, spans: Sequence[tuple[int, int]]) -> None:
        """A search result beside the open readers (Ctrl+Enter or its context menu)."""
        spans = tuple(spans)
        self.reader_area.open_article(article_id, new_pane=True,
                                      scroll_to=spans[0] if spans else None, hits=spans)

    def open_passage(self, article_id: int, start: int, end: int) -> None:
        """Open an article scrolled to one passage (from the inspector or tag manager)."""
        self.reader_area.open_article(article_id, scroll_to=(start, end))

    def open_actor(self, actor_id: int) -> None:
        """Show an actor in the actors view (from a note link, the inspector or the network)."""
        self.actor_views.show_actor(actor_id)

    def open_agreement(self, agreement_id: int) -> None:
        """Show an agreement in the agreements view."""
        self.actor_views.show_agreement(agreement_id)

    def open_note(self, note_id: int) -> None:
        """Show a note in the notes view (from a search result or an inspector link)."""
        self.notes_dock.show()
        self.notes_dock.raise_()
        self.notes_view.open_note(note_id)

    def open_in_new_pane(self) -> None:
        """Window > Open in New Pane: the selected library article, or the current one again."""
        article_id = self.library.selected_article_id() or self._reader_article
        if article_id:
            self.reader_area.open_article(article_id, new_pane=True)

    def focus_search(self) -> None:
        """Edit > Search (Ctrl+K): show the search dock and focus its query box."""
        self.search_dock.show()
        self.search_dock.raise_()
        self.search_panel.focus_query()

    def _reader_editors(self) -> list[QTextEdit]:
        editors = [e for e in self.reader_area.findChildren(QTextEdit) if e.isVisible()]
        return sorted(editors, key=lambda e: e.mapTo(self.reader_area, e.rect().topLeft()).x())

    def focus_reader(self) -> None:
        """Window > Go to Reader: focus the first visible reader pane."""
        editors = self._reader_editors()
        if editors:
            editors[0].setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_next_pane(self) -> None:
        """Window > Next Pane: move the focus to the reader pane right of the current one."""
        editors = self._reader_editors()
        if not editors:
            return
        current = next((i for i, e in enumerate(editors) if e.hasFocus()), -1)
        editors[(current + 1) % len(editors)].setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_library(self) -> None:
        """Window > Go to Library."""
        self.library_dock.show()
        self.library.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self.library.table.currentIndex().isValid() and self.library.model.rowCount():
            self.library.table.selectRow(0)

    def focus_inspector(self) -> None:
        """Window > Go to Inspector."""
        self.inspector_dock.show()
        self.inspector.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.inspector.focusNextChild()

    def focus_search_results(self) -> None:
        """Window > Go to Search Results."""
        self.search_dock.show()
        self.search_panel.results.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _on_sync_toggled(self, on: bool) -> None:
        self.reader_area.set_sync_scrolling(on)

    def _on_highlight_activated(self, highlight_id: int) -> None:
        self.inspector.show_highlight(highlight_id or None)

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
    def _panes_key(self) -> str:
        digest = hashlib.sha1(notebook_location(self.nb).encode()).hexdigest()[:16]
        return f"panes/{digest}"

    def save_panes(self) -> None:
        """Remember the open reader panes of the current notebook."""
        self.settings.setValue(self._panes_key(), json.dumps(self.reader_area.save_state()))

    def restore_panes(self) -> None:
        """Reopen the reader panes saved for the current notebook."""
        raw = self.settings.value(self._panes_key(), "")
        if not raw:
            return
        try:
            state = json.loads(str(raw))
        except ValueError:
            log.warning("ignoring unreadable pane state %r", raw)
            return
        self.reader_area.restore_state(state)
        self.update_actions()

    def save_layout(self) -> None:
        """Save geometry, docks and panes to the settings."""
        self.settings.setValue(KEY_GEOMETRY, self.saveGeometry())
        self.settings.setValue(KEY_STATE, self.saveState())
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
        restore_library_state(self.library, self.settings)
        self.restore_panes()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.runner.active_tasks:
            self.runner.cancel_all()
            self.runner.wait(10_000)
        self.save_layout()
        super().closeEvent(event)


def local_paths(urls: Sequence[Any]) -> list[str]:
    """Local file paths among dropped URLs (remote URLs are ignored)."""
    return [url.toLocalFile() for url in urls if url.isLocalFile()]
