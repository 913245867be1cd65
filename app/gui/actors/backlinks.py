""""Mentioned in notes": the notes linking to the shown actor or agreement.

Read from ``nb.notes.backlinks(kind, id)`` (which also resolves links written before the
record got its current name); each row is the note's title with the line around the
link below it, and activating a row asks the window to open the note.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from app.core.changes import Changes
from app.core.errors import DossierError
from app.gui.common.controller import NotebookController

log = logging.getLogger(__name__)


def touches_notes(changes: Changes) -> bool:
    """Whether an edit can change which notes link where."""
    return bool(changes.notes or changes.deleted_notes)


class BacklinkList(QWidget):
    """The notes linking to one record of ``kind`` ("actor" or "agreement")."""

    openNote = Signal(int)

    def __init__(self, controller: NotebookController, kind: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller, self.kind, self.target_id = controller, kind, 0
        self.label = QLabel(self)
        self.list = QListWidget(self)
        self.list.setObjectName("backlinkList")
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(self._on_activated)
        self.list.itemClicked.connect(self._on_activated)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.list, 1)
        self.show_for(0)

    def show_for(self, target_id: int) -> int:
        """List the notes linking to ``target_id`` (0: none); returns how many."""
        self.target_id = target_id
        self.list.clear()
        found = []
        if target_id:
            try:
                found = self._controller.nb.notes.backlinks(self.kind, target_id)
            except DossierError as exc:  # a broken notebook must not break the view
                log.warning("backlinks of %s %s failed: %s", self.kind, target_id, exc)
        for link in found:
            context = " ".join(link.context.split())
            item = QListWidgetItem(f"{link.note_title}\n{context}" if context
                                   else link.note_title, self.list)
            item.setToolTip(f"Open the note “{link.note_title}”")
            item.setData(Qt.ItemDataRole.UserRole, int(link.note_id))
        self.label.setText(f"Mentioned in {len(found)} note{'s' if len(found) != 1 else ''}"
                           if found else f"No note links to this {self.kind} yet. Write "
                           f"[[{self.kind}:name]] in a note to link it.")
        return len(found)

    def refresh(self) -> None:
        self.show_for(self.target_id)

    def note_titles(self) -> list[str]:
        """Titles of the listed notes, in order."""
        return [self.list.item(i).text().split("\n", 1)[0] for i in range(self.list.count())]

    def open_row(self, row: int) -> None:
        """Open the note in ``row``, as clicking it does."""
        item = self.list.item(row)
        if item is not None:
            self._on_activated(item)

    def _on_activated(self, item: QListWidgetItem) -> None:
        self.openNote.emit(int(item.data(Qt.ItemDataRole.UserRole)))
