"""The search panel: a query box, results with marked snippets, inline syntax errors.

Articles and notes are searched with the same query (``nb.notes.search_all``) and
shown in one ranked list, each result with a kind badge; a filter narrows the list to
articles or notes. Snippets are plain text from the service with code-point spans to
mark; they are HTML-escaped here before the marks are added, so article text can never
inject markup. Activating an article result emits ``openHit`` with the article id and
its hit spans, which the main window passes to the reader; activating a note result
emits ``openNote`` with the note id (a note is never opened as an article).

Searches run off the GUI thread, one at a time: a search usually takes tens of
milliseconds, but on an index that must be rebuilt first (opened by this client for the
first time, or left behind the change log's floor) it is long work, which shows a
progress bar with a Cancel button. A newer query supersedes a running one: its results
are dropped and the newest query runs next.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QEventLoop,
    QObject,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.changes import Changes
from app.core.errors import DossierError, QuerySyntaxError
from app.core.progress import CancelToken, ProgressEvent, ProgressFn
from app.core.records import SearchHit, SearchResults
from app.gui.common.controller import NotebookController
from app.gui.common.tasks import Task, TaskRunner
from app.gui.search.hits import MARK_STYLE, HitRole, HtmlDelegate, hit_html, marked_html

__all__ = ["FILTERS", "MARK_STYLE", "SearchPanel", "hit_html", "marked_html"]

log = logging.getLogger(__name__)

FILTERS = (("All", ("article", "note")), ("Articles", ("article",)), ("Notes", ("note",)))
"""The result filter's entries: label and the kinds searched."""


class SearchPanel(QWidget):
    """Query box, kind filter and result list; activating a result fires ``openHit``
    (an article) or ``openNote`` (a note)."""

    openHit = Signal(int, object)  # article id, tuple of (start, end) code-point spans
    openHitInNewPane = Signal(int, object)  # the same, beside the open readers (Ctrl+Enter)
    openNote = Signal(int)  # note id
    #: A search finished (results shown, an error shown, or cancelled).
    searchFinished = Signal()
    PAGE_SIZE = 20

    def __init__(self, controller: NotebookController, parent: QWidget | None = None,
                 runner: TaskRunner | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._runner = runner or TaskRunner(self, max_threads=1)
        self._query = ""
        self._total = 0
        self._task: Task | None = None
        self._task_offset = 0
        self._next: tuple[str, int, tuple[str, ...]] | None = None  # waits for the task
        self._build_query_row()
        self._build_results()
        self._build_progress()
        self._build_layout()
        controller.notebookOpened.connect(self._on_notebook_opened)
        controller.changed.connect(self._on_changed)

    # --- building -------------------------------------------------------------------------
    def _build_query_row(self) -> None:
        self.query_edit = QLineEdit(self)
        self.query_edit.setPlaceholderText(
            'Search: words, "phrases", ="exact forms", AND/OR/NOT, wild*, fuzzy~, tag:, '
            "source:, lang:, date:  (F1: Help)"
        )
        self.query_edit.setToolTip(
            '"kritische Mineralien" finds any inflection ("kritischen Mineralien");\n'
            '="kritische Mineralien" only these forms; -word excludes; Flücht* and Tokajew~\n'
            "expand; date:2025-11 finds every article whose date overlaps November 2025.\n"
            "Help > Search Syntax has the whole language and its limits."
        )
        self.query_edit.setClearButtonEnabled(True)
        self.query_edit.returnPressed.connect(self.run_query)
        self.query_edit.textEdited.connect(self._clear_error)
        self.query_edit.installEventFilter(self)
        self.error_label = QLabel(self)
        self.error_label.setStyleSheet("color:#b00020;")
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.hide()
        self.status_label = QLabel(self)
        self.kind_filter = QComboBox(self)
        self.kind_filter.setToolTip("Show articles, notes or both")
        for label, kinds in FILTERS:
            self.kind_filter.addItem(label, kinds)
        self.kind_filter.currentIndexChanged.connect(self._on_filter_changed)

    def _build_results(self) -> None:
        self.results = QListWidget(self)
        self.results.setItemDelegate(HtmlDelegate(self.results))
        self.results.setWordWrap(True)
        self.results.setUniformItemSizes(False)
        self.results.setAlternatingRowColors(True)
        self.results.itemActivated.connect(self._on_item_activated)
        self.results.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.results.customContextMenuRequested.connect(self._on_results_menu)
        self.results.installEventFilter(self)  # Ctrl+Enter: the list itself takes Enter
        self.more_button = QPushButton("Show more results", self)
        self.more_button.clicked.connect(self.load_more)
        self.more_button.hide()

    def _build_progress(self) -> None:
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setTextVisible(True)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setToolTip("Stop updating the search index; it goes on later")
        self.cancel_button.clicked.connect(self.cancel_search)
        self.progress_bar.hide()
        self.cancel_button.hide()

    def _build_layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.query_edit, 1)
        top.addWidget(self.kind_filter)
        top.addWidget(self.status_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(top)
        layout.addWidget(self.error_label)
        busy = QHBoxLayout()
        busy.addWidget(self.progress_bar, 1)
        busy.addWidget(self.cancel_button)
        layout.addLayout(busy)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.more_button)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down in the query box moves to the results, for keyboard-only use; Ctrl+Enter
        in the results opens one in a new pane."""
        if (
            watched is self.results
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.open_current_in_new_pane()
            return True
        if (
            watched is self.query_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and self.results.count()
        ):
            self.results.setFocus(Qt.FocusReason.TabFocusReason)
            return True
        return super().eventFilter(watched, event)

    # --- actions --------------------------------------------------------------------------
    def focus_query(self) -> None:
        """Put the keyboard focus in the query box with its text selected (Ctrl+K)."""
        self.query_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.query_edit.selectAll()

    def run_query(self) -> None:
        """Search for the query box's text and show the first page of results."""
        self._query = self.query_edit.text().strip()
        self.results.clear()
        self._total = 0
        self._clear_error()
        if not self._query:
            self.status_label.clear()
            self.more_button.hide()
            return
        self._fetch(0)

    def kinds(self) -> tuple[str, ...]:
        """The result kinds the filter shows ("article", "note")."""
        return tuple(self.kind_filter.currentData() or FILTERS[0][1])

    def set_filter(self, label: str) -> None:
        """Choose the filter entry called ``label`` ("All", "Articles" or "Notes")."""
        index = self.kind_filter.findText(label)
        if index < 0:
            raise ValueError(f"no search filter {label!r}")
        self.kind_filter.setCurrentIndex(index)

    def _on_filter_changed(self, _index: int) -> None:
        if self.query_edit.text().strip():
            self.run_query()

    def load_more(self) -> None:
        """Append the next page of results."""
        if self._query and self.results.count() < self._total:
            self._fetch(self.results.count())

    @property
    def is_searching(self) -> bool:
        """True while a search runs or waits to run."""
        return self._task is not None or self._next is not None

    def wait(self, timeout: float = 30.0) -> bool:
        """Run the event loop until no search runs or waits (scripts and tests that drive
        the panel step by step); True if it finished within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while self.is_searching and time.monotonic() < deadline:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            time.sleep(0.002)
        return not self.is_searching

    def cancel_search(self) -> None:
        """Stop the running search (its index update stays queued for the indexer)."""
        self._next = None
        if self._task is not None:
            self._task.cancel()

    def _fetch(self, offset: int) -> None:
        request = (self._query, offset, self.kinds())
        if self._task is not None:  # one at a time: the running one is superseded
            self._next = request
            self._task.cancel()
            return
        self._start(request)

    def _start(self, request: tuple[str, int, tuple[str, ...]]) -> None:
        query, offset, kinds = request
        notes = self._controller.nb.notes
        limit = self.PAGE_SIZE

        def work(progress: ProgressFn, cancel: CancelToken) -> SearchResults:
            return notes.search_all(query, offset=offset, limit=limit, kinds=kinds,
                                    progress=progress, cancel=cancel)

        self._task_offset = offset
        self.status_label.setText("Searching…")
        task = self._task = self._runner.submit("search", work)
        task.progressed.connect(self._on_progress)
        task.succeeded.connect(self._on_found)
        task.failed.connect(self._on_failed)
        task.cancelled.connect(self._on_cancelled)
        task.finished.connect(self._on_task_finished)

    def _is_current(self) -> bool:
        """Whether the finishing task's outcome is still wanted (no newer query)."""
        return self._next is None and self.sender() is self._task

    def _on_progress(self, event: ProgressEvent) -> None:
        if not self._is_current():
            return
        self.progress_bar.setRange(0, max(event.total, 0))
        self.progress_bar.setValue(min(event.done, event.total))
        self.progress_bar.setFormat(f"Updating the search index: %v of %m {event.label}"
                                    if event.total else "Updating the search index…")
        self.progress_bar.show()
        self.cancel_button.show()

    def _on_found(self, found: SearchResults) -> None:
        if not self._is_current():
            return
        if self._task_offset == 0:
            self.results.clear()
        self._add_results(found)
        if self._task_offset == 0 and self.results.count():
            self.results.setCurrentRow(0)

    def _on_failed(self, exc: BaseException) -> None:
        if not self._is_current():
            return
        if isinstance(exc, QuerySyntaxError):
            self._show_error(self._syntax_message(exc))
        elif isinstance(exc, DossierError):
            log.warning("search failed: %s", exc)
            self._show_error(f"Search failed: {exc}")
        else:  # a bug: say so instead of showing a stale list
            self._show_error(f"Search failed: {type(exc).__name__}: {exc}")

    def _on_cancelled(self) -> None:
        if self._is_current():
            self.status_label.setText("Search cancelled")

    def _on_task_finished(self) -> None:
        if self.sender() is not self._task:
            return
        self._task = None
        self.progress_bar.hide()
        self.cancel_button.hide()
        if self._next is not None:
            request, self._next = self._next, None
            self._start(request)
        else:
            self.searchFinished.emit()

    def _add_results(self, found: SearchResults) -> None:
        self._total = found.total
        for hit in found.hits:
            item = QListWidgetItem(hit_html(hit))
            item.setData(HitRole, hit)
            item.setToolTip(hit.title)
            self.results.addItem(item)
        shown = self.results.count()
        noun = "result" if found.total == 1 else "results"
        more = f" ({shown:,} shown)" if shown < found.total else ""
        self.status_label.setText(f"{found.total:,} {noun}{more}")
        self.more_button.setVisible(shown < found.total)

    @staticmethod
    def _syntax_message(exc: QuerySyntaxError) -> str:
        return f"Cannot read this query: {exc}"

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()
        self.status_label.clear()
        self.more_button.hide()

    def _clear_error(self) -> None:
        self.error_label.clear()
        self.error_label.hide()

    @property
    def error_text(self) -> str:
        """The inline error shown for the last query ("" when none)."""
        return self.error_label.text() if not self.error_label.isHidden() else ""

    def hit_at(self, row: int) -> SearchHit | None:
        """The result in ``row`` of the list."""
        item = self.results.item(row)
        return item.data(HitRole) if item else None

    def activate_current(self) -> None:
        """Open the current result, as Enter in the list does."""
        item = self.results.currentItem()
        if item is not None:
            self._on_item_activated(item)

    def open_current_in_new_pane(self) -> None:
        """Open the current article result in a new reader pane (Ctrl+Enter)."""
        item = self.results.currentItem()
        if item is not None:
            self._on_item_activated(item, new_pane=True)

    def results_menu(self) -> QMenu:
        """Right-click on a result: open it here or beside the open readers."""
        menu = QMenu(self.results)
        item = self.results.currentItem()
        hit: SearchHit | None = item.data(HitRole) if item is not None else None
        menu.addAction("&Open", self.activate_current).setEnabled(hit is not None)
        beside = menu.addAction("Open in &New Pane", self.open_current_in_new_pane)
        beside.setEnabled(hit is not None and hit.kind != "note")
        return menu

    def _on_results_menu(self, pos: QPoint) -> None:
        item = self.results.itemAt(pos)
        if item is not None:
            self.results.setCurrentItem(item)
        menu = self.results_menu()
        menu.exec(self.results.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def _on_item_activated(self, item: QListWidgetItem, new_pane: bool = False) -> None:
        hit: SearchHit | None = item.data(HitRole)
        if hit is None:
            return
        if hit.kind == "note":
            self.openNote.emit(int(hit.note_id or hit.article_id))
        elif new_pane:
            self.openHitInNewPane.emit(int(hit.article_id), tuple(hit.hit_spans))
        else:
            self.openHit.emit(int(hit.article_id), tuple(hit.hit_spans))

    # --- refresh --------------------------------------------------------------------------
    def _on_notebook_opened(self, _notebook: object) -> None:
        self.cancel_search()  # its results belong to the notebook that was closed
        self._task = None
        self.progress_bar.hide()
        self.cancel_button.hide()
        self.query_edit.clear()
        self.results.clear()
        self.status_label.clear()
        self.more_button.hide()
        self._clear_error()

    def _on_changed(self, changes: Changes) -> None:
        gone = {"article": changes.deleted_articles, "note": changes.deleted_notes}
        if not any(gone.values()):
            return
        for row in reversed(range(self.results.count())):
            hit = self.hit_at(row)
            if hit is not None and _hit_id(hit) in gone.get(hit.kind, ()):
                self.results.takeItem(row)


def _hit_id(hit: SearchHit) -> int:
    """The id of what a result shows: its note for a note hit, else its article."""
    return int(hit.note_id or hit.article_id) if hit.kind == "note" else int(hit.article_id)
