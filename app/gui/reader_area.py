"""The centre of the main window: up to three reader panes side by side.

:class:`ReaderArea` keeps :class:`~app.gui.reader.ReaderView` panes in a splitter,
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
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QPoint, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.changes import Changes
from app.core.errors import NotFound
from app.core.records import ArticleSummary
from app.gui.controller import NotebookController
from app.gui.edit_mode import EditBar
from app.gui.elided import ElidedLabel
from app.gui.notes_view import note_service
from app.gui.quicktag import QuickTagPopup, apply_quick_tag
from app.gui.reader import ReaderView

log = logging.getLogger(__name__)

MAX_PANES = 3
MAX_RECENT_TAGS = 5
MIN_READER_WIDTH = 360
"""About 45 characters of body text: narrower, German compounds break mid-word. Panes that
do not fit side by side scroll horizontally instead of being squeezed (1024 px laptops)."""


def increasing_chain(pairs: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """Longest chain of pairs strictly increasing in both coordinates (O(n log n)).

    Anchors that cross (the second article reports two claims in the other order)
    cannot both be aligned; the longest consistent chain keeps the most of them.
    """
    ordered = sorted(pairs, key=lambda p: (p[0], -p[1]))
    tails: list[float] = []  # smallest second coordinate ending a chain of each length
    tail_index: list[int] = []
    parent: list[int] = []
    for i, (_x, y) in enumerate(ordered):
        k = bisect_left(tails, y)
        parent.append(tail_index[k - 1] if k else -1)
        if k == len(tails):
            tails.append(y)
            tail_index.append(i)
        else:
            tails[k], tail_index[k] = y, i
    chain, i = [], tail_index[-1] if tail_index else -1
    while i >= 0:
        chain.append(ordered[i])
        i = parent[i]
    return chain[::-1]


def sync_points(source: tuple[float, float], target: tuple[float, float],
                anchors_source: dict[Any, float],
                anchors_target: dict[Any, float]) -> list[tuple[float, float]]:
    """Corresponding scroll values of two panes: ``(0, 0)``, one point per anchor shared
    by both (its y minus a third of the viewport: the reading line), ``(max, max)``.

    ``source`` and ``target`` are ``(scroll maximum, viewport height)``. Anchors outside
    the scroll range or crossing others are left out, so the points increase strictly.
    """
    (max_s, height_s), (max_t, height_t) = source, target
    pairs = [(anchors_source[k] - height_s / 3, anchors_target[k] - height_t / 3)
             for k in anchors_source.keys() & anchors_target.keys()]
    inside = [(a, b) for a, b in pairs if 0 < a < max_s and 0 < b < max_t]
    return [(0.0, 0.0), *increasing_chain(inside), (float(max_s), float(max_t))]


def map_scroll(value: float, points: Sequence[tuple[float, float]]) -> float:
    """Piecewise-linear map of a scroll value through increasing ``points``."""
    xs = [x for x, _ in points]
    i = min(max(bisect_right(xs, value), 1), len(points) - 1)
    (x0, y0), (x1, y1) = points[i - 1], points[i]
    if x1 <= x0:
        return y1
    return y0 + (min(max(value, x0), x1) - x0) * (y1 - y0) / (x1 - x0)


def source_line(summary: ArticleSummary) -> str:
    """The line under a reader's title: outlet · date · language · where it came from."""
    where = summary.url or summary.original_name
    parts = [summary.outlet, summary.published or "undated", summary.language or "?", where]
    return " · ".join(p for p in parts if p)


class ReaderPane(QFrame):
    """A reader under a header: the title, outlet, date, language and source, a close button."""

    closeRequested = Signal()

    def __init__(self, controller: NotebookController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = ReaderView(controller, self)
        self.edit_bar = EditBar(self.view, controller, self)
        self.setMinimumWidth(MIN_READER_WIDTH)
        # A long title must not set the pane's minimum width (the splitter would skew).
        self.title = ElidedLabel("", self)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.source = ElidedLabel("", self)
        self.source.setEnabled(False)  # drawn in the palette's quieter text colour
        close = QToolButton(self)
        close.setText("\u00d7")
        close.setToolTip("Close this reader")
        close.setAutoRaise(True)
        close.clicked.connect(self.closeRequested)
        lines = QVBoxLayout()
        lines.setSpacing(0)
        lines.addWidget(self.title)
        lines.addWidget(self.source)
        header = QHBoxLayout()
        header.setContentsMargins(6, 2, 2, 2)
        header.addLayout(lines, 1)
        header.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(header)
        layout.addWidget(self.edit_bar)
        layout.addWidget(self.view, 1)

    def set_title(self, title: str) -> None:
        self.title.setText(title or "(untitled)")

    def set_summary(self, summary: ArticleSummary) -> None:
        """Show the article's title and source line."""
        self.set_title(summary.title)
        self.source.setText(source_line(summary))


class FindBar(QWidget):
    """Find in the current article: Enter/F3 next, Shift+Enter/Shift+F3 previous, Esc closes."""

    findRequested = Signal(str, bool)  # query, backward
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("Find in article")
        self.edit.setClearButtonEnabled(True)
        self.edit.returnPressed.connect(self.find_next)
        self.status = QLabel(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.edit, 1)
        for text, slot in (("\u25b2", self.find_previous), ("\u25bc", self.find_next),
                           ("\u00d7", self.close_bar)):
            button = QToolButton(self)
            button.setText(text)
            button.setAutoRaise(True)
            button.clicked.connect(slot)
            layout.addWidget(button)
        layout.insertWidget(1, self.status)
        self._build_shortcuts()

    def _build_shortcuts(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in ((QKeySequence.StandardKey.FindNext, self.find_next),
                           (QKeySequence.StandardKey.FindPrevious, self.find_previous),
                           (QKeySequence("Shift+Return"), self.find_previous),
                           (QKeySequence(Qt.Key.Key_Escape), self.close_bar)):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(context)
            shortcut.activated.connect(slot)

    def open_bar(self) -> None:
        self.show()
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()

    def find_next(self) -> None:
        self.findRequested.emit(self.edit.text(), False)

    def find_previous(self) -> None:
        self.findRequested.emit(self.edit.text(), True)

    def close_bar(self) -> None:
        self.hide()
        self.closed.emit()


class ReaderArea(QWidget):
    """Side-by-side readers with synchronised scrolling, find and quick tag.

    Signals:
        highlightActivated(int): a highlight id was activated in a reader (0: none).
        currentArticleChanged(int): the focused pane shows another article (0: none).
    """

    highlightActivated = Signal(int)
    currentArticleChanged = Signal(int)

    def __init__(self, controller: NotebookController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._panes: list[ReaderPane] = []
        self._current: ReaderPane | None = None
        self._is_sync = False
        self._is_syncing = False
        self._popup: QuickTagPopup | None = None
        self._pending_span: tuple[int, int, int] | None = None
        self._selection_actions: list[QAction] = []
        self._text_actions: list[QAction] = []
        self._recent_tags: list[str] = []
        self._build_layout()
        controller.changed.connect(self._on_changed)

    def _build_layout(self) -> None:
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.scroller = QScrollArea(self)
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroller.setWidget(self.splitter)
        self.find_bar = FindBar(self)
        self.find_bar.hide()
        self.find_bar.findRequested.connect(self._on_find_requested)
        self.find_bar.closed.connect(self._on_find_closed)
        self.placeholder = QLabel("Open an article from the library.", self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.placeholder, 1)
        layout.addWidget(self.scroller, 1)
        layout.addWidget(self.find_bar)
        self.scroller.hide()

    # -- panes -----------------------------------------------------------------

    def panes(self) -> list[ReaderPane]:
        return list(self._panes)

    def current_view(self) -> ReaderView | None:
        """The reader that find, quick tag and hit navigation act on."""
        return self._current.view if self._current else None

    def open_article_ids(self) -> list[int]:
        """Article ids of the panes, left to right."""
        return [p.view.article_id for p in self._panes]

    def open_article(
        self,
        article_id: int,
        *,
        new_pane: bool = False,
        scroll_to: tuple[int, int] | None = None,
        hits: Sequence[tuple[int, int]] = (),
    ) -> None:
        """Show an article, optionally in a new pane, scrolled to a span with hits marked.

        Without ``new_pane`` an already open article is focused, else the current pane
        is reused. A fourth pane replaces the current one; a pane whose text is being
        edited is never replaced (its unsaved edit would be lost).
        """
        pane = self._pane_for(article_id, new_pane)
        if pane is None:
            QMessageBox.information(self, "Dossier", "Every pane is editing an article's text: "
                                    "save or cancel an edit to open another article.")
            return
        if pane.view.article_id != article_id and not self._load(pane, article_id):
            if not pane.view.article_id:
                self._remove_pane(pane)
            return
        self._set_current(pane)
        if hits:
            pane.view.set_hits(hits)
        if scroll_to is not None:
            pane.view.select_span(*scroll_to)
        pane.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _pane_for(self, article_id: int, new_pane: bool) -> ReaderPane | None:
        """The pane to show ``article_id`` in (None: every pane is busy editing)."""
        if not new_pane:
            for pane in self._panes:
                if pane.view.article_id == article_id:
                    return pane
            if self._current is not None and not self._current.view.is_editing:
                return self._current
        if len(self._panes) < MAX_PANES:
            return self._add_pane()
        candidates = [self._current, *self._panes]
        return next((p for p in candidates if p is not None and not p.view.is_editing), None)

    def _load(self, pane: ReaderPane, article_id: int) -> bool:
        try:
            pane.view.load_article(article_id)
        except NotFound:
            log.info("article %s is gone", article_id)
            QMessageBox.information(self, "Dossier", "This article no longer exists.")
            return False
        if pane.view.summary is not None:
            pane.set_summary(pane.view.summary)
        return True

    def _add_pane(self) -> ReaderPane:
        pane = ReaderPane(self._controller, self.splitter)
        pane.closeRequested.connect(self._on_close_requested)
        pane.view.focusReceived.connect(self._on_view_focused)
        pane.view.highlightActivated.connect(self.highlightActivated)
        pane.view.verticalScrollBar().valueChanged.connect(self._on_view_scrolled)
        pane.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        pane.view.customContextMenuRequested.connect(self._on_context_menu)
        self.splitter.addWidget(pane)
        self._panes.append(pane)
        self.placeholder.hide()
        self.scroller.show()
        sizes = [1000] * len(self._panes)
        self.splitter.setSizes(sizes)
        return pane

    def _remove_pane(self, pane: ReaderPane) -> None:
        index = self._panes.index(pane)
        self._panes.remove(pane)
        pane.hide()
        pane.setParent(None)
        pane.deleteLater()
        if self._current is pane:
            self._current = None
            if self._panes:
                self._set_current(self._panes[min(index, len(self._panes) - 1)])
            else:
                self.currentArticleChanged.emit(0)
        if not self._panes:
            self.scroller.hide()
            self.placeholder.show()

    def close_current_pane(self) -> None:
        """Close the focused pane (the next one to its right, or left, gets focus)."""
        if self._current is not None:
            self._remove_pane(self._current)

    def _set_current(self, pane: ReaderPane) -> None:
        previous = self._current.view.article_id if self._current else 0
        self._current = pane
        # it may be scrolled out of view; a new pane has its geometry only after layout
        QTimer.singleShot(0, functools.partial(self._reveal, pane))
        for p in self._panes:
            p.setFrameShape(QFrame.Shape.Box if p is pane and len(self._panes) > 1
                            else QFrame.Shape.NoFrame)
        if pane.view.article_id != previous or previous == 0:
            self.currentArticleChanged.emit(pane.view.article_id)

    def _reveal(self, pane: ReaderPane) -> None:
        if pane in self._panes:
            self.scroller.ensureWidgetVisible(pane, 0, 0)

    def _on_close_requested(self) -> None:
        pane = self.sender()
        if isinstance(pane, ReaderPane) and pane in self._panes:
            self._remove_pane(pane)

    def _on_view_focused(self) -> None:
        view = self.sender()
        for pane in self._panes:
            if pane.view is view and pane is not self._current:
                self._set_current(pane)

    # -- synchronised scrolling ------------------------------------------------

    def set_sync_scrolling(self, on: bool) -> None:
        """Scroll all panes together: anchored passages side by side, else proportionally."""
        self._is_sync = on
        if on and self._current is not None:
            self._sync_from(self._current.view)

    def is_sync_scrolling(self) -> bool:
        return self._is_sync

    def _on_view_scrolled(self, _value: int) -> None:
        if not self._is_sync or self._is_syncing:
            return
        bar = self.sender()
        for pane in self._panes:
            if pane.view.verticalScrollBar() is bar:
                self._sync_from(pane.view)

    def _sync_from(self, source: ReaderView) -> None:
        """Move the other panes so their anchored passages line up with ``source``'s
        (proportionally between anchors; guarded: the moves do not echo back)."""
        bar = source.verticalScrollBar()
        anchors = self._anchor_ys(source)
        self._is_syncing = True
        try:
            for pane in self._panes:
                if pane.view is source:
                    continue
                other = pane.view.verticalScrollBar()
                points = sync_points((bar.maximum(), source.viewport().height()),
                                     (other.maximum(), pane.view.viewport().height()),
                                     anchors, self._anchor_ys(pane.view, anchors))
                other.setValue(round(map_scroll(bar.value(), points)))
        finally:
            self._is_syncing = False

    @staticmethod
    def _anchor_ys(view: ReaderView, wanted: dict[Any, float] | None = None) -> dict[Any, float]:
        """Document y of each anchor of ``view`` (only keys in ``wanted`` if given)."""
        return {key: view.y_of(cp) for key, cp in view.anchors().items()
                if wanted is None or key in wanted}

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
            self._remember_tag(path)
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
        self._selection_actions = list(actions)

    def set_text_actions(self, actions: Sequence[QAction]) -> None:
        """The window's actions on the article's text (edit, trim, revisions), offered
        in the reader's right-click menu with or without a selection."""
        self._text_actions = list(actions)

    def current_pane(self) -> ReaderPane | None:
        """The focused pane (None when no article is open)."""
        return self._current

    def recent_tags(self) -> list[str]:
        """Tag paths applied with quick tag in this window, most recent first."""
        return list(self._recent_tags)

    def _remember_tag(self, path: str) -> None:
        self._recent_tags = [path, *(p for p in self._recent_tags if p != path)][:MAX_RECENT_TAGS]

    def _on_context_menu(self, pos: QPoint) -> None:
        view = self.sender()
        pane = next((p for p in self._panes if p.view is view), None)
        if pane is None:
            return
        menu = self.context_menu(pane, pos)
        menu.exec(pane.view.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def context_menu(self, pane: ReaderPane, pos: QPoint) -> QMenu:
        """The right-click menu: with a selection, what QDA users reach for (tag, recent
        tags, actor, agreement, evidence, citation), then the reader's standard entries."""
        self._set_current(pane)
        standard = pane.view.createStandardContextMenu(pos)
        if not pane.view.textCursor().hasSelection() or pane.view.is_editing:
            if self._text_actions and not pane.view.is_editing:
                standard.addSeparator()
                standard.addActions(self._text_actions)
            return standard
        menu = QMenu(pane.view)
        for action in self._selection_actions[:1]:
            menu.addAction(action)
        span = self.selected_span()
        if span is not None:
            for path in self._recent_tags:
                item = menu.addAction(f"Tag “{path}”")
                item.triggered.connect(functools.partial(self._tag_recent, span, path))
        menu.addSeparator()
        menu.addActions(self._selection_actions[1:])
        menu.addSeparator()
        if self._text_actions:
            menu.addActions(self._text_actions)
            menu.addSeparator()
        menu.addActions(standard.actions())
        standard.setParent(menu)  # keeps its actions alive as long as the menu
        standard.hide()  # a reparented, never-hidden menu would show inside the new one
        return menu

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
