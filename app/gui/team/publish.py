"""Publishing a notebook to a PostgreSQL server (File > Share on Server…).

The whole notebook is written as a notebook file (every table, lossless) and imported into
the new, empty database on the server, which refuses anything but an empty notebook (nothing
there is ever overwritten). Runs on a worker thread; cancelling before the import leaves
nothing on the server but the empty schema.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.progress import CancelToken, ProgressEvent, ProgressFn
from app.gui.exchange.run_dialog import Report
from app.gui.team.credentials import ServerDetails, without_password
from app.services import Notebook

log = logging.getLogger(__name__)

SHOWN = (("article", "articles"), ("highlight", "highlights"), ("tag", "tags"),
         ("actor", "actors"), ("agreement", "agreements"), ("note", "notes"))


@dataclass(frozen=True)
class Published:
    """Where the notebook went and how many rows of each table."""

    url: str  # without the password
    rows: tuple[tuple[str, int], ...]


def published_report(result: Published) -> Report:
    """``Shared on postgresql+psycopg://anna@host:5432/desk: 5 articles, ...``."""
    counts = dict(result.rows)
    parts = ", ".join(f"{counts.get(table, 0):,} {label}" for table, label in SHOWN)
    total = sum(counts.values())
    return Report(f"Shared on {result.url}: {parts} ({total:,} rows in all)",
                  [f"{table}: {count:,}" for table, count in result.rows if count])


class PublishWork:
    """Worker-side publishing (no Qt object on the pool thread)."""

    def __init__(self, nb: Any, details: ServerDetails, password: str) -> None:
        self._nb = nb
        self._details = details
        self._password = password

    def __call__(self, progress: ProgressFn, cancel: CancelToken) -> Published:
        with tempfile.TemporaryDirectory(prefix="dossier-publish-") as folder:
            file = Path(folder) / "notebook.json"
            progress(ProgressEvent(0, 3, "Reading the notebook…"))
            self._nb.transfer.export_notebook(file, cancel=cancel)
            cancel.raise_if_cancelled()
            progress(ProgressEvent(1, 3, f"Connecting to {self._details.host}…"))
            target = Notebook.open(self._details.url(self._password),
                                   index_dir=Path(folder) / "index")
            try:
                cancel.raise_if_cancelled()
                progress(ProgressEvent(2, 3, "Copying to the server…"))
                report = target.transfer.import_notebook(file)
            finally:
                with contextlib.suppress(Exception):
                    target.close()
        progress(ProgressEvent(3, 3, "Done"))
        return Published(without_password(self._details.url()), report.rows)
