"""PostgreSQL test fixtures: a fresh database per test on the server named by
``DOSSIER_TEST_PG_URL``, dropped afterwards.

The variable holds an admin URL (a role with CREATEDB), e.g.
``postgresql+psycopg://dossier:dossier@127.0.0.1:5432/postgres``. Without it the tests
marked ``postgres`` are skipped, except under ``CI=true``: there a missing or unreachable
server is an error, so that CI can never pass by silently skipping them.

Every database made here is named ``dossier_test_<unix time>_<pid>_<random>``; only
those are dropped (after terminating connections a test left open), never anything else
on the server. A run that was killed leaves its databases behind: each session first drops
the ones older than an hour that nobody is connected to (:func:`drop_stale`).
"""

from __future__ import annotations

import functools
import logging
import os
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

log = logging.getLogger(__name__)

ENV = "DOSSIER_TEST_PG_URL"
PREFIX = "dossier_test_"
STALE_AFTER = 3600.0
"""Seconds after which a test database nobody is connected to counts as left behind by
a killed run (no test keeps one that long)."""
_NAMED = re.compile(re.escape(PREFIX) + r"(\d{10})_(\d+)_[0-9a-f]{8}")
"""A name :func:`new_name` made: its creation time and the creating process."""


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def admin_url() -> str | None:
    """The admin URL from the environment (driver made explicit), or None."""
    url = os.environ.get(ENV, "").strip()
    if not url:
        return None
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _unavailable(reason: str) -> None:
    """Skip the test, or fail it loudly under CI=true."""
    if in_ci():
        pytest.fail(f"PostgreSQL tests cannot run under CI=true: {reason}", pytrace=False)
    pytest.skip(reason)


@functools.lru_cache(maxsize=1)
def server_problem(url: str) -> str:
    """"" when the server answers, else why not (checked once per test process)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means: no usable server
        return f"the PostgreSQL server at {_safe(url)} is unreachable: {exc}".splitlines()[0]
    finally:
        engine.dispose()
    return ""


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def require_admin_url() -> str:
    """The admin URL of a reachable server, or skip (fail under CI=true)."""
    url = admin_url()
    if url is None:
        _unavailable(f"{ENV} is not set (see the README, 'Tests on PostgreSQL')")
        raise AssertionError("unreachable")  # pytest.skip/fail raised already
    problem = server_problem(url)
    if problem:
        _unavailable(problem)
    return url


def _admin_engine(url: str) -> Any:
    from sqlalchemy import create_engine

    return create_engine(url, isolation_level="AUTOCOMMIT",
                         connect_args={"connect_timeout": 10})


def database_url(admin: str, name: str) -> str:
    """``admin`` pointing at database ``name`` instead (same role and server)."""
    from sqlalchemy.engine import make_url

    return make_url(admin).set(database=name).render_as_string(hide_password=False)


def new_name(now: float | None = None, pid: int | None = None) -> str:
    """A unique test database name carrying its creation time and process id (this
    process, now, unless given; at most 48 of PostgreSQL's 63 bytes)."""
    stamp = int(time.time() if now is None else now)
    return f"{PREFIX}{stamp:010d}_{os.getpid() if pid is None else pid}_{uuid.uuid4().hex[:8]}"


def _alive(pid: int) -> bool:
    """Does a process ``pid`` run on this machine? (A session of over an hour keeps its
    idle pooled databases: they carry its pid.)"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, but another user's
        return True
    return True


def drop_stale(admin: str, older_than: float = STALE_AFTER) -> list[str]:
    """Drop the test databases that killed runs left: named by :func:`new_name`, made
    more than ``older_than`` seconds ago by a process no longer running here, with nobody
    connected. Returns their names. Nothing else on the server is touched (other names,
    databases in use)."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    cutoff = time.time() - older_than
    engine = _admin_engine(admin)
    dropped = []
    try:
        with engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT d.datname FROM pg_database d WHERE d.datname LIKE :p AND NOT "
                "EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname)"),
                {"p": PREFIX.replace("_", r"\_") + "%"}).scalars().all()
            for name in rows:
                found = _NAMED.fullmatch(name)
                if found is None or float(found.group(1)) > cutoff or _alive(
                        int(found.group(2))):
                    continue
                try:  # FORCE is not used: a client that connected meanwhile keeps it
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
                except DBAPIError as exc:  # in use since the look, or not ours to drop
                    log.info("left %s: %s", name, str(exc).splitlines()[0])
                    continue
                dropped.append(name)
    finally:
        engine.dispose()
    if dropped:
        log.warning("dropped %d test databases left by killed runs", len(dropped))
    return dropped


def create_database(admin: str, template: str | None = None, name: str | None = None) -> str:
    """Create a fresh, uniquely named database (optionally a copy of ``template``; named
    ``name``, which must start with :data:`PREFIX`, else by :func:`new_name`); returns its
    URL."""
    from sqlalchemy import text

    name = name or new_name()
    if not name.startswith(PREFIX):
        raise ValueError(f"refusing to create {name!r}: not a test database name")
    engine = _admin_engine(admin)
    try:
        with engine.connect() as conn:
            copy = f' TEMPLATE "{template}"' if template else ""
            conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
            # test data need not survive a crash of the server: commits skip the fsync wait
            conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    finally:
        engine.dispose()
    return database_url(admin, name)


def _name_of(url: str) -> str:
    from sqlalchemy.engine import make_url

    name = make_url(url).database or ""
    if not name.startswith(PREFIX):  # never touch anything these fixtures did not make
        raise ValueError(f"refusing to drop {name!r}: not a test database")
    return name


def end_connections(admin: str, url: str) -> None:
    """Terminate the client connections to a test database that a test left open.
    Background workers (autovacuum) are left alone: DROP DATABASE stops those itself,
    and only a superuser may signal them."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    name = _name_of(url)
    engine = _admin_engine(admin)
    try:
        with engine.connect() as conn:
            pids = conn.execute(text(
                "SELECT pid FROM pg_stat_activity WHERE datname = :n "
                "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"),
                {"n": name}).scalars().all()
            for pid in pids:
                try:
                    conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
                except DBAPIError as exc:  # another role's session we may not end
                    log.info("could not end connection %s to %s: %s", pid, name, exc)
    finally:
        engine.dispose()


def drop_database(admin: str, url: str) -> None:
    """Drop a database made by :func:`create_database`, ending connections left open."""
    from sqlalchemy import text

    name = _name_of(url)
    end_connections(admin, url)
    engine = _admin_engine(admin)
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    finally:
        engine.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """The URL (with password) of a fresh, empty database, dropped after the test."""
    admin = require_admin_url()
    url = create_database(admin)
    try:
        yield url
    finally:
        drop_database(admin, url)


def open_pg_notebook(url: str, folder: Path, name: str = "client", **kwargs: Any) -> Any:
    """A ``Notebook`` on ``url`` with its own index folder ``folder/index-<name>``
    (two clients of one database get two names)."""
    from app.services import Notebook

    return Notebook.open(url, index_dir=folder / f"index-{name}", **kwargs)


@pytest.fixture
def pg_notebook(pg_url: str, tmp_path: Path) -> Iterator[Any]:
    """An empty notebook on a fresh PostgreSQL database, with its own index folder."""
    nb = open_pg_notebook(pg_url, tmp_path)
    try:
        yield nb
    finally:
        nb.close()


def mark_postgres_users(items: list[pytest.Item]) -> None:
    """Mark every test that uses a PostgreSQL fixture ``postgres`` (so ``-m postgres``
    and ``-m "not postgres"`` select them even when the decorator is missing)."""
    for item in items:
        names = getattr(item, "fixturenames", ())
        if any(n.startswith("pg_") for n in names) and item.get_closest_marker("postgres") is None:
            item.add_marker(pytest.mark.postgres)


def check_marked_tests(item: pytest.Item) -> None:
    """A test marked ``postgres`` that does not ask for a fixture still skips (or fails
    under CI=true) when no server is available."""
    if item.get_closest_marker("postgres") is not None:
        require_admin_url()
