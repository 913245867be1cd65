"""The library: a lazy table of articles with a filter bar.

The model never holds the whole library. ``rowCount`` is the service's count for the
current filter; rows are fetched a page at a time (``nb.articles.list``) when a view
asks for them and kept in a small page cache. Sorting and filtering happen in the
database (``ArticleFilter``), never in a ``QSortFilterProxyModel``, which is far too
slow at 100k rows (QT-NOTES §5).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QSignalBlocker,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.changes import Changes
from app.core.dates import parse_partial_date
from app.core.errors import ValidationError
from app.core.records import ArticleFilter
from app.gui.common.controller import NotebookController
from app.gui.library.model import (
    COLUMNS,
    FIT_ROWS,
    MAX_COLUMN_WIDTH,
    ArticleIdRole,
    LibraryModel,
)

log = logging.getLogger(__name__)

TITLE_SHARE = 0.4
"""Part of the table's width kept for the Title column when the others are fitted."""


class LibraryTableView(QTableView):
    """The table: Enter opens the current article, Ctrl+Enter opens it in a new pane."""

    openRequested = Signal(int, bool)  # article id, new pane
    widthChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Shift/Ctrl+click select many articles for bulk edits (library_actions.py).
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSortingEnabled(True)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.verticalHeader().setVisible(False)
        # Fixed row heights: a view otherwise measures rows, touching every page.
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.horizontalHeader().setStretchLastSection(False)
        self.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.doubleClicked.connect(self._on_double_clicked)

    def current_article_id(self) -> int:
        """Id of the article in the current row, or 0."""
        index = self.currentIndex()
        if not index.isValid():
            return 0
        return int(index.siblingAtColumn(0).data(ArticleIdRole) or 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.widthChanged.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            new_pane = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
            self._emit_open(new_pane)
            event.accept()
            return
        super().keyPressEvent(event)

    def _on_double_clicked(self, _index: QModelIndex) -> None:
        self._emit_open(False)

    def _emit_open(self, new_pane: bool) -> None:
        article_id = self.current_article_id()
        if article_id:
            self.openRequested.emit(article_id, new_pane)


class LibraryPanel(QWidget):
    """Filter bar over the library table; emits ``openArticle`` when asked to open one."""

    openArticle = Signal(int, bool)  # article id, new pane
    DEBOUNCE_MS = 250

    def __init__(self, controller: NotebookController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self.model = LibraryModel(controller, self)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(self.DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_filter)
        self._kept_selection: list[tuple[int, int]] = []  # (row, article id) across reloads
        self._build_filter_bar()
        self._build_table()
        self._build_layout()
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.model.modelReset.connect(self._restore_selection)
        self.reload_choices()
        controller.changed.connect(self._on_changed)
        controller.notebookOpened.connect(self._on_notebook_opened)

    # --- building -------------------------------------------------------------------------
    def _build_filter_bar(self) -> None:
        self.text_edit = QLineEdit(self)
        self.text_edit.setPlaceholderText("Filter title, outlet, author…")
        self.text_edit.setClearButtonEnabled(True)
        self.text_edit.textChanged.connect(self._debounce.start)
        self.outlet_box = self._combo("Outlet")
        self.language_box = self._combo("Language")
        self.language_box.setMinimumContentsLength(len("All languages"))  # never clipped
        self.tag_box = self._combo("Tag")
        self.date_from_edit = self._date_edit("From date")
        self.date_to_edit = self._date_edit("To date")

    def _combo(self, name: str) -> QComboBox:
        box = QComboBox(self)
        box.setAccessibleName(name)
        box.setToolTip(f"Filter by {name.lower()}")
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(6)
        box.currentIndexChanged.connect(self.apply_filter)
        return box

    def _date_edit(self, placeholder: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setPlaceholderText(placeholder)
        edit.setMaximumWidth(110)
        edit.setToolTip("A date like 2025, 2025-11 or 2025-11-06")
        edit.textChanged.connect(self._debounce.start)
        return edit

    def _build_table(self) -> None:
        self.table = LibraryTableView(self)
        self.table.setModel(self.model)
        self.table.openRequested.connect(self.openArticle)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        self._sized_by_user: set[int] = set()  # columns the user (or saved state) sized
        self._is_fitting = False
        header.sectionResized.connect(self._on_section_resized)
        self.model.modelReset.connect(self._fit_columns)
        self.table.widthChanged.connect(self._share_width)
        self._fitted: dict[int, int] = {}  # column -> width its content and header ask for
        self._content: dict[int, int] = {}  # column -> width of its widest value shown
        self._fit_columns()

    def _on_section_resized(self, column: int, _old: int, _new: int) -> None:
        if not self._is_fitting and column > 0:
            self._sized_by_user.add(column)

    def sized_by_user(self) -> set[int]:
        """Columns whose width the user chose (by dragging, or restored from a session)."""
        return set(self._sized_by_user)

    def _fit_columns(self) -> None:
        """Size every column but Title to its header and the rows shown; Title takes the rest.

        Measured here on at most :data:`FIT_ROWS` rows from the top of the view (one
        page): ``resizeColumnToContents`` would read every row of a hidden table, and
        ``ResizeToContents`` re-measures on every data change. Done once per reset, so
        the user can still drag the borders; a column the user sized keeps its width.
        """
        table, model = self.table, self.model
        first = max(table.rowAt(0), 0)
        last = min(model.rowCount(), first + FIT_ROWS) - 1
        metrics = table.fontMetrics()
        self._fitted, self._content = {}, {}
        for column in range(1, len(COLUMNS)):
            widths = [0]
            for row in range(first, last + 1):
                value = model.data(model.index(row, column))
                widths.append(metrics.horizontalAdvance(str(value or "")) + 14)
            self._content[column] = max(widths)
            self._fitted[column] = min(max(max(widths), self._header_width(column)),
                                       MAX_COLUMN_WIDTH)
        self._share_width()

    def _header_width(self, column: int) -> int:
        metrics = self.table.horizontalHeader().fontMetrics()
        return metrics.horizontalAdvance(COLUMNS[column][0]) + 24

    def _share_width(self) -> None:
        """Give the fitted columns their content's width, but shrink them (Outlet first,
        then the widest, never below their header) so that Title keeps :data:`TITLE_SHARE` of the
        table: in a narrow dock on first launch the title was cut to "Tru…" while the
        outlet stayed wide. Columns the user sized keep their width."""
        fitted = {c: w for c, w in self._fitted.items() if c not in self._sized_by_user}
        if not fitted:
            return
        room = self.table.viewport().width()
        taken = sum(self.table.columnWidth(c) for c in self._sized_by_user if c > 0)
        budget = max(0, int(room * (1 - TITLE_SHARE)) - taken)
        widths = dict(fitted)
        # a squeezed column may lose the header's room for the sort arrow, not its text
        floors = {c: min(self._header_width(c) - 12, w) for c, w in widths.items()}
        while sum(widths.values()) > budget:
            shrinkable = [c for c in widths if widths[c] > floors[c]]
            if not shrinkable:
                break
            # Outlet (free text, readable elided) gives way first, then room only the
            # header asked for (Lang holds "de"), then the widest
            roomy = [c for c in shrinkable if widths[c] > self._content.get(c, 0)]
            widest = 1 if 1 in shrinkable else roomy[0] if roomy else max(
                shrinkable, key=lambda c: widths[c] - floors[c])
            excess = sum(widths.values()) - budget
            widths[widest] = max(floors[widest], widths[widest] - max(1, min(excess, 8)))
        self._is_fitting = True
        try:
            for column, width in widths.items():
                self.table.setColumnWidth(column, width)
        finally:
            self._is_fitting = False

    def _build_layout(self) -> None:
        row1 = QHBoxLayout()
        row1.addWidget(self.text_edit, 1)
        row1.addWidget(self.tag_box)
        row2 = QHBoxLayout()  # two short rows keep the dock narrow on a laptop
        row2.addWidget(self.outlet_box, 1)
        row2.addWidget(self.language_box, 1)
        row3 = QHBoxLayout()
        row3.addWidget(self.date_from_edit)
        row3.addWidget(self.date_to_edit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addLayout(row3)
        layout.addWidget(self.table, 1)

    def sizeHint(self) -> QSize:
        return QSize(560, 600)

    # --- filter ---------------------------------------------------------------------------
    def reload_choices(self) -> None:
        """Refill the outlet, language and tag boxes from the notebook, keeping selections."""
        nb = self._controller.nb
        self._fill(self.outlet_box, "All outlets", [(o, o) for o in nb.articles.outlets()])
        self._fill(self.language_box, "All languages", [(x, x) for x in nb.articles.languages()])
        tags = [(t.path, int(t.id)) for t in nb.tags.list()]
        self._fill(self.tag_box, "All tags", tags)

    def _fill(self, box: QComboBox, everything: str, items: list[tuple[str, Any]]) -> None:
        current = box.currentData()
        box.blockSignals(True)
        try:
            box.clear()
            box.addItem(everything, None)
            for label, value in items:
                box.addItem(label, value)
            found = box.findData(current) if current is not None else 0
            box.setCurrentIndex(max(found, 0))
        finally:
            box.blockSignals(False)

    def current_filter(self) -> ArticleFilter:
        """The filter the bar describes; invalid dates are ignored (and shown in red)."""
        outlet = self.outlet_box.currentData()
        language = self.language_box.currentData()
        tag = self.tag_box.currentData()
        base = self.model.article_filter
        return replace(
            base,
            text=self.text_edit.text().strip(),
            outlets=(outlet,) if outlet else (),
            languages=(language,) if language else (),
            tag_ids=(tag,) if tag else (),
            date_from=self._valid_date(self.date_from_edit),
            date_to=self._valid_date(self.date_to_edit),
        )

    def _valid_date(self, edit: QLineEdit) -> str:
        text = edit.text().strip()
        if not text:
            edit.setStyleSheet("")
            return ""
        try:
            value = parse_partial_date(text)
        except ValidationError as exc:
            edit.setStyleSheet("color: #b00020;")
            edit.setToolTip(str(exc))
            return ""
        edit.setStyleSheet("")
        edit.setToolTip("A date like 2025, 2025-11 or 2025-11-06")
        return value

    def apply_filter(self) -> None:
        """Apply the filter bar now (the text fields call this after a short pause)."""
        self._debounce.stop()
        self.model.set_filter(self.current_filter())

    def selected_article_id(self) -> int:
        """Id of the current article in the table, or 0."""
        return self.table.current_article_id()

    def selected_article_ids(self) -> list[int]:
        """Ids of every selected row, top to bottom (the current row if none is selected)."""
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        ids = [self.model.article_id_at(row) for row in rows]
        if not ids and self.selected_article_id():
            ids = [self.selected_article_id()]
        return [i for i in ids if i]

    def _remember_selection(self) -> None:
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        current = self.table.currentIndex().row()
        if current >= 0 and current not in rows:
            rows.insert(0, current)
        self._kept_selection = [(row, self.model.article_id_at(row)) for row in rows]

    def _restore_selection(self) -> None:
        """A bulk edit reloads the model: keep its articles selected (at their old rows,
        or wherever a loaded page now shows them) so the next bulk edit applies to them."""
        kept, self._kept_selection = self._kept_selection, []
        rows = []
        for row, article_id in kept:
            found = row if self.model.article_id_at(row) == article_id else \
                self.model.row_of(article_id)
            if found >= 0:
                rows.append(found)
        if not rows:
            return
        selection = self.table.selectionModel()
        selection.setCurrentIndex(self.model.index(rows[0], 0),
                                  QItemSelectionModel.SelectionFlag.NoUpdate)
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for row in rows:
            selection.select(self.model.index(row, 0), flags)

    def filter_values(self) -> dict[str, str]:
        """The filter bar as text, for saving between sessions."""
        return {"text": self.text_edit.text(), "from": self.date_from_edit.text(),
                "to": self.date_to_edit.text(),
                "outlet": str(self.outlet_box.currentData() or ""),
                "language": str(self.language_box.currentData() or ""),
                "tag": str(self.tag_box.currentData() or "")}

    def set_filter_values(self, values: dict[str, str]) -> None:
        """Fill the filter bar from :meth:`filter_values` and apply it."""
        for edit, key in ((self.text_edit, "text"), (self.date_from_edit, "from"),
                          (self.date_to_edit, "to")):
            with QSignalBlocker(edit):
                edit.setText(values.get(key, ""))
        for box, key in ((self.outlet_box, "outlet"), (self.language_box, "language"),
                         (self.tag_box, "tag")):
            wanted = values.get(key, "")
            found = next((i for i in range(box.count())
                          if str(box.itemData(i) or "") == wanted), 0)
            with QSignalBlocker(box):
                box.setCurrentIndex(found)
        self.apply_filter()

    # --- refresh --------------------------------------------------------------------------
    def _on_changed(self, changes: Changes) -> None:
        if changes.touches_articles or changes.touches_tags:
            self.reload_choices()

    def _on_notebook_opened(self, _notebook: object) -> None:
        for edit in (self.text_edit, self.date_from_edit, self.date_to_edit):
            edit.blockSignals(True)
            edit.clear()
            edit.blockSignals(False)
        self.reload_choices()
