"""The status bar's index state: carried from the indexer thread, shown as text."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from app.core.records import IndexStatus

log = logging.getLogger(__name__)


def index_status_text(status: IndexStatus) -> str:
    """Status-bar text for the search index: "indexing 120/1,028" or "index up to date"."""
    total = status.indexed + status.pending
    if status.is_rebuilding:
        return f"rebuilding index {status.indexed:,}/{total:,}"
    if status.pending:
        return f"indexing {status.indexed:,}/{total:,}"
    return "index up to date"


class IndexStatusRelay(QObject):
    """Carries index status from the indexer thread to the GUI thread (queued signal)."""

    statusChanged = Signal(object)  # IndexStatus

    def listener(self, status: IndexStatus) -> None:
        """The callback given to ``nb.search.add_listener``; runs on the indexer thread."""
        try:
            self.statusChanged.emit(status)
        except RuntimeError:  # the window is gone while the notebook still indexes
            log.debug("index status after window closed: %s", status)
