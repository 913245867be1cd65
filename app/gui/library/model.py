"""The library's table model: article summaries fetched page by page, sorted and filtered
in the store."""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from app.core.changes import Changes
from app.core.records import ArticleFilter, ArticleSummary
from app.gui.common.controller import NotebookController

log = logging.getLogger(__name__)


AnyIndex = QModelIndex | QPersistentModelIndex

#: (header, ArticleFilter.sort key, ArticleSummary attribute)
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("Title", "title", "title"),
    ("Outlet", "outlet", "outlet"),
    ("Date", "published", "published"),
    ("Lang", "language", "language"),
    ("HL", "highlight_count", "highlight_count"),
)
#: Full names of the columns whose headers are abbreviated, for tooltips.
HEADER_TIPS = {3: "Language", 4: "Number of highlights"}
HIGHLIGHTS_COLUMN = 4
MAX_COLUMN_WIDTH = 120
"""Pixels a fitted column (all but Title) may take at most."""
FIT_ROWS = 60
"""Rows measured when fitting the columns (the top of the view, within one page)."""
ArticleIdRole = Qt.ItemDataRole.UserRole + 1


class LibraryModel(QAbstractTableModel):
    """Rows of :class:`ArticleSummary` for one :class:`ArticleFilter`, paged on demand."""

    PAGE_SIZE = 200
    MAX_PAGES = 32  # cached pages; older ones are dropped (LRU)

    def __init__(self, controller: NotebookController, parent: Any = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._filter = ArticleFilter()
        self._count = 0
        self._pages: OrderedDict[int, tuple[ArticleSummary, ...]] = OrderedDict()
        self.fetched_pages = 0  # how many pages were loaded: lets tests check laziness
        controller.changed.connect(self._on_changed)
        controller.notebookOpened.connect(self._on_notebook_opened)
        self._recount()

    # --- public API -------------------------------------------------------------------
    @property
    def article_filter(self) -> ArticleFilter:
        """The filter (and sort order) the rows reflect."""
        return self._filter

    def set_filter(self, flt: ArticleFilter) -> None:
        """Show the articles matching ``flt`` (keeps nothing from the old rows)."""
        if flt == self._filter:
            return
        self._filter = flt
        self.reload()

    def reload(self) -> None:
        """Drop cached pages and re-count the rows."""
        self.beginResetModel()
        self._pages.clear()
        self._recount()
        self.endResetModel()

    def summary_at(self, row: int) -> ArticleSummary | None:
        """The article shown in ``row`` (fetching its page if needed)."""
        if not 0 <= row < self._count:
            return None
        page = self._page(row // self.PAGE_SIZE)
        offset = row % self.PAGE_SIZE
        return page[offset] if offset < len(page) else None

    def article_id_at(self, row: int) -> int:
        """Id of the article in ``row``, or 0 if there is none."""
        summary = self.summary_at(row)
        return int(summary.id) if summary else 0

    def row_of(self, article_id: int) -> int:
        """Row of ``article_id`` among the cached pages, or -1 if not loaded."""
        for number, page in self._pages.items():
            for offset, summary in enumerate(page):
                if summary.id == article_id:
                    return number * self.PAGE_SIZE + offset
        return -1

    # --- Qt model interface -------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.TextAlignmentRole,
            ArticleIdRole,
        ):
            return None
        summary = self.summary_at(index.row())
        if summary is None:
            return None
        return self._role_data(summary, index.column(), role)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
            return HEADER_TIPS.get(section, COLUMNS[section][0] if section < len(COLUMNS) else None)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section][0]
        if orientation == Qt.Orientation.Vertical:
            return section + 1
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in the database (``ORDER BY``) and reload."""
        if not 0 <= column < len(COLUMNS):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        self.set_filter(replace(self._filter, sort=COLUMNS[column][1], descending=descending))

    # --- internals ----------------------------------------------------------------------
    def _role_data(self, summary: ArticleSummary, column: int, role: int) -> Any:
        if role == ArticleIdRole:
            return int(summary.id)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column == HIGHLIGHTS_COLUMN:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:  # the whole title, then where it came from
            source = summary.url or summary.original_name
            return f"{summary.title}\n{source}" if source else summary.title
        value = getattr(summary, COLUMNS[column][2])
        if column == HIGHLIGHTS_COLUMN:
            return value if value else ""
        return value

    def _page(self, number: int) -> tuple[ArticleSummary, ...]:
        page = self._pages.get(number)
        if page is not None:
            self._pages.move_to_end(number)
            return page
        result = self._controller.nb.articles.list(
            self._filter, offset=number * self.PAGE_SIZE, limit=self.PAGE_SIZE
        )
        page = tuple(result.items)
        self.fetched_pages += 1
        self._pages[number] = page
        if len(self._pages) > self.MAX_PAGES:
            self._pages.popitem(last=False)
        return page

    def _recount(self) -> None:
        self._count = self._controller.nb.articles.count(self._filter)

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches_articles:
            self.reload()
        elif changes.touches_highlights and self._count:
            self._pages.clear()  # highlight counts are part of each row
            top = self.index(0, HIGHLIGHTS_COLUMN)
            bottom = self.index(self._count - 1, HIGHLIGHTS_COLUMN)
            self.dataChanged.emit(top, bottom, [Qt.ItemDataRole.DisplayRole])

    def _on_notebook_opened(self, _notebook: object) -> None:
        self._filter = ArticleFilter()
        self.reload()
