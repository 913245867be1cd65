"""The revisions of an article's text and the differences between two of them.

Every edit of an article's text keeps the earlier text as a revision (number, when, who,
why). The dialog lists them and shows the diff between two chosen revisions, or a
revision and the current text: inserted text on green, deleted text struck through on
red. Long unchanged runs are shortened to their ends so the changes are found at once.
"""

from __future__ import annotations

import html
import logging

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import DossierError
from app.core.revisions import DiffSegment, Revision
from app.gui.common.controller import NotebookController

log = logging.getLogger(__name__)

KEEP_EQUAL = 200
"""Characters of an unchanged run kept on each side of a change."""

STYLES = {
    "insert": "background:#c8e6c9;color:#1b5e20",
    "delete": "background:#ffcdd2;color:#b71c1c;text-decoration:line-through",
}


def escape_html(text: str) -> str:
    """``text`` escaped for Qt rich text, its line ends as line breaks."""
    return html.escape(text).replace("\n", "<br>")


def diff_html(segments: list[DiffSegment], keep: int = KEEP_EQUAL) -> str:
    """HTML of a diff (all text escaped): insertions and deletions coloured, unchanged
    runs longer than ``2 * keep`` shortened to their first and last ``keep`` characters."""
    if not any(s.kind != "equal" for s in segments):
        return "<p><i>The two texts are the same.</i></p>"
    parts = []
    last = len(segments) - 1
    for i, segment in enumerate(segments):
        text = segment.text
        if segment.kind != "equal":
            parts.append(f"<span style='{STYLES[segment.kind]}'>{escape_html(text)}</span>")
            continue
        head_n = 0 if i == 0 else keep  # before the first change: only its lead-in
        tail_n = 0 if i == last else keep  # after the last change: only what follows it
        if len(text) <= head_n + tail_n + 40:
            parts.append(escape_html(text))
            continue
        head, tail = text[:head_n], text[len(text) - tail_n:]
        skipped = len(text) - len(head) - len(tail)
        parts.append(f"{escape_html(head)}<span style='color:#888'> [… {skipped:,} characters "
                     f"unchanged …] </span>{escape_html(tail)}")
    return "<div style='white-space:pre-wrap'>" + "".join(parts) + "</div>"


class RevisionsDialog(QDialog):
    """Revisions of one article and the diff between two of them."""

    def __init__(self, controller: NotebookController, article_id: int, title: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Revisions — {title or '(untitled)'}")
        self.resize(900, 640)
        self._controller = controller
        self._article_id = article_id
        self.revisions: list[Revision] = controller.nb.revisions.revisions(article_id)
        self.table = QTableWidget(len(self.revisions), 5, self)
        self.table.setHorizontalHeaderLabels(["#", "When", "Who", "Why", "Characters"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(False)
        self._fill_table()
        self.older = QComboBox(self)
        self.newer = QComboBox(self)
        self._fill_choices()
        self.older.currentIndexChanged.connect(self.show_diff)
        self.newer.currentIndexChanged.connect(self.show_diff)
        self.diff_view = QTextBrowser(self)
        self.diff_view.setOpenLinks(False)
        self._layout()
        self.show_diff()

    def _layout(self) -> None:
        choose = QHBoxLayout()
        choose.addWidget(QLabel("Differences from", self))
        choose.addWidget(self.older, 1)
        choose.addWidget(QLabel("to", self))
        choose.addWidget(self.newer, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if not self.revisions:
            layout.addWidget(QLabel("This article's text was never edited: the imported "
                                    "text is the only one.", self))
        layout.addWidget(self.table, 1)
        layout.addLayout(choose)
        layout.addWidget(self.diff_view, 3)
        layout.addWidget(buttons)

    def _fill_table(self) -> None:
        for row, revision in enumerate(self.revisions):
            cells = [str(revision.number), revision.created_at.strftime("%Y-%m-%d %H:%M"),
                     revision.author or "—", revision.reason or "—",
                     f"{revision.char_count:,}"]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

    def _fill_choices(self) -> None:
        """Both lists offer every revision and the current text; the default compares
        the revision before the newest with the current text (the last edit)."""
        for combo in (self.older, self.newer):
            for revision in self.revisions:
                combo.addItem(f"revision {revision.number} "
                              f"({revision.created_at:%Y-%m-%d %H:%M})", int(revision.id))
            combo.addItem("the current text", None)
        count = len(self.revisions)
        self.older.setCurrentIndex(max(count - 2, 0))
        self.newer.setCurrentIndex(count)

    def show_diff(self) -> None:
        """Show the differences between the two chosen texts."""
        older, newer = self.older.currentData(), self.newer.currentData()
        try:
            segments = self._controller.nb.revisions.diff(self._article_id, older, newer)
        except DossierError as exc:
            self.diff_view.setPlainText(str(exc))
            return
        self.segments = segments
        self.diff_view.setHtml(diff_html(segments))
