"""Reader panes side by side in a horizontally scrolling splitter: opening, focusing,
closing and synchronised scrolling. :class:`~app.gui.reader.area.ReaderArea` adds find,
quick tag and the right-click menu on top."""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import NotFound
from app.gui.common.controller import NotebookController
from app.gui.reader.pane import ReaderPane
from app.gui.reader.sync import map_scroll, sync_points
from app.gui.reader.view import ReaderView

log = logging.getLogger(__name__)

MAX_PANES = 3


class ReaderPanes(QWidget):
    """Up to :data:`MAX_PANES` readers side by side; one of them is current.

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
        self._build_layout()

    def _build_layout(self) -> None:
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.scroller = QScrollArea(self)
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.scroller.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroller.setWidget(self.splitter)
        self.placeholder = QLabel("Open an article from the library.", self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.placeholder, 1)
        layout.addWidget(self.scroller, 1)
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
        self._wire_pane(pane)
        self.splitter.addWidget(pane)
        self._panes.append(pane)
        self.placeholder.hide()
        self.scroller.show()
        sizes = [1000] * len(self._panes)
        self.splitter.setSizes(sizes)
        return pane


    def _wire_pane(self, pane: ReaderPane) -> None:
        """Connect a new pane to what a subclass adds (its right-click menu); nothing here."""

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

