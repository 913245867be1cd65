"""One reader pane and the find bar: a reader under its header (title, outlet, date,
language, source, close button) with the edit bar of correction mode."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.records import ArticleSummary
from app.gui.common.controller import NotebookController
from app.gui.common.elided import ElidedLabel
from app.gui.corrections.edit_mode import EditBar
from app.gui.reader.view import ReaderView

MIN_READER_WIDTH = 360
"""About 45 characters of body text: narrower, German compounds break mid-word. Panes that
do not fit side by side scroll horizontally instead of being squeezed (1024 px laptops)."""


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
