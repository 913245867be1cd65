"""Work on many articles at once from the library: its right-click menu and the bulk edits
(set outlet, language or date, tag whole articles, delete), each one undo step, plus the
library's saved state (column widths, sort order, filters).

The bulk edits take their values as arguments; only :meth:`LibraryActions.ask_and_apply`
asks the user, so tests drive the real edits without dialogs.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox

from app.core.changes import Changes
from app.gui.common.controller import NotebookController
from app.gui.library.panel import LibraryPanel

log = logging.getLogger(__name__)

KEY_LIBRARY = "library/state"
FIELDS = {  # bulk field -> (menu text, prompt)
    "outlet": ("Set &Outlet", "Outlet for the selected articles:"),
    "language": ("Set &Language", "Language code (de, en, …) for the selected articles:"),
    "published": ("Set &Date", "Date (2025, 2025-11 or 2025-11-06) for the selected articles:"),
}


class LibraryActions:
    """The library's right-click menu and bulk edits over the selected articles."""

    def __init__(self, panel: LibraryPanel, controller: NotebookController,
                 open_article: Callable[[int, bool], None]) -> None:
        self.panel = panel
        self._controller = controller
        self._open = open_article
        table = panel.table
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._on_context_menu)

    # -- the edits ----------------------------------------------------------------------
    def set_field(self, ids: Sequence[int], field: str, value: str) -> Changes | None:
        """Set one metadata field on every article in ``ids`` (one undo step)."""
        nb = self._controller.nb
        result = self._controller.edit(
            lambda: nb.articles.set_fields(ids, **{field: value}), self.panel)
        return result if isinstance(result, Changes) else None

    def tag_whole(self, ids: Sequence[int], tag_path: str) -> Changes | None:
        """Tag the whole text of every article in ``ids`` (one undo step)."""
        nb = self._controller.nb
        result = self._controller.edit(lambda: nb.annotations.tag_articles(ids, tag_path),
                                       self.panel)
        return result if isinstance(result, Changes) else None

    def delete(self, ids: Sequence[int]) -> Changes | None:
        """Delete the articles with their highlights (one undo step)."""
        nb = self._controller.nb
        result = self._controller.edit(lambda: nb.articles.delete(ids), self.panel)
        return result if isinstance(result, Changes) else None

    # -- the menu -------------------------------------------------------------------------
    def context_menu(self) -> QMenu:
        """Open / open in new pane for the current article; bulk edits for the selection."""
        ids = self.panel.selected_article_ids()
        menu = QMenu(self.panel)
        current = self.panel.selected_article_id()
        if current:
            menu.addAction("&Open", lambda: self._open(current, False))
            menu.addAction("Open in &New Pane", lambda: self._open(current, True))
            menu.addSeparator()
        count = f" ({len(ids)} articles)" if len(ids) > 1 else ""
        for field, (text, _prompt) in FIELDS.items():
            action = menu.addAction(f"{text}{count}…")
            action.triggered.connect(lambda _=False, f=field: self.ask_and_apply(f))
            action.setEnabled(bool(ids))
        tag = menu.addAction(f"&Tag Whole Articles{count}…")
        tag.triggered.connect(lambda: self.ask_and_apply("tag"))
        tag.setEnabled(bool(ids))
        menu.addSeparator()
        delete = menu.addAction(f"&Delete {len(ids)} Article{'s' if len(ids) != 1 else ''}…")
        delete.triggered.connect(lambda: self.ask_and_apply("delete"))
        delete.setEnabled(bool(ids))
        return menu

    def _on_context_menu(self, pos: QPoint) -> None:
        menu = self.context_menu()
        menu.exec(self.panel.table.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def ask_and_apply(self, what: str) -> None:
        """Ask for the value (or confirmation) and apply it to the selected articles."""
        ids = self.panel.selected_article_ids()
        if not ids:
            return
        if what == "delete":
            question = f"Delete {len(ids)} articles and their highlights?\nYou can undo this."
            if QMessageBox.question(self.panel, "Dossier", question) == \
                    QMessageBox.StandardButton.Yes:
                self.delete(ids)
            return
        prompt = "Tag path (e.g. Themen/Energie) for the whole text of the selected " \
                 "articles:" if what == "tag" else FIELDS[what][1]
        value, ok = QInputDialog.getText(self.panel, "Dossier", prompt)
        if not ok:
            return
        if what == "tag":
            if value.strip():
                self.tag_whole(ids, value)
        else:
            self.set_field(ids, what, value)


# -- saved state --------------------------------------------------------------------------
def save_library_state(panel: LibraryPanel, settings: QSettings) -> None:
    """Column widths the user chose (0 for those fitted to their content, which are
    fitted again next time), sort column and order, and the filter bar's values."""
    header = panel.table.horizontalHeader()
    chosen = panel.sized_by_user()
    state: dict[str, Any] = {
        "widths": [header.sectionSize(i) if i in chosen else 0 for i in range(header.count())],
        "sort": [header.sortIndicatorSection(), int(header.sortIndicatorOrder().value)],
        "filters": panel.filter_values(),
    }
    settings.setValue(KEY_LIBRARY, json.dumps(state))


def restore_library_state(panel: LibraryPanel, settings: QSettings) -> None:
    """Restore what :func:`save_library_state` saved (silently skipping what is unreadable)."""
    raw = settings.value(KEY_LIBRARY, "")
    if not raw:
        return
    try:
        state = json.loads(str(raw))
        widths = [int(w) for w in state.get("widths", [])]
        column, order = (int(v) for v in state.get("sort", [-1, 0]))
        filters = {str(k): str(v) for k, v in dict(state.get("filters", {})).items()}
    except (ValueError, TypeError, AttributeError):
        log.warning("ignoring unreadable library state %r", raw)
        return
    header = panel.table.horizontalHeader()
    for index, width in enumerate(widths[: header.count()]):
        if width > 0:
            header.resizeSection(index, width)
    panel.set_filter_values(filters)
    if column >= 0:
        panel.table.sortByColumn(column, Qt.SortOrder(order))
