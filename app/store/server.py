"""Notebooks on a database server: URLs, passwords, and whether a database is empty.

A password is never written anywhere by Dossier: :func:`without_password` is the form of a
URL that may be remembered, shown or logged. A password given once can be kept in the
system keyring (service :data:`KEYRING_SERVICE`, key ``user@host:port/database``) and is
put back into the URL in memory only, when connecting (:func:`with_saved_password`). A URL
without a password also connects with what libpq finds by itself: ``~/.pgpass`` or
``PGPASSFILE``, ``PGPASSWORD``, or a service file (``?service=name``), as PostgreSQL
users expect.
"""

from __future__ import annotations

import logging

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from app.core.errors import NotebookError

log = logging.getLogger(__name__)

KEYRING_SERVICE = "dossier"
DRIVER = "postgresql+psycopg"
DEFAULT_PORT = 5432
SCHEMES = ("postgresql", "postgres")


def is_server_url(location: str) -> bool:
    """True for a PostgreSQL URL (``postgresql://``, ``postgres://``, ``postgresql+…``)."""
    scheme = location.split("://", 1)[0].lower() if "://" in location else ""
    return scheme.split("+", 1)[0] in SCHEMES


def _parse(location: str) -> URL:
    try:
        return make_url(location)
    except (ArgumentError, ValueError) as exc:  # ValueError: a port that is not a number
        raise NotebookError(f"not a database URL: {without_password(location)!r} "
                            f"({str(exc).splitlines()[0]})") from None


def normalise_url(location: str) -> str:
    """A URL SQLAlchemy opens with psycopg 3: ``postgresql://`` and ``postgres://`` (whose
    default driver, psycopg2, is not installed) become ``postgresql+psycopg://``; other
    URLs are returned unchanged."""
    if not is_server_url(location):
        return location
    scheme, rest = location.split("://", 1)
    if "+" not in scheme:
        scheme = DRIVER
    return f"{scheme}://{rest}"


def without_password(location: str) -> str:
    """``location`` without its password: the only form Dossier remembers, shows or logs.
    Folders and URLs without a password are returned unchanged."""
    if "://" not in location:
        return location
    try:
        url = make_url(location)
    except (ArgumentError, ValueError):  # not a URL we know: cut between ':' and '@'
        head, _, tail = location.partition("://")
        if "@" in tail:
            user, _, host = tail.rpartition("@")
            return f"{head}://{user.split(':', 1)[0]}@{host}"
        return location
    if url.password is None:
        return location
    # URL.set(password=None) keeps the password (None there means "unchanged")
    return url._replace(password=None).render_as_string(hide_password=False)


def keyring_key(location: str) -> str:
    """The keyring entry of a URL's user on its server's database:
    ``user@host:port/database``."""
    url = _parse(normalise_url(location))
    return (f"{url.username or ''}@{url.host or 'localhost'}:{url.port or DEFAULT_PORT}/"
            f"{url.database or ''}")


def save_password(location: str) -> bool:
    """Keep the password of ``location`` in the system keyring. False (with a log line
    naming why) when the URL has none or no keyring can store it."""
    url = _parse(normalise_url(location))
    if not url.password:
        return False
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(KEYRING_SERVICE, keyring_key(location), str(url.password))
    except (KeyringError, RuntimeError) as exc:
        log.warning("the password for %s was not saved: the system keyring refused (%s)",
                    keyring_key(location), exc)
        return False
    return True


def saved_password(location: str) -> str | None:
    """The password the keyring holds for ``location``'s user and database, or None."""
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(KEYRING_SERVICE, keyring_key(location))
    except (KeyringError, RuntimeError) as exc:
        log.info("no password from the system keyring: %s", exc)
        return None


def with_saved_password(location: str) -> str:
    """A server URL without a password gets the keyring's, if it holds one (in memory
    only); anything else is returned unchanged (libpq may still find one itself)."""
    if not is_server_url(location):
        return location
    url = _parse(normalise_url(location))
    if url.password is not None or not url.username:
        return normalise_url(location)
    password = saved_password(location)
    if not password:
        return normalise_url(location)
    return url.set(password=password).render_as_string(hide_password=False)


def user_tables(engine: Engine) -> list[str]:
    """Tables in the database's schemas that the user can see (not the system ones)."""
    inspector = inspect(engine)
    schemas = [s for s in inspector.get_schema_names()
               if s != "information_schema" and not s.startswith("pg_")]
    return sorted(f"{s}.{t}" if s != "public" else t
                  for s in schemas for t in inspector.get_table_names(schema=s))


def database_name(location: str) -> str:
    """The database a URL names (its name for a server notebook), or the URL without its
    password when it names none."""
    try:
        url = make_url(location)
    except (ArgumentError, ValueError):
        return without_password(location)
    if url.get_backend_name() == "sqlite" and url.database:
        return url.database.replace("\\", "/").rsplit("/", 1)[-1]  # the file's name
    return url.database or without_password(location)


def publish_target_problem(engine: Engine) -> str:
    """Why the database behind ``engine`` cannot receive a published notebook ("" when it
    can): it must be empty, or hold an empty Dossier notebook (a publish that failed after
    creating the schema, or a notebook opened but never filled). Only names and row counts
    of Dossier's own tables are read; nothing is written."""
    from sqlalchemy import func, select

    from app.store import dump, schema

    tables = user_tables(engine)
    known = set(schema.Base.metadata.tables) | {"alembic_version"}
    foreign = [t for t in tables if t not in known]
    if foreign:
        more = ", …" if len(foreign) > 5 else ""
        return (f"it holds {len(foreign)} tables Dossier did not make "
                f"({', '.join(foreign[:5])}{more})")
    if tables and "alembic_version" not in tables:
        return f"it holds tables ({', '.join(tables[:5])}) but no Dossier schema stamp"
    data = [s.name for s in dump.table_specs() if s.name in tables]
    with engine.connect() as conn:
        filled = {name: int(conn.scalar(select(func.count()).select_from(
            schema.Base.metadata.tables[name])) or 0) for name in data}
    held = [f"{n:,} {name} rows" for name, n in sorted(filled.items()) if n]
    if held:
        return f"it already holds a notebook ({', '.join(held[:3])})"
    return ""
