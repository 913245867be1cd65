"""The PostgreSQL test fixtures themselves: test databases left on the server by killed
runs are dropped at the next session start and nothing else is (tests/pg.py
``drop_stale``); the ``postgres`` variant refuses a notebook folder that is a formatted
None path (tests/pg_backend.py)."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from sqlalchemy import create_engine, text

from tests import pg, pg_backend


def _dead_pid() -> int:
    """The pid of a process that has just ended."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return int(done.stdout)


def _exists(admin: str, name: str) -> bool:
    engine = create_engine(admin)
    try:
        with engine.connect() as conn:
            return bool(conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                     {"n": name}).scalar())
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_drop_stale_drops_only_old_unused_databases_of_ended_runs() -> None:
    """An hour-old database of an ended process goes; a young one, one of a running
    process, one with a client connected, and one of another name all stay."""
    admin = pg.require_admin_url()
    hours_ago, dead = time.time() - 2 * 3600, _dead_pid()
    names = {
        "stale": pg.new_name(now=hours_ago, pid=dead),
        "young": pg.new_name(pid=dead),
        "running": pg.new_name(now=hours_ago),
        "in use": pg.new_name(now=hours_ago, pid=dead),
        "other name": pg.PREFIX + "kept_" + pg.new_name(now=hours_ago, pid=dead)[-8:],
    }
    urls = {key: pg.create_database(admin, name=name) for key, name in names.items()}
    client = create_engine(urls["in use"])
    try:
        with client.connect():
            dropped = pg.drop_stale(admin)
        assert names["stale"] in dropped and not _exists(admin, names["stale"])
        for key in ("young", "running", "in use", "other name"):
            assert names[key] not in dropped and _exists(admin, names[key]), key
    finally:
        client.dispose()
        for key, url in urls.items():
            if key != "stale":
                pg.drop_database(admin, url)


@pytest.mark.parametrize("folder", ["None", "None/sub/.."])
def test_postgres_variant_refuses_a_folder_named_none(folder: str) -> None:
    """``str(nb.path)`` of a PostgreSQL notebook is "None": opening it as a folder would
    leave ``None/index`` in the working tree, so the redirection refuses it first."""
    from app.services import Notebook

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("opened")

    redirect = pg_backend._Redirect(pool=None, original=never)  # type: ignore[arg-type]
    with pytest.raises(AssertionError, match="formatted while it was None"):
        redirect.open(Notebook, folder)
    assert not (pg_backend.ROOT / "None").exists()
