"""Engine creation, SQLite pragmas, migrations with a backup first, and error translation."""

from __future__ import annotations

import contextlib
import logging
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.core.errors import AccessDenied, MigrationError, NotebookError, NotebookLocked
from app.store import migrate, server

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
HEAD_REVISION = "0010"
"""The newest migration. Opening an up-to-date notebook checks this constant instead of
loading Alembic (about 100 ms of start-up); a test keeps it equal to Alembic's head."""
BUSY_TIMEOUT_MS = 15_000
SQLITE_HEADER = b"SQLite format 3\x00"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.close()


class _Lifetime:
    """Whether an engine was closed; its pool events look here (not at the engine, which
    they must not keep alive)."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.closed = False

    def refuse_connect(self, *_args: Any) -> None:
        """``do_connect``: nothing reconnects to a closed notebook (a late timer or
        task would write to a file or database that may now be someone else's)."""
        if self.closed:
            raise NotebookError(f"the notebook {self.where} is closed")

    def close_late_checkin(self, dbapi_conn: Any, _record: Any) -> None:
        """``checkin``: a connection a thread still held when the engine closed comes
        back to the disposed pool, which nobody will close; close it now, or it stays
        open (a server backend on PostgreSQL) until the garbage collector finds it."""
        if self.closed and dbapi_conn is not None:
            try:
                dbapi_conn.close()
            except Exception as exc:  # a broken connection: nothing left to release
                log.debug("closing a connection returned after close: %s", exc)


_LIFETIMES: weakref.WeakKeyDictionary[Engine, _Lifetime] = weakref.WeakKeyDictionary()


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout; a
    ``postgresql://`` URL is opened with psycopg 3 (see :func:`server.normalise_url`).
    Close it with :func:`close_engine`."""
    engine = create_engine(server.normalise_url(url), future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    where = (engine.url.database or "") if engine.dialect.name == "sqlite" else (
        engine.url.render_as_string(hide_password=True))
    lifetime = _LIFETIMES[engine] = _Lifetime(where)
    event.listen(engine, "do_connect", lifetime.refuse_connect)
    event.listen(engine, "checkin", lifetime.close_late_checkin)
    return engine


def close_engine(engine: Engine) -> None:
    """Close every connection of ``engine`` and refuse new ones, for good.

    ``Engine.dispose`` alone closes only the idle connections and makes a new pool that
    reconnects on demand; here a connection still in a thread's hands is closed when it
    comes back, and a session opened later raises :class:`NotebookError`."""
    lifetime = _LIFETIMES.get(engine)
    if lifetime is not None:
        lifetime.closed = True
    engine.dispose()


def _refuse_non_sqlite(db_file: Path) -> None:
    """Raise NotebookError if the file exists but is empty or not a SQLite database
    (SQLite would silently make an empty notebook of a 0-byte file)."""
    try:
        with open(db_file, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return  # a new notebook
    except OSError as exc:
        raise NotebookError(f"cannot read the notebook database {db_file}: {exc}") from exc
    if not header:
        raise NotebookError(f"the notebook database {db_file} is empty (0 bytes); it was "
                            "left as it is (restore it from a backup, or move it away to "
                            "start a new notebook)")
    if header != SQLITE_HEADER:
        raise NotebookError(f"{db_file} is not a SQLite database, so not a Dossier notebook; "
                            "it was left as it is")


def make_sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def _alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def current_revision(engine: Engine) -> str | None:
    """The schema revision stamped in the database (None for a new database)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def head_revision() -> str | None:
    """Alembic's head, read from the migration scripts."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()


def upgrade(engine: Engine) -> Path | None:
    """Bring the schema to head, one process at a time (see :mod:`app.store.migrate`).

    An existing SQLite notebook with an older schema is backed up first (once).
    Returns the backup path (None when nothing was upgraded or the DB was new).

    Raises:
        NotebookError: the file exists but is empty or not a SQLite database (left as
            it is).
        MigrationError: the schema is newer than this Dossier, or the upgrade failed
            (one line, naming the backup; the database is left as it was).
        NotebookLocked: another process kept upgrading for too long.
    """
    db_file = migrate.sqlite_file(engine)
    if db_file is not None and _is_blank(db_file):
        # Missing or empty: lock before the first connection creates it, so that a
        # process creating it at the same moment is seen finished, never half-way.
        with migrate.upgrade_lock(engine):
            _refuse_non_sqlite(db_file)
            return _upgrade_locked(engine, current_revision(engine))
    if db_file is not None:
        _refuse_non_sqlite(db_file)
    if current_revision(engine) == HEAD_REVISION:  # the common case: no lock, no Alembic
        return None
    with migrate.upgrade_lock(engine):
        current = current_revision(engine)  # another process may have upgraded meanwhile
        if current == HEAD_REVISION:
            return None
        return _upgrade_locked(engine, current)


def _is_blank(db_file: Path) -> bool:
    try:
        return db_file.stat().st_size == 0
    except FileNotFoundError:
        return True


def _upgrade_locked(engine: Engine, current: str | None) -> Path | None:
    if current == HEAD_REVISION:  # another process created or upgraded it meanwhile
        return None
    from alembic import command
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config(engine))
    known = {rev.revision for rev in script.walk_revisions()}
    if current is not None and current not in known:
        raise MigrationError(
            f"this notebook has schema {current!r}, written by a newer Dossier; "
            "update Dossier to open it (nothing was changed)")
    db_file = migrate.sqlite_file(engine)
    backup = None
    if current is not None and db_file is not None:
        backup = migrate.backup_once(db_file, current)
        log.info("backed up %s before upgrading from %s", backup, current)
    runner = migrate.migration_engine(engine)
    try:
        command.upgrade(_alembic_config(runner), "head")
    except Exception as exc:  # SQLAlchemy or Alembic: one line, with the backup's name
        raise migrate.failed(current, exc, backup) from exc
    finally:
        if runner is not engine:
            runner.dispose()
    return backup


def translate(exc: BaseException) -> NotebookError:
    """Turn a SQLAlchemy error into Dossier's error tree."""
    text = str(getattr(exc, "orig", exc))
    if getattr(getattr(exc, "orig", None), "sqlstate", None) == "42501":  # PostgreSQL's grants
        return AccessDenied(f"the database refused: {migrate.one_line(exc)} "
                            "(your role in this shared notebook does not allow it)")
    if isinstance(exc, OperationalError) and ("locked" in text or "busy" in text):
        return NotebookLocked(
            "the notebook is busy: another Dossier process is writing to it. "
            "Try again when it has finished."
        )
    return NotebookError(f"database error: {migrate.one_line(exc)}")  # libpq adds hints


@contextlib.contextmanager
def translated_errors() -> Iterator[None]:
    """Re-raise SQLAlchemy/DBAPI errors as NotebookError subclasses."""
    try:
        yield
    except (SQLAlchemyError, DBAPIError) as exc:
        raise translate(exc) from exc


@contextlib.contextmanager
def single_reads(sessions: sessionmaker[Session]) -> Iterator[Connection]:
    """A connection without a transaction, for reads of one statement each that need no
    snapshot shared between them (the texts of a page of search results).

    Each statement is atomic on its own; what is saved is the ORM session and, on
    PostgreSQL, the BEGIN and ROLLBACK round trips around it (reading a page's 20 texts:
    1.2-1.5 ms against 1.8 ms through a session, local server; tests/bench/README.md)."""
    engine = sessions.kw["bind"]
    with translated_errors(), \
            engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        yield conn


def database_problems(session: Session) -> str:
    """"" if SQLite's integrity and foreign-key checks pass (or the database is not
    SQLite), else what they found (first few lines)."""
    if session.get_bind().dialect.name != "sqlite":
        return ""
    try:
        rows = [str(r[0]) for r in session.execute(text("PRAGMA integrity_check"))]
        fk = session.execute(text("PRAGMA foreign_key_check")).all()
    except SQLAlchemyError as exc:  # a damaged file raises from the driver
        raise NotebookError(f"the database cannot be checked: {migrate.one_line(exc)}") from exc
    if rows != ["ok"]:
        return "; ".join(rows[:5])
    if fk:
        return f"{len(fk)} rows point at missing rows"
    return ""
