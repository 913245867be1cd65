"""Edit mode of a reader pane: the bar with a reason, Save and Cancel.

Editing an article's text is explicit: "Edit Text" turns the pane's
:class:`~app.gui.reader.view.ReaderView` into a plain-text editor and shows this bar. Save
first asks ``nb.revisions.preview`` where each highlight would go and, when some would
lose their words, says how many will need review before anything is written; then one
``nb.revisions.edit_text`` (one undo step restores the text and every position) and the
report goes to the status bar ("3 moved, 1 needs review"). Cancel shows the stored text
again.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QWidget,
)

from app.core.errors import ConflictError, DossierError
from app.core.revisions import EditReport
from app.core.text_merge import TextClash
from app.gui.common.controller import NotebookController
from app.gui.corrections.text_merge_dialog import TextMergeDialog
from app.gui.reader.view import ReaderView

log = logging.getLogger(__name__)


def report_text(report: EditReport, what: str = "Text saved") -> str:
    """The status line of an edit: "Text saved: 3 moved, 1 needs review"."""
    if report.is_noop:
        return "The text did not change."
    parts = [f"{report.moved} moved"] if report.moved else []
    if report.orphaned:
        parts.append(f"{report.orphaned} need{'s' if report.orphaned == 1 else ''} review")
    if not parts:
        parts.append(f"{report.unchanged} highlight{'' if report.unchanged == 1 else 's'} "
                     "unchanged")
    return f"{what}: " + ", ".join(parts) + " (Ctrl+Z undoes it)"


def _catching_clash(clashes: list[TextClash], write: Callable[..., Any], *args: Any,
                    **kwargs: Any) -> Any:
    """``write(*args, **kwargs)``; a ConflictError of clashing text corrections goes into
    ``clashes`` (for the merge dialog) instead of the window's conflict handler."""
    try:
        return write(*args, **kwargs)
    except ConflictError as exc:
        if exc.text_clash is None:
            raise
        clashes.append(exc.text_clash)
        return None


def show_status(widget: QWidget, message: str) -> None:
    """Show ``message`` in the status bar of the window holding ``widget``."""
    window = widget.window()
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(message, 15_000)


class EditBar(QFrame):
    """Shown above a reader in edit mode: an optional reason, Save and Cancel."""

    def __init__(self, view: ReaderView, controller: NotebookController,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._view = view
        self._controller = controller
        self.last_message = ""
        self.merge_dialog: TextMergeDialog | None = None
        self._base: str | None = None  # the text as edit mode began: the merge base
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setStyleSheet("EditBar { background: #fff8e1; border: 1px solid #ffb300; }")
        label = QLabel("Editing the text — highlights follow their words when you save.",
                       self)
        label.setWordWrap(True)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText("Why (optional), e.g. removed page furniture")
        self.reason.returnPressed.connect(self.save)
        self.save_button = QPushButton("&Save", self)
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.clicked.connect(self.cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        layout.addWidget(label, 1)
        layout.addWidget(self.reason, 1)
        layout.addWidget(self.save_button)
        layout.addWidget(self.cancel_button)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), parent or self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self._on_escape)
        # Ctrl+S saves, as in every editor (Alt+S reaches the button too)
        save = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), parent or self)
        save.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save.activated.connect(self.save)
        view.editingChanged.connect(self.setVisible)
        self.hide()

    def start(self) -> bool:
        """Enter edit mode (False when the pane shows no article or already edits)."""
        if not self._view.article_id or self._view.is_editing:
            return False
        self.reason.clear()
        self._view.set_editing(True)
        self._base = self._view.edited_text()  # a colleague's save since merges with it
        self._view.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def save(self) -> bool:
        """Save the edited text as a new revision (after saying how many highlights
        would need review); False if nothing was saved and edit mode goes on."""
        view = self._view
        if not view.is_editing:
            return False
        article_id, text = view.article_id, view.edited_text()
        nb = self._controller.nb
        try:
            outcomes = nb.revisions.preview(article_id, text)
            already = {o.highlight_id for o in nb.revisions.orphans(article_id)}
        except DossierError as exc:
            QMessageBox.warning(self, "Dossier", str(exc))
            return False
        lost = sum(1 for o in outcomes if o.state == "orphaned" and o.id not in already)
        if lost and not self._confirm_orphans(lost):
            return False
        clashes: list[TextClash] = []
        report = self._controller.edit(
            functools.partial(_catching_clash, clashes, nb.revisions.edit_text, article_id,
                              text, self.reason.text().strip(), base=self._base), self)
        if clashes:
            self.merge(clashes[0])
            return False
        if report is None:
            return False
        self._leave()
        self.last_message = report_text(report)
        show_status(self, self.last_message)
        return True

    def merge(self, clash: TextClash) -> bool:
        """A colleague saved a correction of the same lines meanwhile: merge by hand in
        the dialog, then the result replaces the editor's text (one Ctrl+Z restores the
        user's own) and is based on the colleague's text, to check and Save. False when
        the user cancels (the editor keeps their text, the base stays: Save asks again).
        """
        self.merge_dialog = TextMergeDialog(clash, self)
        accepted = self.merge_dialog.exec() == QDialog.DialogCode.Accepted
        # back to the editor, its window active again: without a window manager (seen
        # under Xvfb) none was after the dialog, and Ctrl+S went nowhere
        self._view.activateWindow()
        self._view.setFocus(Qt.FocusReason.OtherFocusReason)
        if not accepted:
            self.last_message = "Not saved: your text is still in the editor."
            show_status(self, self.last_message)
            return False
        merged = self.merge_dialog.merged_text()
        cursor = self._view.textCursor()
        cursor.beginEditBlock()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(merged)
        cursor.endEditBlock()
        self._base = clash.theirs
        whose = f"{clash.their_author}'s" if clash.their_author else "the other"
        self.last_message = f"Merged with {whose} version: check the text, then Save."
        show_status(self, self.last_message)
        return True

    def cancel(self) -> None:
        """Leave edit mode and show the stored text again."""
        if self._view.is_editing:
            self._leave()
            self.last_message = "Edit cancelled."
            show_status(self, self.last_message)

    def _on_escape(self) -> None:
        if self._view.is_editing:
            self.cancel()

    def _confirm_orphans(self, count: int) -> bool:
        noun = "highlight" if count == 1 else "highlights"
        answer = QMessageBox.question(
            self, "Save the edited text?",
            f"{count} {noun} will need review: their words are gone from the new text. "
            "They are kept and listed in the Needs Review panel, where you can re-attach "
            "them to other words or delete them.",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save)
        return answer == QMessageBox.StandardButton.Save

    def _leave(self) -> None:
        view = self._view
        bar = view.verticalScrollBar()
        value = bar.value()
        view.set_editing(False)
        view.load_article(view.article_id)  # the stored text, its highlights redrawn
        bar.setValue(value)
