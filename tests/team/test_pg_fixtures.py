"""The PostgreSQL fixtures themselves: fresh databases, dropped afterwards, and a missing
server is a skip locally but an error under CI=true."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests import pg

ROOT = Path(__file__).resolve().parents[2]

PROBE = '''
import pytest

@pytest.mark.postgres
def test_needs_server(pg_url):
    assert pg_url
'''


def _database_exists(name: str) -> bool:
    admin = pg.require_admin_url()
    engine = create_engine(admin)
    try:
        with engine.connect() as conn:
            return bool(conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                     {"n": name}).scalar())
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_pg_url_is_fresh_empty_database(pg_url: str) -> None:
    """pg_url names a new, empty database of its own."""
    name = make_url(pg_url).database or ""
    assert name.startswith(pg.PREFIX)
    engine = create_engine(pg_url)
    try:
        with engine.connect() as conn:
            tables = conn.execute(text(
                "SELECT count(*) FROM information_schema.tables "
                "WHERE table_schema = 'public'")).scalar()
    finally:
        engine.dispose()
    assert tables == 0


@pytest.mark.postgres
def test_drop_database_ends_open_connections() -> None:
    """A database left with an open connection is still dropped."""
    admin = pg.require_admin_url()
    url = pg.create_database(admin)
    engine = create_engine(url)
    conn = engine.connect()
    conn.execute(text("SELECT 1"))
    try:
        pg.drop_database(admin, url)
        assert not _database_exists(make_url(url).database or "")
    finally:
        conn.invalidate()
        engine.dispose()


def test_drop_database_refuses_other_names() -> None:
    """Only databases the fixtures made can be dropped."""
    with pytest.raises(ValueError, match="not a test database"):
        pg.drop_database("postgresql+psycopg://u:p@127.0.0.1:1/postgres",
                         "postgresql+psycopg://u:p@127.0.0.1:1/postgres")


@pytest.mark.postgres
def test_pg_notebook_imports_and_searches(pg_notebook: object, tmp_path: Path) -> None:
    """A notebook on PostgreSQL imports an article and finds it in its own index."""
    source = tmp_path / "a.txt"
    source.write_text("Gipfel in Astana\nTokajew sprach lange.\n", encoding="utf-8")
    report = pg_notebook.imports.import_paths([source])  # type: ignore[attr-defined]
    assert not report.failures
    pg_notebook.search.flush()  # type: ignore[attr-defined]
    hits = pg_notebook.search.search("Astana")  # type: ignore[attr-defined]
    assert [h.article_id for h in hits.hits] == [report.imported[0].id]


def _run_probe(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    probe = tmp_path / "test_probe.py"
    probe.write_text(PROBE, encoding="utf-8")
    (tmp_path / "conftest.py").write_text(
        "from tests.pg import pg_url  # noqa: F401\n", encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir",
         str(tmp_path), "-c", os.devnull, str(probe)],
        cwd=tmp_path, env={**env, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
        timeout=120)


def test_missing_server_skips_locally(tmp_path: Path) -> None:
    """Without DOSSIER_TEST_PG_URL a postgres test is skipped outside CI."""
    env = {k: v for k, v in os.environ.items() if k not in (pg.ENV, "CI")}
    done = _run_probe(tmp_path, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 skipped" in done.stdout


def test_missing_server_fails_under_ci(tmp_path: Path) -> None:
    """Under CI=true a missing DOSSIER_TEST_PG_URL is an error, not a skip."""
    env = {k: v for k, v in os.environ.items() if k != pg.ENV}
    done = _run_probe(tmp_path, {**env, "CI": "true"})
    assert done.returncode != 0
    assert "cannot run under CI=true" in done.stdout


def test_unreachable_server_fails_under_ci(tmp_path: Path) -> None:
    """Under CI=true an unreachable server is an error too."""
    env = {**os.environ, "CI": "true",
           pg.ENV: "postgresql+psycopg://nobody:x@127.0.0.1:1/postgres"}
    done = _run_probe(tmp_path, env)
    assert done.returncode != 0
    assert "unreachable" in done.stdout
    assert "nobody:x@" not in done.stdout  # the password stays out of the message
