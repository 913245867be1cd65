"""The inspector: everything about the highlight the user clicked.

Shows the quoted passage, its tags as removable chips, a Markdown memo with a live
preview, the notes that cite the passage ("Cited in notes"), author and timestamps, and
buttons to show the passage in its article or delete the highlight. The memo preview
resolves ``[[links]]`` as notes do; clicking one (or a citing note) emits the same
``open*`` signals as the notes view, which the main window routes.

The memo saves itself 500 ms after typing stops, and also when the editor loses focus,
the panel hides or another highlight is shown, so nothing typed is ever lost. A save is a
versioned write based on the highlight as it was when the memo text was loaded (issue 13):
a colleague's memo edit made meanwhile opens the conflict dialog instead of being
overwritten; their other changes (colour, tags) show at once and merge.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, QSignalBlocker, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.core.changes import Changes
from app.core.errors import ConflictError, DossierError, NotFound
from app.core.notes import Backlink
from app.core.records import Highlight
from app.gui.annotate.quicktag import QuickTagPopup
from app.gui.annotate.tag_chip import TagChip
from app.gui.common.controller import NotebookController
from app.gui.common.elided import ElidedLabel
from app.gui.notes.links import PREVIEW_CSS
from app.services import parse_url

log = logging.getLogger(__name__)

AUTOSAVE_MS = 500
QUOTE_LIMIT = 600
"""Code points of the passage shown before eliding."""


class InspectorPanel(QWidget):
    """Details and memo of one highlight.

    Signals:
        openPassage(int, int, int): show article id at code-point span [start, end).
        openNote(int), openArticle(int), openActor(int), openAgreement(int): a link in
            the memo preview or a citing note was clicked.
    """

    openPassage = Signal(int, int, int)
    openNote = Signal(int)
    openArticle = Signal(int)
    openActor = Signal(int)
    openAgreement = Signal(int)

    def __init__(self, controller: NotebookController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._highlight: Highlight | None = None
        self._memo_seen: Highlight | None = None  # the highlight the memo text began from
        self._saved_memo = ""
        self._popup: QuickTagPopup | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_MS)
        self._timer.timeout.connect(self.save_memo)
        self._build_widgets()
        self._build_layout()
        controller.changed.connect(self._on_changed)
        controller.conflictSettled.connect(self._on_conflict_settled)
        self.show_highlight(None)

    def _build_widgets(self) -> None:
        self.empty_label = QLabel("Click a highlight to see it here.", self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.quote_label = QLabel(self)
        self.quote_label.setWordWrap(True)
        self.quote_label.setTextFormat(Qt.TextFormat.PlainText)
        self.quote_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.article_label = ElidedLabel("", self)  # a long title must not widen the dock
        self.chips = QVBoxLayout()
        self.chips.setSpacing(2)
        self.add_tag_button = QPushButton("Add tag\u2026", self)
        self.add_tag_button.clicked.connect(self._on_add_tag)
        self.memo_edit = QPlainTextEdit(self)
        self.memo_edit.setPlaceholderText("Memo (Markdown)")
        self.memo_edit.textChanged.connect(self._on_memo_typed)
        self.memo_edit.installEventFilter(self)
        self.preview = QTextBrowser(self)
        self.preview.setOpenLinks(False)
        self.preview.document().setDefaultStyleSheet(PREVIEW_CSS)  # broken links as in notes
        self.preview.anchorClicked.connect(self.open_url)
        self.link_status = QLabel(self)
        self.link_status.setTextFormat(Qt.TextFormat.PlainText)
        self.link_status.hide()
        self.backlinks_label = QLabel("Cited in notes", self)
        self.backlinks = QListWidget(self)
        self.backlinks.setToolTip("Notes that cite this passage; activate one to open it")
        self.backlinks.setMaximumHeight(110)
        self.backlinks.itemActivated.connect(self._on_backlink_activated)
        self.backlinks.itemClicked.connect(self._on_backlink_activated)
        self.author_label = QLabel(self)
        self.created_label = QLabel(self)
        self.modified_label = QLabel(self)
        self.open_button = QPushButton("Show in article", self)
        self.open_button.clicked.connect(self._on_open)
        self.delete_button = QPushButton("Delete highlight", self)
        self.delete_button.clicked.connect(self.delete_highlight)

    def _build_layout(self) -> None:
        self.details = QWidget(self)
        form = QFormLayout()
        form.addRow("Author:", self.author_label)
        form.addRow("Created:", self.created_label)
        form.addRow("Modified:", self.modified_label)
        memo = QSplitter(Qt.Orientation.Vertical, self.details)
        memo.addWidget(self.memo_edit)
        memo.addWidget(self.preview)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        inner = QVBoxLayout(self.details)
        inner.setContentsMargins(0, 0, 0, 0)
        for widget in (self.article_label, self.quote_label):
            inner.addWidget(widget)
        inner.addLayout(self.chips)
        inner.addWidget(self.add_tag_button, 0, Qt.AlignmentFlag.AlignLeft)
        inner.addWidget(memo, 1)
        inner.addWidget(self.link_status)
        inner.addWidget(self.backlinks_label)
        inner.addWidget(self.backlinks)
        inner.addLayout(form)
        inner.addLayout(buttons)
        outer = QVBoxLayout(self)
        outer.addWidget(self.empty_label, 1)
        outer.addWidget(self.details, 1)

    # -- showing ---------------------------------------------------------------

    def highlight_id(self) -> int:
        """Id of the highlight shown (0 when none)."""
        return self._highlight.id if self._highlight else 0

    def show_highlight(self, highlight_id: int | None) -> None:
        """Show highlight ``highlight_id`` (None or 0 clears), saving any pending memo."""
        self.save_memo()
        highlight = None
        if highlight_id:
            try:
                highlight = self._controller.nb.annotations.get(highlight_id)
            except NotFound:
                log.info("highlight %s is gone", highlight_id)
        self._highlight = highlight
        self.empty_label.setVisible(highlight is None)
        self.details.setVisible(highlight is not None)
        if highlight is not None:
            self._fill(highlight, replace_memo=True)

    def _fill(self, highlight: Highlight, *, replace_memo: bool) -> None:
        exact = highlight.exact
        if len(exact) > QUOTE_LIMIT:
            exact = exact[:QUOTE_LIMIT] + "\u2026"
        self.quote_label.setText(f"\u201c{exact}\u201d")
        self.article_label.setText(self._article_title(highlight.article_id))
        self._fill_chips(highlight)
        self.author_label.setText(highlight.author or "\u2014")
        self.created_label.setText(highlight.created_at.strftime("%Y-%m-%d %H:%M"))
        self.modified_label.setText(highlight.modified_at.strftime("%Y-%m-%d %H:%M"))
        if replace_memo:
            self._memo_seen = highlight
            self._saved_memo = highlight.memo
            if highlight.memo != self.memo_edit.toPlainText():
                # Only when it differs: setPlainText moves the caret to the start.
                with QSignalBlocker(self.memo_edit):
                    self.memo_edit.setPlainText(highlight.memo)
            self._render_preview()
        self.refresh_backlinks()

    def _article_title(self, article_id: int) -> str:
        summaries = self._controller.nb.articles.summaries([article_id])
        return summaries[0].title if summaries else ""

    def _fill_chips(self, highlight: Highlight) -> None:
        while self.chips.count():
            item = self.chips.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        tags = {t.id: t for t in self._controller.nb.tags.list()}
        for tag_id in highlight.tag_ids:
            if tag_id in tags:
                chip = TagChip(tags[tag_id], self.details)
                chip.removeRequested.connect(self.remove_tag)
                self.chips.addWidget(chip)

    def chip_tag_ids(self) -> list[int]:
        """Tag ids shown as chips, in order."""
        ids = []
        for i in range(self.chips.count()):
            widget = self.chips.itemAt(i).widget()
            if isinstance(widget, TagChip):
                ids.append(int(widget.tag_id))
        return ids

    # -- memo --------------------------------------------------------------------

    def _on_memo_typed(self) -> None:
        self._timer.start()
        self._render_preview()

    def _render_preview(self) -> None:
        """Render the memo like a note: sanitised Markdown with ``[[links]]`` resolved."""
        memo = self.memo_edit.toPlainText()
        try:
            html = self._controller.nb.notes.render(memo)
        except DossierError as exc:
            log.warning("memo preview failed: %s", exc)
            html = ""
        self.preview.setHtml(html)

    def preview_html(self) -> str:
        """The memo preview's HTML (for tests and accessibility tools)."""
        return self.preview.toHtml()

    # -- links and backlinks -------------------------------------------------------

    def open_url(self, url: QUrl) -> None:
        """Follow a link clicked in the memo preview by emitting the matching signal."""
        self.link_status.hide()
        target = parse_url(url.toString())
        if target is None:
            self._tell(f"Not opened: {url.toString()[:80]}")
            return
        kind, target_id = target
        signals = {"note": self.openNote, "article": self.openArticle,
                   "actor": self.openActor, "agreement": self.openAgreement}
        if kind in signals:
            signals[kind].emit(target_id)
            return
        try:
            highlight = self._controller.nb.annotations.get(target_id)
        except NotFound:
            self._tell("That passage no longer exists.")
            return
        self.openPassage.emit(highlight.article_id, highlight.start, highlight.end)

    def _tell(self, message: str) -> None:
        self.link_status.setText(message)
        self.link_status.show()

    def refresh_backlinks(self) -> None:
        """List the notes that cite the shown highlight (hidden when none do)."""
        self.backlinks.clear()
        found: list[Backlink] = []
        if self._highlight is not None:
            try:
                found = self._controller.nb.notes.backlinks("passage", self._highlight.id)
            except DossierError as exc:
                log.warning("backlinks of highlight %s failed: %s", self._highlight.id, exc)
        for link in found:
            item = QListWidgetItem(link.note_title, self.backlinks)
            item.setToolTip(link.context)
            item.setData(Qt.ItemDataRole.UserRole, link.note_id)
        self.backlinks_label.setText(f"Cited in notes ({len(found)})")
        self.backlinks_label.setVisible(bool(found))
        self.backlinks.setVisible(bool(found))

    def backlink_titles(self) -> list[str]:
        """Titles of the citing notes listed, in order."""
        return [self.backlinks.item(i).text() for i in range(self.backlinks.count())]

    def open_backlink(self, row: int) -> None:
        """Open the citing note in ``row`` of the list, as activating it does."""
        item = self.backlinks.item(row)
        if item is not None:
            self._on_backlink_activated(item)

    def _on_backlink_activated(self, item: QListWidgetItem) -> None:
        self.openNote.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    def is_memo_dirty(self) -> bool:
        """True while typed memo text has not been saved."""
        return self._highlight is not None and self.memo_edit.toPlainText() != self._saved_memo

    def save_memo(self) -> None:
        """Save the memo now if it changed (the autosave timer, focus-out and hide call it)."""
        self._timer.stop()
        if not self.is_memo_dirty() or self._highlight is None:
            return
        highlight_id, memo = self._highlight.id, self.memo_edit.toPlainText()
        seen = self._memo_seen if self._memo_seen is not None and \
            self._memo_seen.id == highlight_id else self._highlight
        self._saved_memo = memo
        nb = self._controller.nb
        if self._controller.edit(lambda: nb.annotations.set_memo(highlight_id, memo, seen=seen),
                                 self) is None:
            log.warning("memo of highlight %s was not saved", highlight_id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Save the memo when its editor loses focus."""
        if watched is self.memo_edit and event.type() == QEvent.Type.FocusOut:
            self.save_memo()
        return super().eventFilter(watched, event)

    def hideEvent(self, event: QHideEvent) -> None:
        self.save_memo()
        super().hideEvent(event)

    # -- edits -------------------------------------------------------------------

    def remove_tag(self, tag_id: int) -> None:
        """Take one tag off the highlight shown; for its last tag, ask whether the
        highlight itself should go too (an untagged highlight is easy to forget)."""
        if self._highlight is None:
            return
        highlight_id, nb = self._highlight.id, self._controller.nb
        if tuple(self._highlight.tag_ids) == (tag_id,):
            choice = self._ask_last_tag()
            if choice == QMessageBox.StandardButton.Cancel:
                return
            if choice == QMessageBox.StandardButton.Discard:
                self.delete_highlight()
                return
        self._controller.edit(lambda: nb.annotations.remove_tags(highlight_id, (tag_id,)), self)

    def _ask_last_tag(self) -> QMessageBox.StandardButton:
        """Discard: delete the highlight; No: keep it untagged; Cancel: change nothing."""
        box = QMessageBox(QMessageBox.Icon.Question, "Remove last tag",
                          "This is the highlight's last tag. Delete the highlight as well?\n"
                          "(Its memo, actor mentions and evidence links go with it; "
                          "Undo brings everything back.)",
                          QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.No
                          | QMessageBox.StandardButton.Cancel, self)
        box.button(QMessageBox.StandardButton.Discard).setText("Delete Highlight")
        box.button(QMessageBox.StandardButton.No).setText("Keep Highlight")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return QMessageBox.StandardButton(box.exec())

    def delete_highlight(self) -> None:
        """Delete the highlight shown (undoable through the history)."""
        if self._highlight is None:
            return
        self.save_memo()
        if self._highlight is None:  # the memo's save settled a conflict that removed it
            return
        highlight, nb = self._highlight, self._controller.nb
        self._controller.edit(lambda: nb.annotations.delete(highlight.id, seen=highlight), self)

    def _on_add_tag(self) -> None:
        if self._popup is not None:
            self._popup.deleteLater()
        self._popup = QuickTagPopup(self._controller.nb.tags.list(), self)
        self._popup.tagChosen.connect(self.add_tag)
        corner = self.add_tag_button.rect().bottomLeft()
        self._popup.popup_at(self.add_tag_button.mapToGlobal(corner))

    def add_tag(self, path: str, tag_id: int) -> None:
        """Add an existing tag (``tag_id``) or a new one named ``path`` to the highlight."""
        if self._highlight is None:
            return
        nb, highlight_id = self._controller.nb, self._highlight.id
        if not tag_id:
            made = self._controller.edit(lambda: nb.tags.ensure(path), self)
            if made is None:
                return
            tag_id = made[0].id
        self._controller.edit(lambda: nb.annotations.add_tags(highlight_id, (tag_id,)), self)

    def add_tag_popup(self) -> QuickTagPopup | None:
        """The add-tag popup last opened (for tests)."""
        return self._popup

    def _on_open(self) -> None:
        if self._highlight is not None:
            h = self._highlight
            self.openPassage.emit(h.article_id, h.start, h.end)

    # -- refresh -----------------------------------------------------------------

    def _on_conflict_settled(self, _error: ConflictError, origin: object) -> None:
        """A memo save of this panel met a colleague's edit and the user settled it: show
        the memo as stored now (the choice made), based on its new version."""
        if origin is self and self._highlight is not None:
            try:
                highlight = self._controller.nb.annotations.get(self._highlight.id)
            except NotFound:
                self.show_highlight(None)
                return
            self._highlight = highlight
            self._fill(highlight, replace_memo=True)

    def _on_changed(self, changes: Changes) -> None:
        """Follow edits of the shown highlight (memo kept while the user is typing) and
        of the notes citing it or targets its memo links to."""
        if self._highlight is None:
            return
        highlight_id = self._highlight.id
        if highlight_id in changes.deleted_highlights:
            self._highlight = None
            self.show_highlight(None)
            return
        if _touches_links(changes) and highlight_id not in changes.highlights:
            self.refresh_backlinks()
            self._render_preview()
        if highlight_id in changes.highlights or changes.touches_tags:
            try:
                highlight = self._controller.nb.annotations.get(highlight_id)
            except NotFound:
                self.show_highlight(None)
                return
            self._highlight = highlight
            self._fill(highlight, replace_memo=not self.is_memo_dirty())


def _touches_links(changes: Changes) -> bool:
    """True if notes or link targets changed (backlinks or memo links may differ)."""
    return any((changes.notes, changes.deleted_notes, changes.actors, changes.deleted_actors,
                changes.agreements, changes.deleted_agreements, changes.articles,
                changes.deleted_articles))
