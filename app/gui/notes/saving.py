"""Saving the open note's text, merged with colleagues' saves (issue 13): a mixin of
:class:`~app.gui.notes.view.NotesView`.

A save goes through ``nb.conflicts.save_note`` against the note as the editor loaded or
last saved it: a colleague's change of other lines merges silently and the editor shows
the merged text; overlapping changes keep the colleague's version and save this text as a
conflict copy, announced under the editor with a link that opens it. A colleague's save
arriving while nothing is typed shows at once; typing in progress is kept and merged at
its save.
"""

from __future__ import annotations

import functools
import html
import logging
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel

from app.core.errors import NotFound
from app.core.notes import Note
from app.gui.notes.links import NoteLinks
from app.gui.team.conflict_dialog import note_save_text

log = logging.getLogger(__name__)


class NoteSaving(NoteLinks):
    """Versioned saves of the open note (NotesView builds the widgets declared here)."""

    _saved_body: str
    _seen: Note | None
    _is_saving: bool
    save_timer: QTimer
    save_note_label: QLabel
    title_label: QLabel

    def _load_body(self, body: str) -> None:
        raise NotImplementedError

    def _clear_note(self) -> None:
        raise NotImplementedError

    def is_dirty(self) -> bool:
        """True while typed text is not saved yet."""
        return bool(self._note_id) and self.editor.toPlainText() != self._saved_body

    def save_now(self) -> None:
        """Save the editor's text if it changed (the autosave timer calls this), merged
        with a colleague's change since the note was loaded (see the module docstring)."""
        self.save_timer.stop()
        if not self.is_dirty() or self._seen is None:
            return
        if self._controller.nb.closed:  # the window saved at its close; this is a stray timer
            log.warning("note %s: not saved, its notebook is closed", self._note_id)
            return
        body, seen = self.editor.toPlainText(), self._seen
        self._is_saving = True
        try:
            result = self._controller.edit(functools.partial(
                self._controller.nb.conflicts.save_note, self._note_id, body, seen), self)
        finally:
            self._is_saving = False
        if result is None:
            return
        self._seen = result.note
        self._saved_body = body
        if result.outcome in ("merged", "copied"):
            self._show_stored(result.note)
        self._tell_saved(result)

    def _tell_saved(self, result: Any) -> None:
        """Say under the editor what a merged save did; a conflict copy gets a link."""
        text = html.escape(note_save_text(result))
        if result.copy_id is not None:
            text += f' <a href="note:{int(result.copy_id)}">Open the conflict copy</a>'
        self.save_note_label.setText(text)
        self.save_note_label.setVisible(bool(text))

    def _on_save_link(self, link: str) -> None:
        if link.startswith("note:"):
            self.open_note(int(link.split(":", 1)[1]))

    def _reload_current(self) -> None:
        """Show the stored text of the open note after undo/redo, a rename or a
        colleague's save; unsaved typing is kept (its save merges with this version)."""
        try:
            note = self.notes.get(self._note_id)
        except NotFound:
            self._clear_note()
            return
        self.title_label.setText(note.title)
        if not self.is_dirty():
            self._seen = note
            self._show_stored(note)
        self.refresh_backlinks()

    def _show_stored(self, note: Note) -> None:
        """Put the note's stored text in the editor, the cursor where it was."""
        if note.body != self.editor.toPlainText():
            cursor = self.editor.textCursor().position()
            self._load_body(note.body)
            moved = self.editor.textCursor()
            moved.setPosition(min(cursor, len(self.editor.toPlainText())))
            self.editor.setTextCursor(moved)
        self._saved_body = note.body
