"""Reviewing suggested actor mentions: the table of suggestions and the dialog that accepts
or rejects them, one by one or for an actor.

Each suggestion shows the article it was found in and the found word marked (bold, on a
highlight colour) inside the sentence around it, so it can be judged without opening the
article."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QPainter, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.actor_records import Suggestion
from app.gui.actors.table_fit import TableFitter
from app.gui.common.controller import NotebookController
from app.gui.common.record_model import RecordTableModel

log = logging.getLogger(__name__)


HTML_ROLE = Qt.ItemDataRole.UserRole + 1
"""The context column's text as HTML, the found word marked."""
MARK_STYLE = "background-color: #ffe08a; color: #000000; font-weight: bold;"
CONTEXT = 60
"""Characters of context the suggestion pass keeps either side of a hit."""
SHOWN_BEFORE = 30
"""Characters before the word shown in the table (the tooltip has them all)."""


def context_parts(s: Suggestion) -> tuple[str, str, str]:
    """The context split around the found word: (before, word, after).

    The pass keeps ``CONTEXT`` characters before the hit (fewer at the article's start),
    so the word sits at a known offset; if that slice is not the word, it is searched.
    """
    offset, length = min(CONTEXT, s.start), s.end - s.start
    if s.context[offset: offset + length] != s.surface:
        offset, length = s.context.find(s.surface), len(s.surface)
        if offset < 0:
            return " ".join(s.context.split()), "", ""
    before, word, after = (s.context[:offset], s.context[offset: offset + length],
                           s.context[offset + length:])
    # runs of white space become one space; the spaces next to the word stay
    return (re.sub(r"\s+", " ", before).lstrip(), word,
            re.sub(r"\s+", " ", after).rstrip())


def shown_parts(s: Suggestion) -> tuple[str, str, str]:
    """:func:`context_parts` with the text before the word cut to its last
    ``SHOWN_BEFORE`` characters (at a space), so the word shows near the cell's start."""
    before, word, after = context_parts(s)
    if len(before) > SHOWN_BEFORE:
        tail = before[-SHOWN_BEFORE:]
        before = tail[tail.find(" ") + 1:] if " " in tail else tail
    return before, word, after


def context_html(s: Suggestion) -> str:
    """"…before <b>word</b> after…" as escaped HTML."""
    before, word, after = shown_parts(s)
    marked = f'<span style="{MARK_STYLE}">{html.escape(word)}</span>' if word else ""
    return f"…{html.escape(before)}{marked}{html.escape(after)}…"


class SuggestionModel(RecordTableModel[Suggestion]):
    """Suggested mentions: actor, found spelling, score, reason, article, context."""

    HEADERS = ("Actor", "Found", "Context", "Score", "Reason", "Article")
    CONTEXT_COLUMN = 2

    def __init__(self, suggestions: Sequence[Suggestion] = (),
                 parent: QObject | None = None,
                 titles: dict[int, str] | None = None) -> None:
        super().__init__(parent, suggestions)
        self.titles = titles or {}

    def cell(self, s: Suggestion, column: int) -> Any:
        if column == self.CONTEXT_COLUMN:
            before, word, after = shown_parts(s)
            return f"…{before}{word}{after}…"
        return (s.actor_name, s.surface, "", f"{s.score:.0f}", s.reason,
                self.titles.get(int(s.article_id), f"article {s.article_id}"))[column]

    def extra(self, s: Suggestion, column: int, role: int) -> Any:
        if role == HTML_ROLE and column == self.CONTEXT_COLUMN:
            return context_html(s)
        if role == Qt.ItemDataRole.ToolTipRole:
            title = self.titles.get(int(s.article_id), "")
            return f"{title}\nmatches “{s.matched_alias}”: …{' '.join(s.context.split())}…"
        return None


    def suggestion(self, row: int) -> Suggestion:
        return self._rows[row]

    def suggestions(self) -> list[Suggestion]:
        return list(self._rows)

    def remove(self, chosen: Sequence[Suggestion]) -> None:
        """Drop reviewed suggestions from the list."""
        gone = set(chosen)
        self.beginResetModel()
        self._rows = [s for s in self._rows if s not in gone]
        self.endResetModel()


class HtmlDelegate(QStyledItemDelegate):
    """Draws a cell's ``HTML_ROLE`` text (the marked word) over the normal background."""

    def _document(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
                  ) -> QTextDocument:
        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setDocumentMargin(2)
        document.setHtml(str(index.data(HTML_ROLE) or ""))
        return document

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        self.initStyleOption(option, index)
        document = self._document(option, index)
        if option.state & QStyle.StateFlag.State_Selected:  # readable on the selection
            colour = option.palette.highlightedText().color().name()
            document.setHtml(f'<span style="color: {colour};">'
                             f'{index.data(HTML_ROLE) or ""}</span>')
        option.text = ""
        style = option.widget.style() if option.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter,
                              option.widget)
        painter.save()
        top = max(0, (option.rect.height() - int(document.size().height())) // 2)
        painter.translate(option.rect.left(), option.rect.top() + top)
        painter.setClipRect(0, -top, option.rect.width(), option.rect.height())
        document.drawContents(painter)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        document = self._document(option, index)
        return QSize(int(document.idealWidth()), int(document.size().height()))


class SuggestionReviewDialog(QDialog):
    """Review the suggestion pass: accept one, accept all for an actor, reject (here or
    everywhere). Nothing is marked without one of these clicks."""

    def __init__(self, controller: NotebookController, suggestions: Sequence[Suggestion],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Suggested Actor Mentions")
        self.resize(900, 500)
        self._controller = controller
        ids = sorted({int(s.article_id) for s in suggestions})
        titles = {int(a.id): a.title for a in controller.nb.articles.summaries(ids)} \
            if ids else {}
        self.model = SuggestionModel(suggestions, self, titles)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.delegate = HtmlDelegate(self.table)
        self.table.setItemDelegateForColumn(SuggestionModel.CONTEXT_COLUMN, self.delegate)
        self.fitter = TableFitter(self.table, None, "", stretch=SuggestionModel.CONTEXT_COLUMN,
                                  min_stretch=360)
        self.summary = QLabel(self)
        buttons = QHBoxLayout()
        for name, text, slot in (
                ("accept", "&Accept", self.accept_current),
                ("accept_actor", "Accept All for This A&ctor", self.accept_all_for_actor),
                ("reject", "&Reject", self.reject_current),
                ("reject_everywhere", "Reject &Everywhere", self.reject_everywhere),
                ("close", "Close", self.close)):
            button = QPushButton(text, self)
            button.setObjectName(name)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self._select_row(0)

    def _select_row(self, row: int) -> None:
        count = self.model.rowCount()
        self.summary.setText(f"{count:,} suggestions to review")
        if count:
            self.table.selectRow(min(row, count - 1))

    def current(self) -> Suggestion | None:
        """The selected suggestion, if any."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.suggestion(rows[0].row()) if rows else None

    def _apply(self, mutation: Any, done: Sequence[Suggestion]) -> None:
        row = self.table.selectionModel().selectedRows()[0].row()
        if self._controller.edit(mutation, self) is not None:
            self.model.remove(done)
            self._select_row(row)

    def accept_current(self) -> None:
        """Mark the selected suggestion as a mention."""
        chosen = self.current()
        if chosen is not None:
            service = self._controller.nb.actors.suggestions
            self._apply(lambda: service.accept(chosen), [chosen])

    def accept_all_for_actor(self) -> None:
        """Mark every listed suggestion of the selected suggestion's actor."""
        chosen = self.current()
        if chosen is None:
            return
        same = [s for s in self.model.suggestions() if s.actor_id == chosen.actor_id]
        service = self._controller.nb.actors.suggestions
        self._apply(lambda: service.accept_all(same, chosen.actor_id), same)

    def reject_current(self, everywhere: bool = False) -> None:
        """Remember that the selected suggestion is not its actor (here only)."""
        chosen = self.current()
        if chosen is None:
            return
        service = self._controller.nb.actors.suggestions
        done = [s for s in self.model.suggestions() if s.actor_id == chosen.actor_id and
                s.surface.casefold() == chosen.surface.casefold()] if everywhere else [chosen]
        self._apply(lambda: service.reject(chosen, everywhere=everywhere), done)

    def reject_everywhere(self) -> None:
        """Reject this spelling for this actor in every article."""
        self.reject_current(everywhere=True)
