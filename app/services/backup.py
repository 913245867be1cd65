"""Whole-notebook export and import: the backup, and the way to move a notebook between
databases (format: ``docs/notebook-json.md``).

Export writes every table of user data from one consistent read of the database into a
file that appears only when complete. Import fills an empty notebook from such a file in
one transaction, ids included, so the copy equals the original row for row; it queues
everything for the search indexes and leaves no undo history (there is nothing to undo
back to). It never merges into a notebook that holds anything.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import app
from app.core.errors import ValidationError
from app.core.progress import CancelToken, ProgressEvent, ProgressFn, no_progress
from app.core.tables import Row, TableSpec, TransferReport
from app.export.files import atomic_text
from app.export.notebook_json import (
    FORMAT,
    OFFSETS,
    VERSION,
    BadNotebookFile,
    read_notebook,
    write_notebook,
)
from app.services.backup_checks import check_notebook
from app.store import dump
from app.store.engine import translated_errors
from app.store.sessions import Session, Sessions

log = logging.getLogger(__name__)


class BackupService:
    """Export a notebook to one JSON file; import such a file into an empty notebook.

    Args:
        sessions: the notebook's session factory.
        name: the notebook's name (written into the file, used in messages).
        clear_history: empties the undo history after an import.
        after_import: called after an import commits (wakes the indexer).
    """

    def __init__(self, sessions: Sessions, name: str, clear_history: Callable[[], None],
                 after_import: Callable[[], None]) -> None:
        self._sessions = sessions
        self._name = name
        self._clear_history = clear_history
        self._after_import = after_import

    # -- export --------------------------------------------------------------------------
    def export_notebook(self, path: str | Path, progress: ProgressFn = no_progress,
                        cancel: CancelToken | None = None) -> TransferReport:
        """Write every table of user data to ``path`` (replaced only on success)."""
        path = Path(path)
        specs = dump.table_specs()
        with translated_errors(), dump.snapshot(self._sessions) as session:
            header = self._header(session)
            tables = ((s.name, self._rows(session, s, n, len(specs), progress, cancel))
                      for n, s in enumerate(specs))
            with atomic_text(path) as handle:
                counts = write_notebook(handle, header, tables)
        progress(ProgressEvent(len(specs), len(specs), "done"))
        log.info("exported %s rows to %s", sum(counts.values()), path)
        return TransferReport(str(path), tuple(counts.items()))

    def _header(self, session: Session) -> dict[str, object]:
        return {"format": FORMAT, "version": VERSION,
                "schema": dump.schema_revision(session), "app_version": app.__version__,
                "exported_at": dt.datetime.now().replace(microsecond=0).isoformat(),
                "notebook": self._name, "offsets": OFFSETS}

    @staticmethod
    def _rows(session: Session, spec: TableSpec, number: int, total: int,
              progress: ProgressFn, cancel: CancelToken | None) -> Iterator[Row]:
        progress(ProgressEvent(number, total, spec.name))
        for row in dump.read_rows(session, spec):
            if cancel is not None:
                cancel.raise_if_cancelled()
            yield row

    # -- import --------------------------------------------------------------------------
    def import_notebook(self, path: str | Path,
                        progress: ProgressFn = no_progress) -> TransferReport:
        """Fill this empty notebook from a notebook file, in one transaction.

        Raises:
            ValidationError: this notebook is not empty, or the file is not a valid
                notebook file (``BadNotebookFile``, naming the file and the problem).
        """
        path = Path(path)
        specs = dump.table_specs()
        with translated_errors(), self._sessions() as session:
            self._refuse_unless_empty(session, path)
            schema = dump.schema_revision(session)
        progress(ProgressEvent(0, len(specs) + 1, "reading"))
        document = read_notebook(path, specs, schema)
        try:
            tables = check_notebook(specs, document.tables)
        except ValidationError as exc:
            raise BadNotebookFile(path, str(exc)) from None
        with translated_errors(), self._sessions() as session, session.begin():
            self._refuse_unless_empty(session, path)  # another process may have written
            for number, spec in enumerate(specs, start=1):
                progress(ProgressEvent(number, len(specs) + 1, spec.name))
                dump.insert_rows(session, spec, tables[spec.name])
            dump.reset_sequences(session, [s.name for s in specs])
            dump.queue_for_search(session)
        self._clear_history()
        self._after_import()
        counts = tuple((s.name, len(tables[s.name])) for s in specs)
        log.info("imported %s rows from %s", sum(n for _, n in counts), path)
        return TransferReport(str(path), counts)

    def _refuse_unless_empty(self, session: Session, path: Path) -> None:
        filled = {k: n for k, n in dump.count_rows(session).items() if n}
        if filled:
            held = ", ".join(f"{n} {k} rows" for k, n in sorted(filled.items())[:3])
            raise ValidationError(
                f"cannot import {path}: the notebook {self._name!r} is not empty ({held}); "
                "a notebook file is imported only into a new notebook, never merged")
