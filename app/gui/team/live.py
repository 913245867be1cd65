"""Colleagues' edits arrive live: the notebook's live watcher (``nb.live``) reports what
others changed; this relay hands each update to the GUI thread, announces its ``Changes`` on
the controller (so every view refreshes as after a local edit) and says "Changed by <name>,
<time>" in the status bar.

The watcher calls its subscribers on its own thread: the relay only emits a signal there
(queued to the GUI thread, where the relay lives) and touches widgets in the slot.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel

from app.core.changelog import ChangedBy, LiveUpdate

if TYPE_CHECKING:
    from app.gui.window.main_window import MainWindow

log = logging.getLogger(__name__)

MESSAGE_MS = 15_000
_NOUNS = {"articles": "article", "highlights": "highlight", "tags": "tag",
          "actors": "actor", "agreements": "agreement", "notes": "note"}


def local_time(at: dt.datetime) -> str:
    """``HH:MM`` in local time (``YYYY-MM-DD HH:MM`` when not today) of a UTC time."""
    aware = at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
    local = aware.astimezone()
    today = dt.datetime.now().astimezone().date()
    return f"{local:%H:%M}" if local.date() == today else f"{local:%Y-%m-%d %H:%M}"


def author_at(author: str, at: dt.datetime | None) -> str:
    """``anna at 14:02``: who changed something and when (or "another writer")."""
    who = author or "another writer"
    return f"{who} at {local_time(at)}" if at is not None else who


def latest(update: LiveUpdate) -> ChangedBy | None:
    """The last change of the update (highest write number)."""
    stamps = [value for _, value in update.changed_by]
    return max(stamps, key=lambda s: (s.seq, s.at)) if stamps else None


def what_changed(update: LiveUpdate) -> str:
    """``2 highlights, 1 note`` (records touched or deleted, by kind)."""
    parts = []
    for kind, noun in _NOUNS.items():
        count = len(getattr(update.changes, kind)) + len(
            getattr(update.changes, f"deleted_{kind}"))
        if count:
            parts.append(f"{count} {noun}{'' if count == 1 else 's'}")
    return ", ".join(parts)


def changed_by_text(update: LiveUpdate) -> str:
    """``Changed by anna, 14:02 (2 highlights)``; several authors are all named."""
    last = latest(update)
    if update.is_reset or last is None:
        return "The notebook was changed by others: views reloaded"
    names = ", ".join(a for a in update.authors if a) or last.author or "someone"
    detail = what_changed(update)
    return f"Changed by {names}, {local_time(last.at)}" + (f" ({detail})" if detail else "")


class LiveRelay(QObject):
    """Follows the open notebook's live watcher on behalf of the main window."""

    arrived = Signal(object, object)  # the watcher, its LiveUpdate (on the watcher's thread)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.last_text = ""
        self.label = QLabel(window)
        self.label.setObjectName("live_label")
        # added now, hidden until the first update (only shared notebooks have any):
        # adding a permanent widget later re-shows the status bar's normal widgets under
        # the message just shown, the notebook's name drawn over "Changed by …"
        window.statusBar().addPermanentWidget(self.label)
        self.label.hide()
        self._watched: Any = None
        self._relay: Any = None
        self.arrived.connect(self._on_update)

    def follow(self, nb: Any) -> None:
        """Subscribe to ``nb.live`` (and leave the previous notebook's watcher)."""
        self.stop()
        watcher = nb.live

        def relay(update: LiveUpdate) -> None:  # on the watcher's thread: only hand over
            self.arrived.emit(watcher, update)

        self._watched, self._relay = watcher, relay
        watcher.subscribe(relay)

    def stop(self) -> None:
        if self._watched is not None:
            self._watched.unsubscribe(self._relay)
            self._watched = None

    def _on_update(self, watcher: Any, update: LiveUpdate) -> None:
        if watcher is None or watcher is not self._watched:
            # queued before its notebook was closed or replaced: its record ids mean
            # nothing in the notebook the window shows now
            log.debug("dropped a live update of a notebook no longer shown")
            return
        controller = self.window.controller
        if update.is_reset:
            controller.notebookOpened.emit(controller.nb)  # every view reloads
        elif not update.changes.is_empty:
            controller.changed.emit(update.changes)
        self.last_text = changed_by_text(update)
        self.label.setText(self.last_text)
        self.label.show()
        self.window.statusBar().showMessage(self.last_text, MESSAGE_MS)
        log.info("%s", self.last_text)
