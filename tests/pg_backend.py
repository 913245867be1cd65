"""Run the existing notebook tests on PostgreSQL too: a ``notebook_backend`` parameter
(sqlite, postgres) for the suites that build notebooks from folders.

Under ``postgres``, ``Notebook.open(folder)`` opens a migrated PostgreSQL database for that
folder instead of ``folder/notebook.db`` (the Whoosh index stays in ``folder/index``);
opening the same folder again in the test gives the same database. A folder that already
holds a SQLite notebook (made by a session-scoped fixture before the parameter applies)
stays SQLite. Tests about the SQLite file itself carry ``@pytest.mark.sqlite_only``.

Migrating a database takes a second or two, so each test process migrates one template
once and keeps a pool of copies: a database handed back after a test is emptied (every
table deleted, sequences restarted) and refilled with the rows the migrations wrote, with
a new notebook uuid, which takes ~0.1 s instead of ~0.5 s for a fresh copy and its drop.
A database whose schema a test changed is dropped instead of reused.

The demo notebook (``demo_notebook`` fixture) is seeded once per test process and backend
(:class:`DemoTemplates`; seeding took 6-17 s per test on a loaded machine): a test gets a
copy of the folder (SQLite) or ``CREATE DATABASE ... TEMPLATE`` of the seeded database
plus a copy of its index folder (PostgreSQL), each well under a second.

A CLI test passes :func:`location` (not ``str(nb.path)``, which is "None" on PostgreSQL and
would leave a ``None/`` folder in the working tree; such a folder is refused).
"""

from __future__ import annotations

import inspect
import shutil
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import pg

ROOT = Path(__file__).resolve().parents[1]

BACKEND_DIRS = ("services", "actors", "notes", "cli", "gui", "search", "ingest", "core", "qdpx")
"""Test folders (under tests/) whose tests that open a notebook run once per backend.
Not tests/team: its tests choose their backends themselves (``either``, ``two``: SQLite
and PostgreSQL) or are about PostgreSQL only (roles, credentials), and the rest are about
SQLite on purpose (test_changelog_sqlite.py; test_publish.py publishes a folder notebook
to a server)."""


FILE = "reads or damages the SQLite file (notebook.db) itself"
PROCESS = "a second process opens the folder, which is SQLite outside this process"
SQLITE_ONLY: dict[str, str] = {
    "services/test_storage.py": FILE + "; file locks, backups and upgrades of the file",
    "services/test_processes.py": PROCESS,
    "services/test_search_documents.py": FILE + " (reads change_log with sqlite3)",
    "services/test_revisions.py::test_edit_undo_restores_text_and_every_position": FILE,
    "services/test_revisions.py::test_edit_search_index_follows_new_text": FILE,
    "services/test_revisions.py::test_edit_undo_restores_database_random_edits": FILE,
    "services/test_search_service.py::test_note_and_article_with_the_same_id_are_separate_"
    "documents": FILE,
    "services/test_search_service.py::test_upgrade_carries_queued_articles_and_notes_into_"
    "the_one_outbox": FILE + " (builds an old schema)",
    "services/test_undo_conflicts.py::test_redo_refuses_insert_when_key_taken":
        "relies on SQLite handing out the highest free id again (a PostgreSQL sequence "
        "never does, so the redo cannot collide there)",
    "services/test_undo_conflicts.py::test_undo_delete_reattaches_note_links": FILE,
    "services/test_undo_conflicts.py::test_undo_after_links_refreshed_by_a_read_restores_"
    "them": FILE,
    "services/test_undo_conflicts.py::test_undo_takes_back_links_a_read_re_resolved_after_"
    "the_step": FILE,
    "services/test_annotations.py::test_deletions_are_undone_and_redone_exactly": FILE,
    "services/test_undo_state_machine.py": FILE,
    "services/test_import_hostile.py": FILE,
    "actors/test_agreement_dates.py::test_bad_date_stored_by_an_older_version_does_not_"
    "break_lists": FILE + " (writes a bad date behind the app's back)",
    "notes/test_note_durability.py::test_autosaved_text_survives_sigkill": PROCESS,
    "gui/test_main_window.py::test_recent_notebooks_updated_when_other_notebook_opened":
        "expects the folders (str(nb.path)) in the recent list; a PostgreSQL notebook is "
        "listed by its URL, rightly",
    "cli/test_notebook_transfer.py::test_round_trip_reproduces_every_table_and_file_when_"
    "imported_into_new": FILE + " (compares two notebook.db files; on PostgreSQL "
    "tests/team/test_publish.py compares every table)",
}
"""Tests that stay SQLite-only, by file or file::test, with the reason (kept here rather
than as markers in files other helpers are editing). ``@pytest.mark.sqlite_only`` works
too."""


class _Snapshot:
    """A migrated database's schema fingerprint and the rows its migrations wrote."""

    def __init__(self, conn: Any) -> None:
        from sqlalchemy import MetaData, select, text

        self.revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        meta = MetaData()
        meta.reflect(conn)
        self.tables = [t for t in meta.sorted_tables if t.name != "alembic_version"]
        self.rows = {t.name: [dict(r._mapping) for r in conn.execute(select(t))]
                     for t in self.tables}
        self.sequences = [str(s) for s in conn.execute(text(
            "SELECT sequence_name FROM information_schema.sequences "
            "WHERE sequence_schema = 'public'")).scalars()]

    def matches(self, conn: Any) -> bool:
        from sqlalchemy import inspect, text

        names = set(inspect(conn).get_table_names())
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return revision == self.revision and names == {t.name for t in self.tables} | {
            "alembic_version"}

    def restore(self, conn: Any) -> None:
        """Empty every table and write back the migrations' rows (new notebook uuid)."""
        from sqlalchemy import func, insert, select, text

        for _ in range(3):  # a delete trigger may log into a table already emptied
            for table in reversed(self.tables):
                conn.execute(table.delete())
            if not any(conn.execute(select(func.count()).select_from(t)).scalar()
                       for t in self.tables):
                break
        for name in self.sequences:
            conn.execute(text(f'ALTER SEQUENCE "{name}" RESTART'))
        for table in self.tables:
            rows = [{k: (str(uuid.uuid4()) if k == "notebook_uuid" else v)
                     for k, v in row.items()} for row in self.rows[table.name]]
            if not rows:
                continue
            conn.execute(insert(table), rows)
            if "id" in table.c:
                conn.execute(select(func.setval(func.pg_get_serial_sequence(table.name, "id"),
                                                select(func.max(table.c.id)).scalar_subquery())))


class Pool:
    """Migrated databases of one test process: handed out per folder, reset after use."""

    def __init__(self, admin: str, scratch: Path) -> None:
        self.admin = admin
        self._scratch = scratch
        self._template: str | None = None
        self._snapshot: _Snapshot | None = None
        self._free: list[str] = []
        self._all: list[str] = []

    def _prepare(self) -> None:
        from sqlalchemy import create_engine

        from app.services import Notebook

        url = pg.create_database(self.admin)
        self._template = url
        Notebook.open(url, index_dir=self._scratch / "template-index").close()
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                self._snapshot = _Snapshot(conn)
        finally:
            engine.dispose()

    def take(self) -> str:
        """The URL of a migrated database holding only what the migrations wrote."""
        if self._template is None:
            self._prepare()
        if self._free:
            return self._free.pop()
        assert self._template is not None
        name = self._template.rsplit("/", 1)[-1]
        url = pg.create_database(self.admin, template=name)
        self._fresh_uuid(url)
        self._all.append(url)
        return url

    def copy_of(self, template: str) -> str:
        """A new database copied from ``template`` (no connections to it allowed), given
        back after the test like any other (dropped at the end of the session)."""
        url = pg.create_database(self.admin, template=template.rsplit("/", 1)[-1])
        self._all.append(url)
        return url

    def _fresh_uuid(self, url: str) -> None:
        from sqlalchemy import create_engine

        engine = create_engine(url)
        try:
            with engine.begin() as conn:
                assert self._snapshot is not None
                self._snapshot.restore(conn)
        finally:
            engine.dispose()

    def give_back(self, url: str) -> None:
        """Reset ``url`` for the next test, or drop it when a test changed its schema."""
        from sqlalchemy import create_engine, text

        pg.end_connections(self.admin, url)
        engine = create_engine(url)
        try:
            with engine.begin() as conn:
                assert self._snapshot is not None
                if not self._snapshot.matches(conn):
                    raise LookupError("schema changed")
                conn.execute(text("SET LOCAL lock_timeout = '5s'"))
                self._snapshot.restore(conn)
        except Exception:  # any reason it cannot be reused: drop it, a new copy follows
            engine.dispose()
            self._all.remove(url)
            pg.drop_database(self.admin, url)
            return
        engine.dispose()
        self._free.append(url)

    def close(self) -> None:
        for url in self._all + ([self._template] if self._template else []):
            pg.drop_database(self.admin, url)
        self._all.clear()
        self._free.clear()


@pytest.fixture(scope="session")
def _pg_pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pool]:
    pool = Pool(pg.require_admin_url(), tmp_path_factory.mktemp("pg-pool"))
    try:
        yield pool
    finally:
        pool.close()


class _Redirect:
    """The folders one ``postgres`` test opened, each on its pooled database."""

    def __init__(self, pool: Pool, original: Any) -> None:
        self.pool = pool
        self.original = original
        self.by_folder: dict[Path, str] = {}

    def open(self, cls: Any, location: Any, *, index_dir: Any = None, **kwargs: Any) -> Any:
        text = str(location)
        folder = Path(location).expanduser().resolve() if "://" not in text else None
        if folder is None or folder.is_file() or (folder / "notebook.db").exists():
            return self.original(cls, location, index_dir=index_dir, **kwargs)
        _refuse_stray(folder)
        folder.mkdir(parents=True, exist_ok=True)
        if folder not in self.by_folder:
            self.by_folder[folder] = self.pool.take()
        return self.original(cls, self.by_folder[folder],
                             index_dir=index_dir or folder / "index", **kwargs)

    def folder_of(self, nb: Any) -> Path | None:
        """The folder a notebook of this test was opened from (its database's URL)."""
        from app.store.server import without_password

        for folder, url in self.by_folder.items():
            if without_password(url) == nb.url:
                return folder
        return None


_active: _Redirect | None = None
"""The redirection of the running ``postgres`` test (None under sqlite)."""


def _refuse_stray(folder: Path) -> None:
    """A test's notebook folder named ``None``, or inside the project, is a bug (a
    ``str(nb.path)`` of a PostgreSQL notebook, whose path is None): it would leave a
    folder in the working tree."""
    if folder.name == "None" or folder.is_relative_to(ROOT):
        raise AssertionError(
            f"a test opened the notebook folder {folder}: a notebook's path formatted while "
            "it was None? (use tests.pg_backend.location(nb) for a notebook's location)")


def location(nb: Any) -> str:
    """Where ``nb`` can be opened again (e.g. by the CLI): its folder; under ``postgres``
    the folder the test opened it from, which the CLI maps to the same database."""
    if nb.path is not None:
        return str(nb.path)
    folder = _active.folder_of(nb) if _active is not None else None
    if folder is None:
        raise AssertionError(f"{nb.url} was not opened from a folder of this test")
    return str(folder)


@pytest.fixture(autouse=True)
def notebook_backend(request: pytest.FixtureRequest,
                     monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """"sqlite" (default) or "postgres": under postgres, notebooks opened from folders
    live in pooled PostgreSQL databases (see the module docstring)."""
    global _active
    backend = getattr(request, "param", "sqlite")
    if backend != "postgres":
        from app.services import Notebook

        fresh = _FreshSqlite(request.getfixturevalue("_sqlite_template"),
                             Notebook.__dict__["open"].__func__)
        monkeypatch.setattr(Notebook, "open", classmethod(fresh.open))
        yield backend
        return
    pool: Pool = request.getfixturevalue("_pg_pool")
    from app.services import Notebook

    redirect = _Redirect(pool, Notebook.__dict__["open"].__func__)
    monkeypatch.setattr(Notebook, "open", classmethod(redirect.open))
    _active = redirect
    try:
        yield backend
    finally:
        _active = None
        monkeypatch.undo()
        for url in redirect.by_folder.values():
            pool.give_back(url)


class SqliteTemplate:
    """An empty notebook file migrated once per test process: running the migrations for
    every new notebook took ~0.3 s of each test that opens one."""

    def __init__(self, scratch: Path) -> None:
        self._scratch = scratch
        self._file: Path | None = None
        self._lock = threading.Lock()  # GUI tests open notebooks in worker threads too

    def file(self, original: Any) -> Path:
        with self._lock:
            if self._file is None:
                from app.services import Notebook

                folder = self._scratch / "empty"
                original(Notebook, folder, index_dir=self._scratch / "index").close()
                self._file = folder / "notebook.db"
            return self._file


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    return SqliteTemplate(tmp_path_factory.mktemp("sqlite-template"))


class _FreshSqlite:
    """``Notebook.open`` of a new folder starts from a copy of the migrated template (with a
    notebook uuid of its own); every other open, and every check the real open makes, is
    the real one."""

    def __init__(self, template: SqliteTemplate, original: Any) -> None:
        self.template = template
        self.original = original

    def open(self, cls: Any, location: Any, *, index_dir: Any = None,
             repair_index: bool = True, **kwargs: Any) -> Any:
        text = str(location)
        if "://" not in text and repair_index:
            folder = Path(location).expanduser().resolve()
            if not folder.exists() or (folder.is_dir() and not any(folder.iterdir())):
                self._copy_into(folder)
        return self.original(cls, location, index_dir=index_dir, repair_index=repair_index,
                             **kwargs)

    def _copy_into(self, folder: Path) -> None:
        import sqlite3

        source = self.template.file(self.original)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:  # the real open says why, as it would without the template
            return
        target = folder / "notebook.db"
        shutil.copyfile(source, target)
        with sqlite3.connect(target) as conn:
            conn.execute("UPDATE notebook_clock SET notebook_uuid = ?", (str(uuid.uuid4()),))
        conn.close()


def copy_demo(templates: DemoTemplates, folder: Path) -> None:
    """Make ``folder`` the demo notebook, copied from this process's seeded one: on
    SQLite the folder; under ``postgres`` a database made from the seeded template
    (``CREATE DATABASE ... TEMPLATE``) and the index folder."""
    if _active is None:
        shutil.copytree(templates.sqlite(), folder)
        return
    template, index = templates.postgres(_active.pool)
    shutil.copytree(index, folder / "index")
    _active.by_folder[folder.resolve()] = _active.pool.copy_of(template)


class DemoTemplates:
    """The demo notebook seeded once per test process and backend (seeding takes seconds;
    a copy a fraction of one)."""

    def __init__(self, scratch: Path) -> None:
        self._scratch = scratch
        self._sqlite: Path | None = None
        self._postgres: tuple[str, Path] | None = None

    def sqlite(self) -> Path:
        """The folder of a seeded, indexed, closed SQLite demo notebook."""
        if self._sqlite is None:
            from app.services import Notebook

            folder = self._scratch / "sqlite-demo"
            with Notebook.open_demo(folder) as nb:
                nb.search.flush()
            self._sqlite = folder
        return self._sqlite

    def postgres(self, pool: Pool) -> tuple[str, Path]:
        """A seeded demo database (a template: nobody connects to it) and its index."""
        if self._postgres is None:
            from app.services import Notebook
            from app.services.demo import seed_demo

            url, index = pool.take(), self._scratch / "postgres-demo-index"
            with Notebook.open(url, index_dir=index) as nb:
                seed_demo(nb)
                nb.search.flush()
            pg.end_connections(pool.admin, url)
            self._postgres = url, index
        return self._postgres


@pytest.fixture(scope="session")
def _demo_templates(tmp_path_factory: pytest.TempPathFactory) -> DemoTemplates:
    return DemoTemplates(tmp_path_factory.mktemp("demo-templates"))


def parametrize_backends(metafunc: pytest.Metafunc, tests_root: Path) -> None:
    """Give tests under :data:`BACKEND_DIRS` that open a notebook (:func:`opens_notebook`)
    both backends (not ``sqlite_only`` ones, not those on PostgreSQL already)."""
    try:
        where = Path(str(metafunc.definition.path)).relative_to(tests_root)
    except ValueError:
        return
    if where.parts[0] not in BACKEND_DIRS or "notebook_backend" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("sqlite_only") is not None:
        return
    if where.as_posix() in SQLITE_ONLY or (
            f"{where.as_posix()}::{metafunc.definition.originalname}" in SQLITE_ONLY):
        return
    if any(n.startswith("pg_") for n in metafunc.fixturenames) or not opens_notebook(metafunc):
        return
    metafunc.parametrize("notebook_backend", [
        pytest.param("sqlite"), pytest.param("postgres", marks=pytest.mark.postgres)],
        indirect=True)


OPENERS = ("Notebook", "main(", "notebook")
"""Words in a test's code that mean it opens a notebook: the class (``Notebook.open``,
``open_demo``), the CLI's ``main([...])`` (it opens ``--notebook``), a notebook fixture or
parameter (``notebook``, ``demo_notebook``)."""


def opens_notebook(metafunc: pytest.Metafunc) -> bool:
    """Does the test open a notebook for itself: its code, the module functions it calls,
    or a function-scoped fixture it uses names one of :data:`OPENERS`? A test whose
    notebooks all come from module- or session-scoped fixtures gets none from the
    ``postgres`` variant (those are made before the redirection), so it runs once."""
    code = [metafunc.function, *_helpers(metafunc.function)]
    for name in metafunc.fixturenames:
        for fixture in metafunc._arg2fixturedefs.get(name, ()):
            if fixture.scope == "function" and fixture.func.__module__ not in (
                    __name__, pg.__name__):
                code.extend([fixture.func, *_helpers(fixture.func)])
    return any(word in _source(f) for f in code for word in OPENERS)


def _helpers(func: Any) -> list[Any]:
    """The functions of ``func``'s own module that ``func`` calls by name."""
    module = inspect.getmodule(func)
    found = (getattr(module, name, None) for name in func.__code__.co_names)
    return [f for f in found if inspect.isfunction(f) and inspect.getmodule(f) is module
            and f is not func]


def _source(func: Any) -> str:
    try:
        return inspect.getsource(func)
    except (OSError, TypeError):  # no source (built-in, generated): cannot tell
        return ""
