"""One undo/redo history for every edit of a notebook.

Each entry is a label and the row-level ops of one use case; undo applies their inverse in
a new transaction, redo applies them again. Both return the ``Changes`` they caused.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from app.core.changes import Changes
from app.core.conflicts import Origin
from app.core.errors import ConflictError, DossierError
from app.store.ops import Op, invert

log = logging.getLogger(__name__)

MAX_ENTRIES = 1000


@dataclass(frozen=True, slots=True)
class RowResolution:
    """How the user resolved a conflict an undo or redo step met on one row: the step
    writes ``values`` over what it found (``expected``, the values the conflict showed as
    theirs; a change since conflicts again), or leaves the row alone (``skip``: a refused
    delete whose row stays)."""

    table: str
    id: int
    values: Mapping[str, object]
    expected: Mapping[str, object]
    skip: bool = False

    def apply_to(self, ops: list[Op]) -> list[Op]:
        """The step's ops with this row's op replaced by the resolved one."""
        out: list[Op] = []
        for op in ops:
            if op.table != self.table or op.row.get("id") != self.id or op.kind == "insert":
                out.append(op)
            elif op.kind == "delete":
                if not self.skip:
                    out.append(Op("delete", op.table, {**op.row, **self.expected}))
            else:
                changed = {k: v for k, v in self.values.items() if k in op.row}
                out.append(Op("update", op.table, {**op.row, **changed},
                              {**op.old, **{k: self.expected[k] for k in changed}}))
        return out


@dataclass(frozen=True, slots=True)
class Entry:
    """One undo step. ``key`` and ``at`` let a burst of similar edits share one step.
    ``guard``, if set, is called with "undo" or "redo" before the step is applied and
    refuses it (raising DossierError) when the notebook no longer allows it exactly (an
    import whose articles have been annotated since)."""

    label: str
    ops: tuple[Op, ...]
    key: str = ""
    at: float = 0.0
    guard: Callable[[str], None] | None = None


class History:
    """Undo and redo stacks. ``replay`` writes ops in one transaction and returns Changes."""

    def __init__(self, replay: Callable[[list[Op], str], Changes]) -> None:
        self._replay = replay
        self._undo: list[Entry] = []
        self._redo: list[Entry] = []
        self._resolutions: list[tuple[tuple[str, int], RowResolution]] = []
        self._lock = threading.RLock()

    def record(self, label: str, ops: list[Op],
               guard: Callable[[str], None] | None = None) -> None:
        """Push a completed edit; a new edit clears the redo stack. ``guard``: see
        :class:`Entry` (for steps written outside a Writer, such as an import)."""
        if not ops:
            return
        with self._lock:
            self._undo.append(Entry(label, tuple(ops), guard=guard))
            del self._undo[:-MAX_ENTRIES]
            self._redo.clear()

    def record_coalesced(self, label: str, ops: list[Op], key: str, window: float,
                         now: float | None = None) -> bool:
        """Push an edit, or fold it into the last entry if that has the same ``key``
        and was recorded at most ``window`` seconds ago (autosaved typing: one undo
        step per burst, not one per save). Returns True when it was folded in.
        """
        if not ops:
            return False
        now = time.monotonic() if now is None else now
        with self._lock:
            last = self._undo[-1] if self._undo else None
            if last is not None and key and last.key == key and now - last.at <= window:
                merged = compact([*last.ops, *ops])
                self._undo[-1] = Entry(label, tuple(merged), key, now)
                self._redo.clear()
                return True
            self._undo.append(Entry(label, tuple(ops), key, now))
            del self._undo[:-MAX_ENTRIES]
            self._redo.clear()
            return False

    def absorb(self, ops: list[Op]) -> None:
        """Fold writes that follow from the current state rather than from a user's edit
        (note links re-resolved on a read) into the newest undo step.

        Undoing that step then takes them back too, so undo stays exact: the state it
        returns to is the one before the step, not one with links pointing at records
        the undo removes. With nothing to undo there is nothing to return to, and the
        writes need no record.
        """
        if not ops:
            return
        with self._lock:
            if self._undo:
                last = self._undo[-1]
                self._undo[-1] = replace(last, ops=(*last.ops, *ops))

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

    def undo(self, resolution: RowResolution | None = None) -> Changes:
        """Revert the last edit (with ``resolution``: as the user resolved the conflict
        an earlier try met; resolutions of one step add up until it succeeds).

        Raises:
            DossierError: nothing to undo.
            ConflictError: a row the edit wrote has changed since (another writer, or a
                write outside the history); nothing is written and the step stays on the
                undo stack. The message names the row and what differs.
        """
        with self._lock:
            if not self._undo:
                raise DossierError("nothing to undo")
            entry = self._undo[-1]
            if entry.guard is not None:
                entry.guard("undo")
            ops = self._resolved(entry, "undo", invert(list(entry.ops)), resolution)
            changes = self._apply(ops, entry.label, "undo")
            self._resolutions.clear()
            self._redo.append(self._undo.pop())
            return changes

    def redo(self, resolution: RowResolution | None = None) -> Changes:
        """Re-apply the last undone edit (raises as :meth:`undo`, keeping the step)."""
        with self._lock:
            if not self._redo:
                raise DossierError("nothing to redo")
            entry = self._redo[-1]
            if entry.guard is not None:
                entry.guard("redo")
            ops = self._resolved(entry, "redo", list(entry.ops), resolution)
            changes = self._apply(ops, entry.label, "redo")
            self._resolutions.clear()
            self._undo.append(self._redo.pop())
            return changes

    def _resolved(self, entry: Entry, verb: str, ops: list[Op],
                  resolution: RowResolution | None) -> list[Op]:
        """The step's ops with the resolutions given for it so far (a step may conflict
        on several rows, one after the other)."""
        key = (verb, id(entry))
        if self._resolutions and self._resolutions[0][0] != key:
            self._resolutions.clear()  # resolutions of another step (or direction)
        if resolution is not None:
            self._resolutions.append((key, resolution))
        for _key, res in self._resolutions:
            ops = res.apply_to(ops)
        return ops

    def _apply(self, ops: list[Op], label: str, verb: str) -> Changes:
        try:
            return self._replay(ops, label)
        except ConflictError as exc:
            log.info("cannot %s %r: %s", verb, label, exc)
            origin: Origin = "undo" if verb == "undo" else "redo"
            raise exc.during(f"cannot {verb} '{label}'", origin) from exc

    def clear(self) -> None:
        with self._lock:
            self._undo.clear()
            self._redo.clear()


def compact(ops: list[Op]) -> list[Op]:
    """Fold repeated updates of one row into the first, keeping the oldest ``old`` values.

    Undoing the result restores the state before the first op; redoing it gives the
    state after the last. Only updates are folded: inserts and deletes keep their order.
    """
    out: list[Op] = []
    seen: dict[tuple[str, tuple[object, ...]], int] = {}
    for op in ops:
        key = (op.table, _row_key(op))
        if op.kind != "update":
            seen = {k: i for k, i in seen.items() if k != key}
            out.append(op)
            continue
        if key in seen:
            first = out[seen[key]]
            old = {**op.old, **first.old}
            out[seen[key]] = Op("update", op.table, {**first.row, **op.row}, old)
        else:
            seen[key] = len(out)
            out.append(op)
    return out


def _row_key(op: Op) -> tuple[object, ...]:
    return (op.row.get("id"),) if "id" in op.row else tuple(sorted(op.row.items()))
