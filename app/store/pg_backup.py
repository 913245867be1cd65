"""A ``pg_dump`` backup of a shared notebook, made before its schema is upgraded.

The dump is PostgreSQL's custom format (``pg_restore`` reads it, into a fresh database).
Connection parameters come from a live connection of the notebook's own engine, so the
backup reaches the same server as the same user however the password was found (URL,
keyring, ``.pgpass``); the password goes to ``pg_dump`` in its environment, never on its
command line (which other users of the machine can read) and never into a file.
The backup appears under its final name only when ``pg_dump`` succeeded.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from psycopg.conninfo import make_conninfo
from sqlalchemy import Engine

from app.core.errors import MigrationError

log = logging.getLogger(__name__)

INSTALL_HINT = ("install the PostgreSQL client tools "
                "(Debian/Ubuntu: apt-get install postgresql-client)")

PASSED_ON = frozenset({"host", "hostaddr", "port", "dbname", "user", "passfile", "service",
                       "options", "connect_timeout", "sslmode", "sslrootcert", "sslcert",
                       "sslkey", "sslcrl", "gssencmode", "krbsrvname", "target_session_attrs"})
"""Connection parameters handed to pg_dump: those every libpq since 12 knows (psycopg's
own libpq may be newer and report options an older pg_dump refuses, e.g. sslcertmode)."""


def pg_dump_path() -> str | None:
    """The ``pg_dump`` program on PATH, or None."""
    return shutil.which("pg_dump")


def dump(engine: Engine, folder: Path, label: str) -> Path:
    """Write a ``pg_dump`` of the engine's database into ``folder``; returns its path.

    Raises:
        MigrationError: pg_dump is missing, or it failed (its message; nothing is left
            behind, nothing in the database was changed).
    """
    program = pg_dump_path()
    if program is None:
        raise MigrationError(f"pg_dump was not found, so no backup can be made: {INSTALL_HINT}; "
                             "the notebook was not upgraded")
    params, password = _connection_params(engine)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise MigrationError(f"cannot create the backup folder {folder}: {exc}") from exc
    target = folder / _file_name(str(params.get("dbname", "notebook")), label)
    part = target.with_name(target.name + ".part")
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = password
    args = [program, "--format=custom", "--no-password", f"--file={part}",
            f"--dbname={make_conninfo(**params)}"]
    try:
        result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise MigrationError(f"pg_dump could not run: {exc}; "
                             "the notebook was not upgraded") from exc
    if result.returncode != 0 or not part.is_file() or part.stat().st_size == 0:
        part.unlink(missing_ok=True)
        why = (result.stderr.strip().splitlines() or [f"exit code {result.returncode}"])[0]
        raise MigrationError(f"pg_dump failed: {why}; the notebook was not upgraded")
    while target.exists():  # same second: never overwrite an earlier backup
        target = target.with_name(target.stem + "-1" + target.suffix)
    part.replace(target)
    log.info("backed up the notebook with pg_dump to %s", target)
    return target


def _connection_params(engine: Engine) -> tuple[dict[str, Any], str]:
    """libpq parameters (without the password) and the password of a live connection."""
    with engine.connect() as conn:
        info = conn.connection.driver_connection.info  # type: ignore[union-attr]  # psycopg
        params = {k: v for k, v in info.get_parameters().items() if k in PASSED_ON}
        params.setdefault("dbname", info.dbname)
        params.setdefault("user", info.user)
        if info.host:
            params.setdefault("host", info.host)
        if info.port:
            params.setdefault("port", str(info.port))
        return params, str(info.password or "")


def _file_name(database: str, label: str) -> str:
    """``<db>-schema<rev>-<stamp>.dump``, with only safe characters from the name."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    safe = re.sub(r"[^\w.-]+", "_", database).strip("._") or "notebook"
    return f"{safe}-schema{label}-{stamp}.dump"
