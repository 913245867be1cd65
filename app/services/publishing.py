"""Publish a local notebook to a PostgreSQL server: ``python main.py publish URL``.

The target must be an empty database (or an empty Dossier notebook, e.g. what a failed
publish left): anything else is refused before a single statement writes to it, and
nothing outside Dossier's own tables is ever touched. The schema is created by the same
migrations as every notebook; then every table of user data is copied from one
consistent read of the source, checked and ordered as a notebook file's import is, ids
included, in one transaction (so a failure leaves an empty notebook that a retry can
fill); the server's id sequences continue after the copied ids, and every client indexes
the copy on first open. The same table list as the
notebook file (``app.store.dump``), so the copy is as lossless as an export.
"""

from __future__ import annotations

import logging
from pathlib import Path

from app.core.errors import ValidationError
from app.core.progress import CancelToken, ProgressEvent, ProgressFn, no_progress
from app.core.tables import Row, TableSpec, TransferReport
from app.services.backup_checks import check_notebook
from app.services.notebook import Notebook
from app.store import dump, server
from app.store.engine import make_engine, translated_errors
from app.store.sessions import Session

log = logging.getLogger(__name__)


def publish(source: Notebook, location: str, *, index_dir: str | Path | None = None,
            progress: ProgressFn = no_progress,
            cancel: CancelToken | None = None) -> TransferReport:
    """Copy ``source`` into the empty PostgreSQL database ``location``.

    ``location`` may omit the password (the keyring's, ``.pgpass`` or a service file is
    used). The report names the target without its password and counts rows per table.

    Raises:
        ValidationError: ``location`` is not a PostgreSQL URL, or the database is not
            empty (nothing was written to it).
        NotebookError: the server cannot be reached or refused (one line).
    """
    if not server.is_server_url(location):
        raise ValidationError(f"cannot publish to {server.without_password(location)!r}: "
                              "give a PostgreSQL URL (postgresql://user@host:port/database)")
    url = server.with_saved_password(server.normalise_url(location))
    shown = server.without_password(url)
    _refuse_unless_empty(url, shown)
    specs = dump.table_specs()
    progress(ProgressEvent(0, len(specs) + 1, "creating the notebook schema"))
    with Notebook.open(url, index_dir=index_dir) as target:
        counts = _fill(source, target, shown, specs, progress, cancel)
    progress(ProgressEvent(len(specs) + 1, len(specs) + 1, "done"))
    log.info("published %s rows of %s to %s", sum(n for _, n in counts), source.name, shown)
    return TransferReport(shown, tuple(counts))


def _fill(source: Notebook, target: Notebook, shown: str, specs: tuple[TableSpec, ...],
          progress: ProgressFn, cancel: CancelToken | None) -> list[tuple[str, int]]:
    """Copy every table in one transaction of the target; returns rows per table."""
    with translated_errors(), dump.snapshot(source.sessions) as reading, \
            target.sessions() as writing, writing.begin():
        problem = _filled(writing)  # checked again: someone may have written meanwhile
        if problem:
            raise ValidationError(f"cannot publish to {shown}: {problem}; nothing was written")
        tables: dict[str, list[Row]] = {}
        for number, spec in enumerate(specs, start=1):
            progress(ProgressEvent(number, len(specs) + 1, f"reading {spec.name}"))
            tables[spec.name] = _read(reading, spec, cancel)
        # the checks of a notebook file's import; they also order rows parents first (a
        # tag moved under one created later), as the server checks keys row by row
        ordered = check_notebook(specs, tables)
        counts = []
        for spec in specs:
            if cancel is not None:
                cancel.raise_if_cancelled()
            dump.insert_rows(writing, spec, ordered[spec.name])
            counts.append((spec.name, len(ordered[spec.name])))
        dump.reset_sequences(writing, [s.name for s in specs])
        dump.queue_for_search(writing)
    return counts


def _refuse_unless_empty(url: str, shown: str) -> None:
    engine = make_engine(url)
    try:
        with translated_errors():
            problem = server.publish_target_problem(engine)
    finally:
        engine.dispose()
    if problem:
        raise ValidationError(
            f"cannot publish to {shown}: {problem}; publish needs a new, empty database "
            "(e.g. createdb), and nothing in this one was changed")


def _filled(session: Session) -> str:
    filled = {k: n for k, n in dump.count_rows(session).items() if n}
    held = ", ".join(f"{n:,} {k} rows" for k, n in sorted(filled.items())[:3])
    return f"it already holds a notebook ({held})" if held else ""


def _read(reading: Session, spec: TableSpec, cancel: CancelToken | None) -> list[Row]:
    rows: list[Row] = []
    for row in dump.read_rows(reading, spec):
        if cancel is not None and not len(rows) % dump.BATCH:
            cancel.raise_if_cancelled()
        rows.append(row)
    return rows
