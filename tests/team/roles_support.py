"""Helpers for the roles and schema-safety tests: a notebook database plus the login
roles a test creates, all removed afterwards. Test modules import the fixtures
``team_db_fixture`` and ``empty_team_db_fixture`` (named ``team_db``, ``empty_team_db``).

Roles are server-wide (not inside the test's database), so each test names its users
with a random tag and :class:`TeamDb` drops exactly those, and the notebook's group
roles, after dropping the database (which takes their grants with it).
"""

from __future__ import annotations

import atexit
import functools
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

from tests import pg

PASSWORD = "s3cret-pw"


@functools.lru_cache(maxsize=1)
def _template(admin: str) -> str:
    """A database at this code's schema, made once per test process (migrating each
    test's database would cost seconds) and dropped when the process ends."""
    from app.store.engine import make_engine
    from app.store.schema_safety import prepare

    url = pg.create_database(admin)
    engine = make_engine(url)
    try:
        prepare(engine)
    finally:
        engine.dispose()
    atexit.register(_drop_database, admin, url)
    return make_url(url).database or ""


def _drop_database(admin: str, url: str) -> None:
    """Drop a test database, ending this server's client connections to it (only
    client backends: an autovacuum worker is not ours to end, and DROP waits for it)."""
    name = make_url(url).database or ""
    assert name.startswith(pg.PREFIX)
    u = make_url(admin)
    with psycopg.connect(host=u.host, port=u.port, dbname=u.database, user=u.username,
                         password=u.password, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                     "datname = %s AND backend_type = 'client backend' "
                     "AND pid <> pg_backend_pid()", (name,))
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


class TeamDb:
    """A fresh notebook database on the test server (the admin role owns it), at this
    code's schema unless ``empty``."""

    def __init__(self, admin: str, empty: bool = False) -> None:
        self.admin = admin
        self.url = pg.create_database(admin, None if empty else _template(admin))
        self.name = make_url(self.url).database or ""
        self.tag = uuid.uuid4().hex[:6]
        self.users: list[str] = []

    def user(self, name: str) -> str:
        """A unique user name for this test (``name`` plus the test's tag); it is
        dropped at the end whether or not the test created it."""
        full = f"{name}_{self.tag}"
        self.users.append(full)
        return full

    def url_as(self, user: str, password: str = PASSWORD) -> str:
        """The notebook's URL, connecting as ``user``."""
        url = make_url(self.url).set(username=user, password=password)
        return url.render_as_string(hide_password=False)

    def connect(self, user: str | None = None, password: str = PASSWORD,
                dbname: str | None = None) -> psycopg.Connection[Any]:
        """A raw psycopg connection (as the admin, or as ``user``), bypassing Dossier."""
        u = make_url(self.url)
        return psycopg.connect(host=u.host, port=u.port, dbname=dbname or self.name,
                               user=user or u.username,
                               password=password if user else u.password, autocommit=True)

    def make_login(self, user: str) -> None:
        """Create ``user`` as a login role the way an administrator would."""
        with self.connect(dbname="postgres") as conn:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(user), sql.Literal(PASSWORD)))
        self.users.append(user)

    def drop(self) -> None:
        from app.store.roles import group_names

        roles = self.users + list(group_names(self.name).values())
        with self.connect(dbname="postgres") as conn:
            existing = [r for (r,) in conn.execute(
                "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", (roles,))]
            for role in existing:  # ending a test user's connection needs its membership
                conn.execute(sql.SQL("GRANT {} TO CURRENT_USER").format(sql.Identifier(role)))
        _drop_database(self.admin, self.url)
        with self.connect(dbname="postgres") as conn:
            for role in roles:
                conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


@pytest.fixture(name="team_db")
def team_db_fixture() -> Iterator[TeamDb]:
    """A fresh notebook database and the bookkeeping to drop the roles a test makes."""
    db = TeamDb(pg.require_admin_url())
    try:
        yield db
    finally:
        db.drop()


@pytest.fixture(name="empty_team_db")
def empty_team_db_fixture() -> Iterator[TeamDb]:
    """A fresh, empty database (no schema), with the same bookkeeping."""
    db = TeamDb(pg.require_admin_url(), empty=True)
    try:
        yield db
    finally:
        db.drop()


def open_as(db: TeamDb, folder: Path, user: str | None = None, **kwargs: Any) -> Any:
    """A Notebook on the test database as ``user`` (default: the admin), with its own
    index folder."""
    from app.services import Notebook

    url = db.url_as(user) if user else db.url
    return Notebook.open(url, index_dir=folder / f"index-{user or 'admin'}", **kwargs)


def stamp_revision(db: TeamDb, revision: str) -> None:
    """Migrate a fresh database to ``revision`` (an older schema than the code's)."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    from app.store.engine import MIGRATIONS

    engine = create_engine(db.url)
    try:
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["engine"] = engine
        command.upgrade(cfg, revision)
    finally:
        engine.dispose()


def revision_of(db: TeamDb, dbname: str | None = None) -> str:
    with db.connect(dbname=dbname) as conn:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    assert row is not None
    return str(row[0])


def set_up_team(db: TeamDb, members: dict[str, Any]) -> None:
    """As the admin, without opening a Notebook (an older schema cannot be opened): make
    the team and add ``members`` (user -> Role), creating them as login roles."""
    from app.store import roles
    from app.store.engine import make_engine, make_sessions

    engine = make_engine(db.url)
    try:
        with make_sessions(engine)() as session, session.begin():
            groups = roles.set_up(session)
            for user, role in members.items():
                roles.create_login(session, user, PASSWORD)
                roles.grant(session, user, role, groups)
    finally:
        engine.dispose()
