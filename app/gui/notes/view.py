"""The notes view: a list of notes, a Markdown editor with live preview and backlinks.

The editor autosaves about a second after typing stops (and when another note is opened
or the view hides), so a crash loses at most the last seconds of typing; the note service
folds a burst of autosaves into one undo step. Typing ``[[`` offers completion of actors,
agreements, notes and articles. Links in the preview are ``dossier://`` anchors: clicking
one emits a signal that the main window turns into opening the actor, agreement or
article (at the passage). Link targets are resolved once and cached until the notebook
changes them, so re-rendering while typing costs only the Markdown conversion.

Saves are merged with colleagues' saves of the same note (issue 13): see
:mod:`app.gui.notes.saving`.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QMessageBox,
    QSplitter,
    QTextBrowser,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.changes import Changes
from app.core.errors import DossierError, NotFound, QuerySyntaxError
from app.core.notes import Note
from app.gui.common.controller import NotebookController
from app.gui.notes.editor import NoteEditor
from app.gui.notes.links import PREVIEW_CSS
from app.gui.notes.saving import NoteSaving
from app.gui.notes.tree import as_shown, hit_items, move_targets, tree_items, walk
from app.services import Resolved

log = logging.getLogger(__name__)

WIDE_NOTES = 640
"""Width from which the note list, editor and preview sit side by side."""

AUTOSAVE_MS = 1000
RENDER_MS = 250
SORTS = (("Title", "title", False), ("Last change", "modified", True))


class NotesView(NoteSaving):
    """Notes list, editor, preview and backlinks over the controller's notebook (signals:
    see :class:`~app.gui.notes.links.NoteLinks`)."""

    def __init__(self, controller: NotebookController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._note_id = 0
        self._saved_body = ""
        self._seen: Note | None = None  # the note as loaded or last saved: the merge base
        self._is_loading = False
        self._is_saving = False
        self._resolved: dict[tuple[str, str], Resolved | None] = {}
        self._service: Any = None  # the note service the open note came from
        self._hits: list[tuple[int, str, str]] | None = None  # search: id, title, snippet
        self._build_widgets()
        self._build_layout()
        self._build_timers()
        controller.changed.connect(self._on_changed)
        controller.notebookOpened.connect(self._on_notebook_opened)
        self.refresh_list()

    # -- building ---------------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.sort_box = QComboBox(self)
        for label, _key, _desc in SORTS:
            self.sort_box.addItem(f"Sort by {label.lower()}")
        self.sort_box.currentIndexChanged.connect(self.refresh_list)
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText('Search notes: words, "phrases", actor:…')
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.returnPressed.connect(self.search_notes)
        self.search_edit.textChanged.connect(self._on_search_text_changed)
        self.tree = QTreeWidget(self)
        self.tree.setHeaderHidden(True)
        self.tree.currentItemChanged.connect(self._on_current_item_changed)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._on_tree_menu)
        self.tree_menu = QMenu(self)  # right-click on a note: what the buttons do
        for text, slot in (("Rename…", self.rename_note), ("Move to…", self.move_note),
                           ("Delete", self.delete_note)):
            self.tree_menu.addAction(text, slot)
        self.buttons = {name: self._button(text, tip, slot) for name, text, tip, slot in (
            ("new", "+", "New note", self.new_note),
            ("rename", "\u270e", "Rename note", self.rename_note),
            ("move", "\u21b3", "Move note under another note", self.move_note),
            ("delete", "\u2212", "Delete note", self.delete_note))}
        self.title_label = QLabel(self)
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.editor = NoteEditor(self)
        self.editor.complete_fn = self._complete
        self.editor.textChanged.connect(self._on_text_changed)
        self.editor.passageDropped.connect(self.cite_passage)
        self.preview = QTextBrowser(self)
        self.preview.setOpenLinks(False)
        self.preview.setOpenExternalLinks(False)
        self.preview.document().setDefaultStyleSheet(PREVIEW_CSS)
        self.preview.anchorClicked.connect(self.open_url)
        self.backlinks = QListWidget(self)
        self.backlinks.itemActivated.connect(self._on_backlink_activated)
        self.status = QLabel(self)
        self.save_note_label = QLabel(self)  # what a merged save did, a conflict copy's link
        self.save_note_label.setObjectName("noteSaveLabel")
        self.save_note_label.setWordWrap(True)
        self.save_note_label.setTextFormat(Qt.TextFormat.RichText)
        self.save_note_label.linkActivated.connect(self._on_save_link)
        self.save_note_label.hide()

    def _button(self, text: str, tip: str, slot: Any) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        # not connected directly: ``clicked`` passes ``checked`` (False) as the slot's first
        # argument, which made delete_note(confirm=False) delete without asking
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def _build_layout(self) -> None:
        left = QWidget(self)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        for button in self.buttons.values():
            bar.addWidget(button)
        bar.addWidget(self.sort_box, 1)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(bar)
        left_layout.addWidget(self.search_edit)
        left_layout.addWidget(self.tree, 1)
        panes = QSplitter(Qt.Orientation.Horizontal, self)
        panes.addWidget(self.editor)
        panes.addWidget(self.preview)
        right = QSplitter(Qt.Orientation.Vertical, self)
        right.addWidget(panes)
        back = QWidget(self)
        back_layout = QVBoxLayout(back)
        back_layout.setContentsMargins(0, 0, 0, 0)
        back_layout.addWidget(QLabel("Linked from", self))
        back_layout.addWidget(self.backlinks, 1)
        right.addWidget(back)
        right.setSizes([600, 120])
        # Stacked while the dock is narrow, side by side when there is room (see resizeEvent).
        outer = self._outer = QSplitter(Qt.Orientation.Vertical, self)
        outer.addWidget(left)
        outer.addWidget(right)
        outer.setSizes([220, 800])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.title_label)
        layout.addWidget(outer, 1)
        layout.addWidget(self.save_note_label)
        layout.addWidget(self.status)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Side by side from WIDE_NOTES px, stacked below: a notes dock tabbed with the
        inspector must not force the reader column narrower than a line of text."""
        wide = event.size().width() >= WIDE_NOTES
        orientation = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if self._outer.orientation() != orientation:
            self._outer.setOrientation(orientation)
        super().resizeEvent(event)

    def _build_timers(self) -> None:
        self.save_timer = QTimer(self)
        self.save_timer.setSingleShot(True)
        self.save_timer.setInterval(AUTOSAVE_MS)
        self.save_timer.timeout.connect(self.save_now)
        self.render_timer = QTimer(self)
        self.render_timer.setSingleShot(True)
        self.render_timer.setInterval(RENDER_MS)
        self.render_timer.timeout.connect(self.render_preview)

    # -- list -------------------------------------------------------------------------
    def note_id(self) -> int:
        """The note in the editor (0: none)."""
        return self._note_id

    def refresh_list(self) -> None:
        """Rebuild the tree of notes in the chosen order, keeping the selection."""
        _label, sort, descending = SORTS[max(0, self.sort_box.currentIndex())]
        summaries = self.notes.list(sort, descending)
        with QSignalBlocker(self.tree):
            self.tree.clear()
            items = tree_items(summaries) if self._hits is None else hit_items(self._hits)
            for item in items:
                self.tree.addTopLevelItem(item)
            self.tree.expandAll()
            current = self._item_for(self._note_id)
            if current is not None:
                self.tree.setCurrentItem(current)
        for name, button in self.buttons.items():  # all but "new" act on the open note
            button.setEnabled(name == "new" or bool(self._note_id))

    def search_notes(self) -> None:
        """List only the notes matching the search box (the article query syntax)."""
        query = self.search_edit.text().strip()
        if not query:
            self._hits = None
        else:
            try:
                found = self.notes.search(query, limit=200)
            except QuerySyntaxError as exc:
                self.status.setText(f"Search: {exc}")
                return
            except DossierError as exc:
                self.status.setText(f"Search failed: {exc}")
                return
            self._hits = [(h.note_id, h.title, h.snippet) for h in found.hits]
            self.status.setText(f"{found.total:,} notes found")
        self.refresh_list()

    def _on_search_text_changed(self, text: str) -> None:
        if not text.strip() and self._hits is not None:
            self._hits = None
            self.status.setText("")
            self.refresh_list()

    def _item_for(self, note_id: int) -> QTreeWidgetItem | None:
        for item in walk(self.tree):
            if item.data(0, Qt.ItemDataRole.UserRole) == note_id:
                return item
        return None

    def note_titles(self) -> list[str]:
        """Titles in tree order, depth first (for tests and accessibility)."""
        return [item.text(0) for item in walk(self.tree)]

    def _on_current_item_changed(self, item: QTreeWidgetItem | None, _old: Any) -> None:
        if item is not None:
            self.open_note(int(item.data(0, Qt.ItemDataRole.UserRole)))

    # -- opening and saving -------------------------------------------------------------
    def open_note(self, note_id: int) -> None:
        """Show a note in the editor (saving the previous one first)."""
        self.save_now()
        try:
            note = self.notes.get(note_id)
        except NotFound:
            self._clear_note()
            return
        self._note_id = note.id
        self._service = self.notes
        self._seen = note
        self._load_body(note.body)
        self.title_label.setText(note.title)
        self.refresh_backlinks()
        self.refresh_list()

    def _load_body(self, body: str) -> None:
        self._is_loading = True
        try:
            self.editor.setPlainText(body)
        finally:
            self._is_loading = False
        self._saved_body = body
        self.editor.setReadOnly(False)
        self.render_preview()

    def _clear_note(self) -> None:
        self._note_id = 0
        self._saved_body = ""
        self._is_loading = True
        try:
            self.editor.clear()
        finally:
            self._is_loading = False
        self.editor.setReadOnly(True)
        self.title_label.setText("")
        self.preview.clear()
        self.backlinks.clear()

    def _on_text_changed(self) -> None:
        if self._is_loading or not self._note_id:
            return
        self.save_timer.start()
        self.render_timer.start()

    def hideEvent(self, event: Any) -> None:
        self.save_now()
        super().hideEvent(event)

    # -- editing notes ------------------------------------------------------------------
    def new_note(self, title: str = "") -> int:
        """Create a note (asking for its title unless given) and open it; returns its id."""
        if not title:
            title, ok = QInputDialog.getText(self, "New note", "Title:")
            if not ok or not title.strip():
                return 0
        self.save_now()
        result = self._controller.edit(functools.partial(self.notes.create, title), self)
        if result is None:
            return 0
        self.open_note(result[0].id)
        self.editor.setFocus()
        return int(result[0].id)

    def rename_note(self, title: str = "") -> None:
        """Rename the open note (asking for the new title unless given)."""
        if not self._note_id:
            return
        seen = as_shown(self._seen, self.title_label.text())  # before the question
        if not title:
            title, ok = QInputDialog.getText(self, "Rename note", "Title:",
                                             text=self.title_label.text())
            if not ok or not title.strip():
                return
        self._controller.edit(functools.partial(self.notes.rename, self._note_id, title,
                                                seen=seen), self)

    def move_note(self, target: str = "") -> None:
        """Put the open note under another note or at the top level: ``target`` is a label
        of :func:`move_targets` (asked for when empty). A versioned write: a colleague's
        move since conflicts, their rename or text merges."""
        if not self._note_id:
            return
        seen = as_shown(self._seen, self.title_label.text())  # before the question
        choices = dict(move_targets(self.notes.list(), self._note_id))
        if not target:
            labels = list(choices)
            parent = self._seen.summary.parent_id if self._seen is not None else None
            now = next((n for n, (_l, i) in enumerate(choices.items()) if i == parent), 0)
            target, ok = QInputDialog.getItem(
                self, "Move note", f"Put “{self.title_label.text()}” under:", labels, now,
                False)
            if not ok:
                return
        if target not in choices:
            return
        self.save_now()
        self._controller.edit(functools.partial(self.notes.move, self._note_id,
                                                choices[target], seen=seen), self)

    def _on_tree_menu(self, pos: Any) -> None:
        """Right-click on a note: open it, then offer what the buttons do."""
        item = self.tree.itemAt(pos)
        if item is None:
            return
        self.tree.setCurrentItem(item)
        self.tree_menu.popup(self.tree.viewport().mapToGlobal(pos))

    def delete_note(self, confirm: bool = True) -> None:
        """Delete the open note (undoable) after asking."""
        if not self._note_id:
            return
        if confirm and QMessageBox.question(
                self, "Delete note", f"Delete the note “{self.title_label.text()}”?"
        ) != QMessageBox.StandardButton.Yes:
            return
        self.save_now()
        self._controller.edit(functools.partial(self.notes.delete, self._note_id,
                                                seen=self._seen), self)

    def insert_text(self, text: str) -> None:
        """Insert Markdown at the editor's cursor (a citation, a link)."""
        if self._note_id:
            self.editor.insertPlainText(text)

    def cite_passage(self, article_id: int, start: int, end: int) -> None:
        """Insert a citation of a passage (from a drop) into the open note."""
        if not self._note_id:
            return
        result = self._controller.edit(
            functools.partial(self.notes.cite, article_id, start, end), self)
        if result is not None:
            self.insert_text(result[0].markdown)

    # -- notebook changes -----------------------------------------------------------------
    def _on_changed(self, changes: Changes) -> None:
        if changes.actors or changes.deleted_actors or changes.agreements or \
                changes.deleted_agreements or changes.touches_articles or \
                changes.touches_highlights:
            self._resolved.clear()
            self.render_timer.start()
        if not (changes.notes or changes.deleted_notes):
            return
        if self._is_saving:
            self.refresh_list()
            return
        self._resolved = {k: v for k, v in self._resolved.items() if k[0] != "note"}
        if self._note_id in changes.deleted_notes:
            self._clear_note()
        elif self._note_id in changes.notes:
            self._reload_current()
        self.refresh_list()

    def _on_notebook_opened(self, _notebook: object) -> None:
        """Save pending typing into the notebook it belongs to, then show the new one."""
        if self.is_dirty() and self._service is not None:
            try:
                self._service.save_body(self._note_id, self.editor.toPlainText(),
                                        seen=self._seen)
            except DossierError as exc:
                log.warning("could not save the note before switching notebooks: %s", exc)
        self._service = None
        self._resolved.clear()
        self._clear_note()
        self.refresh_list()
