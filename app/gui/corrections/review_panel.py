"""The "Needs Review" panel: highlights whose words an edit of the text removed.

An orphaned highlight is never dropped (issue 12): it keeps its quote, the words around
it and its memo, tags, mentions and evidence. The panel lists every orphan of the
notebook with its old quote in its old context and the article's title; the reviewer can
open the article where the words were, re-attach the highlight to words selected in the
focused reader (same article), or delete it. Both are undoable edits through the
controller; the list refreshes on every change of highlights or articles.
"""

from __future__ import annotations

import functools
import html
import logging
import re
from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.changes import Changes
from app.core.revisions import Orphan
from app.gui.common.controller import NotebookController

log = logging.getLogger(__name__)

CONTEXT_CHARS = 60
"""Characters of old context shown on each side of the quote."""

SpanSource = Callable[[], "tuple[int, int, int] | None"]
"""Where the reader's selection comes from: (article id, start, end) or None."""


def orphan_html(orphan: Orphan) -> str:
    """Rich text of one orphan: the article title, then the old quote (bold, struck
    through: its words are gone) inside its old context, all HTML-escaped."""
    prefix = orphan.prefix[-CONTEXT_CHARS:]
    suffix = orphan.suffix[:CONTEXT_CHARS]

    def esc(text: str) -> str:
        return html.escape(re.sub(r"\s+", " ", text))  # line breaks would waste rows

    memo = f"<br><i>Memo: {esc(orphan.memo)}</i>" if orphan.memo.strip() else ""
    return (f"<b>{esc(orphan.article_title) or '(untitled)'}</b><br>"
            f"<span style='color:#555'>…{esc(prefix)}</span>"
            f"<span style='background:#ffe0b2;text-decoration:line-through'>"
            f"<b>{esc(orphan.exact)}</b></span>"
            f"<span style='color:#555'>{esc(suffix)}…</span>{memo}")


class ReviewPanel(QWidget):
    """Lists orphaned highlights with Show Article, Re-attach to Selection and Delete.

    Signals:
        openPassage(int, int, int): show the article at the place its words were.
        countChanged(int): the number of orphans listed (for the dock's title).
    """

    openPassage = Signal(int, int, int)
    countChanged = Signal(int)  # orphans listed, after each refresh

    def __init__(self, controller: NotebookController, selected_span: SpanSource,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._selected_span = selected_span
        self._orphans: list[Orphan] = []
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.list = QListWidget(self)
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        # a light selection: the rows are rich-text labels whose grey context and
        # black title would vanish on the style's saturated selection colour
        self.list.setStyleSheet("QListWidget::item:selected { background: #d6e6fa; "
                                "border-left: 3px solid #1565c0; }")
        self.list.currentRowChanged.connect(self._update_buttons)
        self.list.itemActivated.connect(self.show_article)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.show_button = QPushButton("Show &Article", self)
        self.show_button.clicked.connect(self.show_article)
        self.reattach_button = QPushButton("&Re-attach to Selection", self)
        self.reattach_button.setToolTip("Select the new words in the reader, then re-attach "
                                        "the highlight to them")
        self.reattach_button.clicked.connect(self.reattach)
        self.delete_button = QPushButton("&Delete", self)
        self.delete_button.clicked.connect(self.delete)
        buttons = QHBoxLayout()
        for button in (self.show_button, self.reattach_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        controller.changed.connect(self._on_changed)
        controller.notebookOpened.connect(lambda _nb: self.refresh())
        self.refresh()

    # -- contents --------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the orphans again, keeping the selected one if it is still there."""
        current = self.current_orphan()
        self._orphans = self._controller.nb.revisions.orphans()
        self.list.clear()
        for orphan in self._orphans:
            item = QListWidgetItem(self.list)
            item.setData(Qt.ItemDataRole.UserRole, int(orphan.highlight_id))
            item.setToolTip(orphan.exact)
            label = QLabel(orphan_html(orphan))
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setContentsMargins(4, 4, 4, 4)
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            self.list.setItemWidget(item, label)
        self._fit_rows()
        count = len(self._orphans)
        self.summary.setText(
            "No highlight needs review." if not count else
            f"{count} highlight{'' if count == 1 else 's'} lost {'its' if count == 1 else 'their'}"
            " words in an edit of the text. Show the article, select the new words and "
            "re-attach, or delete.")
        ids = [int(o.highlight_id) for o in self._orphans]
        if current is not None and int(current.highlight_id) in ids:
            self.list.setCurrentRow(ids.index(int(current.highlight_id)))
        elif self._orphans:
            self.list.setCurrentRow(0)
        self._update_buttons()
        self.countChanged.emit(count)

    def orphans(self) -> list[Orphan]:
        return list(self._orphans)

    def current_orphan(self) -> Orphan | None:
        row = self.list.currentRow()
        return self._orphans[row] if 0 <= row < len(self._orphans) else None

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_rows()

    def _fit_rows(self) -> None:
        """Give each row the height its wrapped text needs at the list's width."""
        width = max(self.list.viewport().width() - 4, 120)
        for row in range(self.list.count()):
            item = self.list.item(row)
            label = self.list.itemWidget(item)
            if label is not None:
                item.setSizeHint(QSize(width, label.heightForWidth(width)))

    def _update_buttons(self) -> None:
        has = self.current_orphan() is not None
        for button in (self.show_button, self.reattach_button, self.delete_button):
            button.setEnabled(has)

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches_highlights or changes.touches_articles:
            self.message.clear()  # it spoke of the list before this change
            self.refresh()

    # -- actions ---------------------------------------------------------------------
    def show_article(self) -> None:
        """Open the orphan's article at the place its words were."""
        orphan = self.current_orphan()
        if orphan is not None:
            self.openPassage.emit(int(orphan.article_id), orphan.position, orphan.position)

    def reattach(self) -> bool:
        """Put the selected orphan on the words selected in the focused reader."""
        orphan = self.current_orphan()
        if orphan is None:
            return False
        span = self._selected_span()
        if span is None:
            self.message.setText("Select the new words in the reader first.")
            return False
        article_id, start, end = span
        if article_id != orphan.article_id:
            self.message.setText(f"The selection is in another article; select the words "
                                 f"in “{orphan.article_title}”.")
            return False
        service = self._controller.nb.revisions
        done = self._controller.edit(
            functools.partial(service.reattach, orphan.highlight_id, start, end), self)
        self.message.setText("Re-attached (Ctrl+Z undoes it)." if done is not None else "")
        return done is not None

    def delete(self) -> bool:
        """Delete the selected orphan (undoable)."""
        orphan = self.current_orphan()
        if orphan is None:
            return False
        annotations = self._controller.nb.annotations
        done = self._controller.edit(functools.partial(annotations.delete, orphan.highlight_id),
                                     self)
        self.message.setText("Deleted (Ctrl+Z undoes it)." if done is not None else "")
        return done is not None

