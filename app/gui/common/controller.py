"""The GUI's single entry point for edits: run a service mutation, broadcast its Changes.

Every view that edits calls :meth:`NotebookController.edit`; every view that shows data
connects to :attr:`NotebookController.changed` and refreshes what the ``Changes`` touch.
Errors from the core become a message box instead of an exception in a slot.

Edit views pass the record as they showed it (``seen=``), so a colleague's change made
since becomes a conflict (issue 13). When the user has settled one (the conflict dialog
closed, or the message box for a notebook without one), :attr:`conflictSettled` names
the widget whose edit met it: that view then shows the record as stored, with its new
version, so its next save is based on what the user decided and not a false conflict.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from app.core.changes import Changes
from app.core.errors import ConflictError, DossierError

if TYPE_CHECKING:  # widget tests run without a store; the type checker sees the real API
    from app.services import Notebook

log = logging.getLogger(__name__)


class NotebookController(QObject):
    """Owns the open notebook for the GUI and announces every change."""

    changed = Signal(object)  # Changes
    notebookOpened = Signal(object)  # the services Notebook
    #: A conflict met by an edit was settled by the user: (ConflictError, the widget
    #: that made the edit, or None). Emitted after any resolution was written.
    conflictSettled = Signal(object, object)
    #: Shown a ConflictError instead of the plain message (the team GUI's base / mine /
    #: theirs dialog, which writes the resolution itself); None: the message box.
    conflict_handler: Callable[[ConflictError, QWidget | None], Any] | None = None

    def __init__(self, notebook: Notebook, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.nb = notebook

    def set_notebook(self, notebook: Notebook) -> None:
        """Switch to another open notebook (the caller closes the old one)."""
        self.nb = notebook
        self.notebookOpened.emit(notebook)

    def edit(self, mutation: Callable[[], Any], parent: QWidget | None = None) -> Any:
        """Run ``mutation`` (a service call), emit its Changes and return its result.

        A mutation returns ``Changes``, ``(record, Changes)`` or a report carrying them
        in ``.changes`` (an ``EditReport``). A :class:`DossierError` is shown to the
        user and ``None`` is returned.
        """
        try:
            result = mutation()
        except DossierError as exc:
            if isinstance(exc, ConflictError) and self.conflict_handler is not None:
                log.info("edit met a conflict: %s", exc)
                self._follow(self.conflict_handler(exc, parent), exc, parent)
                return None
            log.info("edit refused: %s", exc)
            QMessageBox.warning(parent, "Dossier", str(exc))
            if isinstance(exc, ConflictError):
                self.conflictSettled.emit(exc, parent)
            return None
        changes = result[1] if isinstance(result, tuple) else getattr(result, "changes", result)
        if isinstance(changes, Changes) and not changes.is_empty:
            self.changed.emit(changes)
        return result

    def _follow(self, dialog: Any, error: ConflictError, parent: QWidget | None) -> None:
        """Announce :attr:`conflictSettled` when the conflict dialog closes (at once when
        the handler showed no dialog, or one already closed)."""
        if isinstance(dialog, QDialog) and dialog.isVisible():
            dialog.finished.connect(lambda _code: self.conflictSettled.emit(error, parent))
        else:
            self.conflictSettled.emit(error, parent)

    def undo(self) -> None:
        """Undo the last edit of the notebook history."""
        if self.nb.history.can_undo:
            self.edit(self.nb.history.undo)

    def redo(self) -> None:
        """Redo the last undone edit."""
        if self.nb.history.can_redo:
            self.edit(self.nb.history.redo)
