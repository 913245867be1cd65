"""Shared fixtures. Qt runs offscreen; every test gets real files in tmp_path."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import pg, pg_backend
from tests.pg import pg_notebook, pg_url  # noqa: F401  (fixtures, registered here)
from tests.pg_backend import (  # noqa: F401
    _demo_templates,
    _pg_pool,
    _sqlite_template,
    notebook_backend,
)

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only: about the SQLite notebook file itself; not run again on "
        "PostgreSQL by the notebook_backend parameter")


def pytest_sessionstart(session: pytest.Session) -> None:
    """Drop the test databases killed runs left on the PostgreSQL server (only ours, only
    stale ones: tests/pg.py ``drop_stale``); once, in the controlling process."""
    admin = pg.admin_url()
    if admin and not os.environ.get("PYTEST_XDIST_WORKER") and not pg.server_problem(admin):
        pg.drop_stale(admin)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests of the notebook suites run on SQLite and on PostgreSQL (tests/pg_backend.py)."""
    pg_backend.parametrize_backends(metafunc, Path(__file__).parent)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests using a PostgreSQL fixture carry the ``postgres`` marker."""
    pg.mark_postgres_users(items)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A ``postgres`` test skips without a server (fails under CI=true)."""
    pg.check_marked_tests(item)


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the user's real data/config/cache directories out of every test."""
    home = tmp_path_factory.mktemp("home")
    for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                     ("XDG_CACHE_HOME", "cache"), ("XDG_STATE_HOME", "state")):
        monkeypatch.setenv(var, str(home / sub))


@pytest.fixture
def notebook(tmp_path: Path) -> Iterator[object]:
    """An empty real notebook (SQLite file + Whoosh index) in tmp_path."""
    from app.services import Notebook

    nb = Notebook.open(tmp_path / "nb")
    yield nb
    nb.close()


@pytest.fixture
def demo_notebook(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[object]:
    """The demo notebook (five seed articles, tags, highlights), indexed: a copy of the
    one this test process seeded (tests of seeding itself call ``Notebook.open_demo``)."""
    from app.services import Notebook

    # notebook_backend (autouse) is set up first: under postgres the copy is a database
    pg_backend.copy_demo(request.getfixturevalue("_demo_templates"), tmp_path / "demo")
    nb = Notebook.open(tmp_path / "demo")
    nb.search.flush()
    yield nb
    nb.close()
