"""The note editor: Markdown with [[link]] completion, accepting passages dragged from a
reader (they become citations)."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCompleter,
    QPlainTextEdit,
    QWidget,
)

log = logging.getLogger(__name__)


PASSAGE_MIME = "application/x-dossier-passage"
"""Drag payload of a passage: JSON ``{"article_id": .., "start": .., "end": ..}``."""


_LINK_PREFIX = re.compile(r"\[\[([^\[\]\n|]*)$")


class NoteEditor(QPlainTextEdit):
    """Markdown source editor with ``[[`` completion and passage drops.

    Signals:
        passageDropped(int, int, int): article id, start, end of a dropped passage.
    """

    passageDropped = Signal(int, int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.complete_fn: Any = None  # text -> [(display, link)]
        self._links: dict[str, str] = {}
        self._model = QStandardItemModel(self)
        self.completer = QCompleter(self._model, self)  # parented: not garbage-collected
        self.completer.setWidget(self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.activated.connect(self.insert_completion)
        self.textChanged.connect(self._update_completion)
        self.setTabChangesFocus(False)
        self.setPlaceholderText("Write Markdown. [[ links actors, agreements, notes, articles.")

    def link_prefix(self) -> str | None:
        """The text typed after an unclosed ``[[`` before the cursor, or None."""
        cursor = self.textCursor()
        before = cursor.block().text()[: cursor.positionInBlock()]
        match = _LINK_PREFIX.search(before)
        return match.group(1) if match else None

    def _update_completion(self) -> None:
        prefix = self.link_prefix()
        popup = self.completer.popup()
        if prefix is None or self.complete_fn is None:
            popup.hide()
            return
        options = self.complete_fn(prefix)
        self._links = dict(options)
        self._model.clear()
        for display, _link in options:
            self._model.appendRow(QStandardItem(display))
        if not options:
            popup.hide()
            return
        rect = self.cursorRect()
        rect.setWidth(max(280, popup.sizeHintForColumn(0) + 24))
        self.completer.complete(rect)

    def insert_completion(self, display: str) -> None:
        """Replace the typed ``[[prefix`` with the chosen link (ignores a second Enter)."""
        prefix = self.link_prefix()
        link = self._links.get(display)
        if prefix is None or link is None:
            return
        cursor = self.textCursor()
        cursor.movePosition(cursor.MoveOperation.Left, cursor.MoveMode.KeepAnchor,
                            len(prefix) + 2)
        cursor.insertText(link)
        self.setTextCursor(cursor)
        self.completer.popup().hide()

    def completion_displays(self) -> list[str]:
        """What the completion popup offers now (for tests)."""
        return [self._model.item(r).text() for r in range(self._model.rowCount())]

    def keyPressEvent(self, event: QKeyEvent) -> None:
        keys = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Escape)
        if self.completer.popup().isVisible() and event.key() in keys:
            event.ignore()  # the completer's popup handles these
            return
        super().keyPressEvent(event)

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return source.hasFormat(PASSAGE_MIME) or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        if source.hasFormat(PASSAGE_MIME):
            try:
                data = json.loads(bytes(source.data(PASSAGE_MIME).data()).decode("utf-8"))
                self.passageDropped.emit(int(data["article_id"]), int(data["start"]),
                                         int(data["end"]))
                return
            except (ValueError, KeyError, TypeError):
                log.info("ignored a malformed passage drop")
        super().insertFromMimeData(source)
