"""Schema upgrades: one process at a time, one backup, atomic, and a one-line message.

Two processes opening a new (or old) notebook at once would both run the migrations and
one would fail half-way (``table alembic_version already exists``). So the upgrade runs
under a lock: an OS file lock on ``notebook.db.lock`` beside a SQLite file (created by
Dossier and left in place: removing a lock file races with the next process), or a
PostgreSQL advisory lock. The second process waits (at most :data:`LOCK_TIMEOUT`
seconds), then finds the schema current and goes on.

Before upgrading an existing SQLite notebook its database is copied, once: a retry after
a failed upgrade reuses the identical backup instead of writing another. On SQLite the
whole upgrade is one transaction, so a failure leaves the database as it was and there
is nothing to restore.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from app.core.errors import MigrationError, NotebookLocked

log = logging.getLogger(__name__)

LOCK_TIMEOUT = 60.0
"""Seconds a process waits for another one's upgrade (creating a notebook takes < 1 s)."""
ADVISORY_KEY = 0x646F7373  # "doss": the PostgreSQL advisory lock of schema upgrades


def sqlite_file(engine: Engine) -> Path | None:
    """The database file of a file-based SQLite engine, else None."""
    url = make_url(str(engine.url))
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


@contextlib.contextmanager
def upgrade_lock(engine: Engine, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the notebook's upgrade lock; raises NotebookLocked after ``timeout``."""
    db_file = sqlite_file(engine)
    if db_file is not None:
        with _file_lock(db_file.with_name(db_file.name + ".lock"), timeout):
            yield
    elif engine.dialect.name == "postgresql":
        with _advisory_lock(engine, timeout):
            yield
    else:  # no portable lock: concurrent first opens of such a database may still race
        yield


@contextlib.contextmanager
def _file_lock(path: Path, timeout: float) -> Iterator[None]:
    with open(path, "a+b") as handle:
        deadline = time.monotonic() + timeout
        while not _try_lock(handle):
            if time.monotonic() >= deadline:
                raise NotebookLocked(
                    f"another Dossier process is upgrading the notebook ({path} is locked); "
                    "try again when it has finished")
            time.sleep(0.05)
        try:
            yield
        finally:
            _unlock(handle)


def _try_lock(handle: Any) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _unlock(handle: Any) -> None:
    if sys.platform == "win32":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@contextlib.contextmanager
def _advisory_lock(engine: Engine, timeout: float) -> Iterator[None]:
    with engine.connect() as conn:
        deadline = time.monotonic() + timeout
        while not conn.execute(text("SELECT pg_try_advisory_lock(:k)"),
                               {"k": ADVISORY_KEY}).scalar():
            if time.monotonic() >= deadline:
                raise NotebookLocked("another Dossier process is upgrading the notebook's "
                                     "database; try again when it has finished")
            time.sleep(0.2)
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
            conn.commit()


def backup_once(db_file: Path, label: str) -> Path:
    """Copy a live SQLite database before upgrading it from schema ``label``.

    If an earlier attempt already left an identical copy (the upgrade failed and the
    database has not changed since), that copy is returned instead of writing another.
    """
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = db_file.with_name(f"{db_file.stem}.backup-{label}-{stamp}{db_file.suffix}")
    fresh = target.with_name(target.name + ".part")
    _copy(db_file, fresh)
    digest = _sha256(fresh)
    for earlier in sorted(db_file.parent.glob(f"{db_file.stem}.backup-{label}-*{db_file.suffix}")):
        if _sha256(earlier) == digest:
            fresh.unlink()
            log.info("the backup %s of schema %s is still current: not copied again",
                     earlier, label)
            return earlier
    fresh.replace(target)
    return target


def _copy(db_file: Path, target: Path) -> None:
    src = sqlite3.connect(db_file)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def migration_engine(engine: Engine) -> Engine:
    """An engine for running migrations: on SQLite one whose transactions include DDL.

    pysqlite runs DDL outside transactions by default, so a migration failing half-way
    would leave a half-changed schema; emitting BEGIN ourselves makes the whole upgrade
    one transaction (the SQLAlchemy-documented recipe).
    """
    if engine.dialect.name != "sqlite":
        return engine
    mig = create_engine(engine.url, poolclass=NullPool)

    @event.listens_for(mig, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we say when transactions begin
        dbapi_conn.execute("PRAGMA busy_timeout=15000")

    @event.listens_for(mig, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return mig


def one_line(exc: BaseException) -> str:
    """The first line of a driver error, without SQLAlchemy's SQL dump and links."""
    message = str(getattr(exc, "orig", None) or exc).strip()
    return message.splitlines()[0] if message else type(exc).__name__


def failed(current: str | None, exc: BaseException, backup: Path | None) -> MigrationError:
    """The one-line error for a failed upgrade, naming the backup."""
    start = f"from schema {current} " if current else ""
    where = f"; the database is unchanged and its backup is {backup}" if backup else ""
    return MigrationError(f"upgrading the notebook {start}failed: {one_line(exc)}{where}")
