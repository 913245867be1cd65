"""One undo/redo history for every edit of a notebook.

Each entry is a label and the row-level ops of one use case; undo applies their inverse in
a new transaction, redo applies them again. Both return the ``Changes`` they caused.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from app.core.changes import Changes
from app.core.errors import DossierError
from app.store.ops import Op, invert

log = logging.getLogger(__name__)

MAX_ENTRIES = 1000


@dataclass(frozen=True, slots=True)
class Entry:
    label: str
    ops: tuple[Op, ...]


class History:
    """Undo and redo stacks. ``replay`` writes ops in one transaction and returns Changes."""

    def __init__(self, replay: Callable[[list[Op], str], Changes]) -> None:
        self._replay = replay
        self._undo: list[Entry] = []
        self._redo: list[Entry] = []
        self._lock = threading.RLock()

    def record(self, label: str, ops: list[Op]) -> None:
        """Push a completed edit; a new edit clears the redo stack."""
        if not ops:
            return
        with self._lock:
            self._undo.append(Entry(label, tuple(ops)))
            del self._undo[:-MAX_ENTRIES]
            self._redo.clear()

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def undo_label(self) -> str:
        return self._undo[-1].label if self._undo else ""

    @property
    def redo_label(self) -> str:
        return self._redo[-1].label if self._redo else ""

    def undo(self) -> Changes:
        """Revert the last edit. Raises DossierError if nothing to undo or it no longer applies."""
        with self._lock:
            if not self._undo:
                raise DossierError("nothing to undo")
            entry = self._undo[-1]
            changes = self._replay(invert(list(entry.ops)), entry.label)
            self._redo.append(self._undo.pop())
            return changes

    def redo(self) -> Changes:
        """Re-apply the last undone edit."""
        with self._lock:
            if not self._redo:
                raise DossierError("nothing to redo")
            entry = self._redo[-1]
            changes = self._replay(list(entry.ops), entry.label)
            self._undo.append(self._redo.pop())
            return changes

    def clear(self) -> None:
        with self._lock:
            self._undo.clear()
            self._redo.clear()
