"""The centre of the main window: reader panes with find, quick tag and right-click menu.

:class:`ReaderArea` keeps :class:`~app.gui.reader.view.ReaderView` panes in a splitter,
tracks which one has focus (the target of find, quick tag and hit navigation),
synchronises their scrolling when asked (through anchors: passages backing the same
agreement field or naming an actor once, see :func:`sync_points`; proportionally
between and without them), and hosts the find bar and
the quick-tag popup. It adds no application-wide shortcuts: the main window's actions
call its slots.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QPoint, QSignalBlocker, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from app.core.changes import Changes
from app.core.errors import NotFound
from app.gui.annotate.context_menu import SelectionMenu
from app.gui.annotate.quicktag import QuickTagPopup, apply_quick_tag
from app.gui.common.controller import NotebookController
from app.gui.notes.links import note_service
from app.gui.reader.pane import FindBar, ReaderPane
from app.gui.reader.panes import MAX_PANES, ReaderPanes

log = logging.getLogger(__name__)


class ReaderArea(ReaderPanes):
    """Side-by-side readers with synchronised scrolling, find and quick tag."""

    def __init__(self, controller: NotebookController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self._popup: QuickTagPopup | None = None
        self._pending_span: tuple[int, int, int] | None = None
        self.menu_builder = SelectionMenu(self._tag_recent)
        self.find_bar = FindBar(self)
        self.find_bar.hide()
        self.find_bar.findRequested.connect(self._on_find_requested)
        self.find_bar.closed.connect(self._on_find_closed)
        self.layout().addWidget(self.find_bar)
        controller.changed.connect(self._on_changed)

    def _wire_pane(self, pane: ReaderPane) -> None:
        pane.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        pane.view.customContextMenuRequested.connect(self._on_context_menu)

    # -- find and hits -----------------------------------------------------------

    def show_find_bar(self) -> None:
        """Open the find bar for the focused pane (Ctrl+F)."""
        if self.current_view() is not None:
            self.find_bar.open_bar()

    def find_next(self) -> None:
        self._find(backward=False)

    def find_previous(self) -> None:
        self._find(backward=True)

    def _find(self, *, backward: bool) -> None:
        if self.find_bar.edit.text():
            self._on_find_requested(self.find_bar.edit.text(), backward)
        else:
            self.show_find_bar()

    def _on_find_requested(self, query: str, backward: bool) -> None:
        view = self.current_view()
        if view is None:
            return
        if not query:
            view.clear_find()
            self.find_bar.status.setText("")
            return
        found = view.find(query, backward=backward)
        count = view.find_match_count()
        self.find_bar.status.setText(f"{count:,} found" if found else "not found")

    def _on_find_closed(self) -> None:
        view = self.current_view()
        if view is not None:
            view.clear_find()
            view.setFocus()

    def next_hit(self) -> None:
        """Go to the next search hit in the focused pane."""
        if (view := self.current_view()) is not None:
            view.next_hit()

    def previous_hit(self) -> None:
        """Go to the previous search hit in the focused pane."""
        if (view := self.current_view()) is not None:
            view.previous_hit()

    # -- quick tag ---------------------------------------------------------------

    def selected_span(self) -> tuple[int, int, int] | None:
        """(article id, start, end) in code points of the focused pane's selection."""
        view = self.current_view()
        if view is None or not view.article_id:
            return None
        span = view.selected_span()
        return (view.article_id, *span) if span else None

    def quick_tag(self) -> None:
        """Open the quick-tag popup for the focused pane's selection (Ctrl+T)."""
        span = self.selected_span()
        view = self.current_view()
        if span is None or view is None:
            return
        self._pending_span = span
        if self._popup is not None:
            self._popup.deleteLater()
        self._popup = QuickTagPopup(self._controller.nb.tags.list(), self)
        self._popup.tagChosen.connect(self._on_tag_chosen)
        corner = view.cursorRect(view.textCursor()).bottomLeft()
        self._popup.popup_at(view.viewport().mapToGlobal(corner))

    def quick_tag_popup(self) -> QuickTagPopup | None:
        """The popup currently open (for tests and the main window)."""
        return self._popup

    def _on_tag_chosen(self, path: str, _tag_id: int) -> None:
        if self._pending_span is None:
            return
        article_id, start, end = self._pending_span
        self._pending_span = None
        highlight_id = apply_quick_tag(self._controller, article_id, start, end, path)
        if highlight_id:
            self.menu_builder.remember_tag(path)
            self.highlightActivated.emit(highlight_id)
        if (view := self.current_view()) is not None:
            if highlight_id:  # a selection would hide the new highlight's colour
                cursor = view.textCursor()
                cursor.clearSelection()
                view.setTextCursor(cursor)
            view.setFocus()

    # -- citations ---------------------------------------------------------------

    def copy_citation(self) -> str:
        """Cite the focused pane's selection for a note: the passage becomes (or reuses)
        a highlight and a ``[[passage:..]]`` link quoting it goes to the clipboard.
        Returns the Markdown ("" when nothing is selected or citing failed)."""
        span = self.selected_span()
        if span is None:
            return ""
        notes = note_service(self._controller.nb)
        result = self._controller.edit(functools.partial(notes.cite, *span), self)
        if result is None:
            return ""
        QApplication.clipboard().setText(result[0].markdown)
        return str(result[0].markdown)

    def set_selection_actions(self, actions: Sequence[QAction]) -> None:
        """The window's actions on a selection (tag, mark as actor, new agreement, evidence,
        citation), offered first in the reader's right-click menu."""
        self.menu_builder.selection_actions = list(actions)

    def set_text_actions(self, actions: Sequence[QAction]) -> None:
        """The window's actions on the article's text (edit, trim, revisions), offered
        in the reader's right-click menu with or without a selection."""
        self.menu_builder.text_actions = list(actions)

    def current_pane(self) -> ReaderPane | None:
        """The focused pane (None when no article is open)."""
        return self._current

    def recent_tags(self) -> list[str]:
        """Tag paths applied with quick tag in this window, most recent first."""
        return self.menu_builder.recent_tags()

    def _on_context_menu(self, pos: QPoint) -> None:
        view = self.sender()
        pane = next((p for p in self._panes if p.view is view), None)
        if pane is None:
            return
        menu = self.context_menu(pane, pos)
        menu.exec(pane.view.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def context_menu(self, pane: ReaderPane, pos: QPoint) -> QMenu:
        """The right-click menu (see :mod:`app.gui.annotate.context_menu`)."""
        self._set_current(pane)
        return self.menu_builder.build(pane.view, pos, self.selected_span(),
                                       is_editing=pane.view.is_editing)

    def _tag_recent(self, span: tuple[int, int, int], path: str) -> None:
        self._pending_span = span
        self._on_tag_chosen(path, 0)

    # -- notebook changes ----------------------------------------------------------

    def _on_changed(self, changes: Changes) -> None:
        """Close panes whose article was deleted; refresh titles of edited ones."""
        for pane in list(self._panes):
            article_id = pane.view.article_id
            if article_id in changes.deleted_articles or not article_id:
                self._remove_pane(pane)
            elif article_id in changes.articles:
                self._refresh_title(pane)

    def _refresh_title(self, pane: ReaderPane) -> None:
        try:
            summaries = self._controller.nb.articles.summaries([pane.view.article_id])
        except NotFound:
            return
        if summaries:
            pane.set_summary(summaries[0])

    # -- layout state ---------------------------------------------------------------

    def save_state(self) -> dict[str, Any]:
        """Panes, their scroll positions, splitter sizes and the sync toggle."""
        current = self._panes.index(self._current) if self._current in self._panes else 0
        return {
            "articles": self.open_article_ids(),
            "scroll": [p.view.state()["scroll"] for p in self._panes],
            "sizes": self.splitter.sizes(),
            "sync": self._is_sync,
            "current": current,
        }

    def restore_state(self, state: dict[str, Any]) -> None:
        """Reopen saved panes (skipping deleted articles) and restore sizes and sync."""
        for pane in list(self._panes):
            self._remove_pane(pane)
        with QSignalBlocker(self):
            for article_id in state.get("articles", [])[:MAX_PANES]:
                self._restore_pane(int(article_id))
        sizes = state.get("sizes") or []
        if len(sizes) == len(self._panes) and self._panes:
            self.splitter.setSizes([int(s) for s in sizes])
        for pane, fraction in zip(self._panes, state.get("scroll", []), strict=False):
            bar = pane.view.verticalScrollBar()
            bar.setValue(round(float(fraction) * bar.maximum()))
        self._is_sync = bool(state.get("sync", False))
        if self._panes:
            index = min(int(state.get("current", 0)), len(self._panes) - 1)
            self._current = None
            self._set_current(self._panes[index])

    def _restore_pane(self, article_id: int) -> None:
        pane = self._add_pane()
        try:
            pane.view.load_article(article_id)
        except NotFound:
            log.info("saved pane article %s no longer exists", article_id)
            self._remove_pane(pane)
            return
        pane.set_title(pane.view.title)
        self._current = pane
