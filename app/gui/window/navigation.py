"""Where the main window sends the user: opening articles, hits, passages, actors,
agreements and notes, and moving the keyboard focus between panes and docks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QTextEdit

from app.gui.window.base import WindowBase

if TYPE_CHECKING:
    from app.gui.actors.mount import ActorViews
    from app.gui.annotate.inspector import InspectorPanel
    from app.gui.library.panel import LibraryPanel
    from app.gui.notes.view import NotesView
    from app.gui.reader.area import ReaderArea
    from app.gui.search.panel import SearchPanel


class WindowNavigation(WindowBase):
    """Opening things and moving the focus (the base of MainWindow, which builds the
    widgets declared here)."""

    reader_area: ReaderArea
    library: LibraryPanel
    library_dock: QDockWidget
    inspector: InspectorPanel
    inspector_dock: QDockWidget
    search_panel: SearchPanel
    search_dock: QDockWidget
    notes_view: NotesView
    notes_dock: QDockWidget
    actor_views: ActorViews
    _reader_article: int

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
