"""Publishing a notebook to a PostgreSQL server (File > Share on Server…).

``app.services.publish`` copies every table losslessly into a new, empty database (anything
else is refused before a write: nothing there is ever overwritten). Runs on a worker thread;
a cancelled or failed copy leaves at most an empty notebook, which a retry fills.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.progress import CancelToken, ProgressFn
from app.gui.exchange.run_dialog import Report
from app.gui.team.credentials import ServerDetails, without_password
from app.services import publish

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
        # the server copy gets its own index later, on the first open: this one is thrown away
        with tempfile.TemporaryDirectory(prefix="dossier-publish-") as folder:
            report = publish(self._nb, self._details.url(self._password),
                             index_dir=Path(folder) / "index", progress=progress,
                             cancel=cancel)
        return Published(without_password(report.path), report.rows)
