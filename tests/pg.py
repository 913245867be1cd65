"""PostgreSQL test fixtures: a fresh database per test on the server named by
``DOSSIER_TEST_PG_URL``, dropped afterwards.

The variable holds an admin URL (a role with CREATEDB), e.g.
``postgresql+psycopg://dossier:dossier@127.0.0.1:5432/postgres``. Without it the tests
marked ``postgres`` are skipped, except under ``CI=true``: there a missing or unreachable
server is an error, so that CI can never pass by silently skipping them.

Every database made here is named ``dossier_test_<random>``; only those are dropped
(after terminating connections a test left open), never anything else on the server.
"""

from __future__ import annotations

import functools
import logging
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

log = logging.getLogger(__name__)

ENV = "DOSSIER_TEST_PG_URL"
PREFIX = "dossier_test_"


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
def _server_problem(url: str) -> str:
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
    problem = _server_problem(url)
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


def create_database(admin: str, template: str | None = None) -> str:
    """Create a fresh, uniquely named database (optionally a copy of ``template``);
    returns its URL."""
    from sqlalchemy import text

    name = PREFIX + uuid.uuid4().hex[:16]
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
