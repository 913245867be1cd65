"""Schema safety of a shared notebook: a client older than the notebook's schema opens it
read-only and names the Dossier to install; an older notebook is upgraded only by an
owner, after a pg_dump backup that restores."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from app.core.access import Role
from app.core.errors import AccessDenied, MigrationError, ReadOnlyError
from app.services import upgrade_notebook
from app.store.engine import HEAD_REVISION
from tests.team.roles_support import (  # noqa: F401  (fixtures)
    TeamDb,
    empty_team_db_fixture,
    open_as,
    revision_of,
    set_up_team,
    stamp_revision,
    team_db_fixture,
)

pytestmark = pytest.mark.postgres
OLD = "0008"


def _fake_newer_schema(db: TeamDb, written_by: str | None) -> None:
    with db.connect() as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
        if written_by:
            conn.execute(f"COMMENT ON TABLE alembic_version IS '{written_by} wrote schema 0099'")


def test_newer_schema_opens_read_only_naming_the_version(team_db, tmp_path):
    """A revision unknown to the code: read-only, one line naming the Dossier to install,
    and nothing is written."""
    with open_as(team_db, tmp_path) as nb:
        nb.tags.create("Politik")
    _fake_newer_schema(team_db, "Dossier 9.9")
    with open_as(team_db, tmp_path) as nb:
        assert not nb.access.can_write
        assert nb.access.read_only_reason == (
            "read-only: this notebook was upgraded by Dossier 9.9 (schema 0099); "
            "install Dossier 9.9 or newer to edit it")
        assert [t.name for t in nb.tags.list()] == ["Politik"]
        with pytest.raises(ReadOnlyError, match=r"Dossier 9\.9"):
            nb.tags.create("Wirtschaft")
    assert revision_of(team_db) == "0099"
    with team_db.connect() as conn:
        assert conn.execute("SELECT name FROM tag").fetchall() == [("Politik",)]


def test_newer_schema_without_a_record_asks_for_a_newer_dossier(team_db, tmp_path):
    """Without a record of who upgraded it, the line still names both schemas."""
    _fake_newer_schema(team_db, None)
    with open_as(team_db, tmp_path) as nb:
        assert "schema 0099" in nb.access.read_only_reason
        assert f"schema {HEAD_REVISION}" in nb.access.read_only_reason
        assert "install a newer Dossier" in nb.access.read_only_reason


def test_older_shared_notebook_is_not_migrated_on_open(empty_team_db, tmp_path):
    """Opening an older shared notebook migrates nothing: an editor is told to ask an
    owner, an owner is told the command."""
    db = empty_team_db
    stamp_revision(db, OLD)
    editor = db.user("editor")
    set_up_team(db, {editor: Role.EDITOR})
    with pytest.raises(MigrationError, match="ask an owner to upgrade it"):
        open_as(db, tmp_path, editor)
    with pytest.raises(MigrationError, match="you are an owner: upgrade it with"):
        open_as(db, tmp_path)
    assert revision_of(db) == OLD


def _old_notebook_with_a_tag(db: TeamDb, members: dict[str, Role]) -> None:
    stamp_revision(db, OLD)
    with db.connect() as conn:
        conn.execute("INSERT INTO tag (name, colour, description) VALUES ('Alt', '', '')")
    set_up_team(db, members)


@pytest.mark.slow
def test_owner_upgrade_makes_a_pg_dump_that_restores_then_migrates(
        empty_team_db, tmp_path):
    """The owner's upgrade names a pg_dump file; restored into a fresh database it holds
    the old schema and data; the notebook is then at the code's schema and its editor
    can edit (new tables got the team's grants)."""
    db = empty_team_db
    editor = db.user("editor")
    _old_notebook_with_a_tag(db, {editor: Role.EDITOR})
    result = upgrade_notebook(db.url, tmp_path / "backups")
    assert (result.before, result.after) == (OLD, HEAD_REVISION)
    assert result.backup is not None and result.backup.parent == tmp_path / "backups"
    assert result.backup.name.endswith(".dump") and result.backup.stat().st_size > 0
    assert revision_of(db) == HEAD_REVISION
    copy = TeamDb(db.admin, empty=True)
    try:
        subprocess.run(["pg_restore", "--no-owner", "--no-acl", "--exit-on-error",
                        f"--dbname={copy.url.replace('+psycopg', '')}", str(result.backup)],
                       check=True, capture_output=True)
        assert revision_of(copy) == OLD
        with copy.connect() as conn:
            assert conn.execute("SELECT name FROM tag").fetchall() == [("Alt",)]
    finally:
        copy.drop()
    with open_as(db, tmp_path, editor) as nb:
        assert nb.access.role is Role.EDITOR and nb.access.can_write
        nb.tags.create("Neu")
        assert sorted(t.name for t in nb.tags.list()) == ["Alt", "Neu"]


def test_upgrade_by_an_editor_is_refused(empty_team_db, tmp_path):
    """Only an owner upgrades: an editor gets AccessDenied; no backup, no migration."""
    db = empty_team_db
    editor = db.user("editor")
    _old_notebook_with_a_tag(db, {editor: Role.EDITOR})
    with pytest.raises(AccessDenied, match="only an owner"):
        upgrade_notebook(db.url_as(editor), tmp_path / "backups")
    assert revision_of(db) == OLD
    assert not (tmp_path / "backups").exists()


def test_upgrade_is_refused_without_pg_dump(empty_team_db, tmp_path, monkeypatch):
    """No pg_dump on PATH: no backup possible, so no upgrade, and a line saying what to
    install."""
    db = empty_team_db
    _old_notebook_with_a_tag(db, {})
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(MigrationError, match=r"pg_dump was not found.*postgresql-client"):
        upgrade_notebook(db.url, tmp_path / "backups")
    assert revision_of(db) == OLD


def test_upgrade_is_refused_when_pg_dump_fails(empty_team_db, tmp_path, monkeypatch):
    """A pg_dump that fails leaves no file and no migration; its message is shown."""
    db = empty_team_db
    _old_notebook_with_a_tag(db, {})
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "pg_dump"
    fake.write_text("#!/bin/sh\necho 'pg_dump: error: disk full' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    with pytest.raises(MigrationError, match="pg_dump failed: pg_dump: error: disk full"):
        upgrade_notebook(db.url, tmp_path / "backups")
    assert revision_of(db) == OLD
    assert list((tmp_path / "backups").iterdir()) == []


def test_upgrade_of_a_current_notebook_does_nothing(team_db, tmp_path):
    """Already at the code's schema: no backup, nothing done."""
    result = upgrade_notebook(team_db.url, tmp_path / "backups")
    assert result.backup is None and result.before == result.after == HEAD_REVISION


def test_pg_tools_are_installed():
    """The upgrade tests rely on the real PostgreSQL client tools."""
    assert shutil.which("pg_dump") and shutil.which("pg_restore")


def test_upgrade_of_an_empty_database_creates_the_notebook(empty_team_db, tmp_path):
    """A new database has nothing to back up: upgrade simply creates the schema, notes
    which Dossier wrote it, and adds no row (the new notebook stays empty)."""
    import app

    result = upgrade_notebook(empty_team_db.url, tmp_path / "backups")
    assert (result.before, result.after, result.backup) == (None, HEAD_REVISION, None)
    assert revision_of(empty_team_db) == HEAD_REVISION
    with empty_team_db.connect() as conn:
        assert conn.execute("SELECT count(*) FROM notebook_meta").fetchone() == (0,)
        assert conn.execute("SELECT obj_description('alembic_version'::regclass)").fetchone() \
            == (f"Dossier {app.__version__} wrote schema {HEAD_REVISION}",)
