"""``team`` and ``upgrade`` on the command line: roles need a server, passwords come
from stdin or the terminal and are never printed, owners only."""

from __future__ import annotations

import io

import pytest

from app.cli.main import main
from app.core.access import Role
from app.store.engine import HEAD_REVISION
from tests.team.roles_support import (  # noqa: F401  (fixtures)
    PASSWORD,
    empty_team_db_fixture,
    open_as,
    revision_of,
    set_up_team,
    stamp_revision,
    team_db_fixture,
)


def test_team_on_sqlite_says_roles_need_postgresql(tmp_path, capsys):
    """A SQLite notebook has no team: a clear one-line refusal, usage exit code."""
    code = main(["--notebook", str(tmp_path / "nb"), "team", "list"])
    assert code == 2
    assert "roles need a notebook on a PostgreSQL server" in capsys.readouterr().err


@pytest.mark.postgres
def test_team_add_reads_the_password_from_stdin_and_never_prints_it(
        team_db, tmp_path, capsys, monkeypatch):
    """``--password-stdin`` creates the user, which can then log in; the password
    appears in no output."""
    user = team_db.user("anna")
    secret = "Pa55 'with' quotes; and spaces"
    monkeypatch.setattr("sys.stdin", io.StringIO(secret + "\n"))
    code = main(["--notebook", team_db.url, "--index-dir", str(tmp_path / "i"),
                 "team", "add", user, "--role", "reader", "--password-stdin"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert f"added {user} as a reader" in out
    assert secret not in out + err
    with team_db.connect(user, password=secret) as conn:
        assert conn.execute("SELECT count(*) FROM tag").fetchone() == (0,)
    assert main(["--notebook", team_db.url, "--index-dir", str(tmp_path / "i"),
                 "team", "list"]) == 0
    assert f"reader   {user}" in capsys.readouterr().out


@pytest.mark.postgres
def test_team_add_by_an_editor_is_refused(team_db, tmp_path, capsys):
    """An editor cannot change the team: exit code 3 and the reason."""
    editor = team_db.user("editor")
    with open_as(team_db, tmp_path) as nb:
        nb.team.add(editor, Role.EDITOR, PASSWORD)
    code = main(["--notebook", team_db.url_as(editor), "--index-dir", str(tmp_path / "i"),
                 "team", "remove", editor])
    assert code == 3
    assert f"only an owner can change the team; {editor} is an editor" in capsys.readouterr().err


@pytest.mark.postgres
def test_upgrade_command_names_its_backup(empty_team_db, tmp_path, capsys):
    """``upgrade`` by the owner says where the pg_dump backup went and what it did."""
    stamp_revision(empty_team_db, "0008")
    set_up_team(empty_team_db, {})
    code = main(["--notebook", empty_team_db.url, "upgrade",
                 "--backup-dir", str(tmp_path / "b")])
    out = capsys.readouterr().out
    assert code == 0
    backups = list((tmp_path / "b").iterdir())
    assert len(backups) == 1 and f"backed up to {backups[0]}" in out
    assert f"from schema 0008 to {HEAD_REVISION}" in out
    assert revision_of(empty_team_db) == HEAD_REVISION


def test_upgrade_of_a_missing_local_notebook_creates_nothing(tmp_path, capsys):
    """``upgrade`` on a folder without a notebook says so and makes no notebook there."""
    code = main(["--notebook", str(tmp_path / "none"), "upgrade"])
    assert code == 3
    assert "there is no notebook at" in capsys.readouterr().err
    assert not (tmp_path / "none").exists()


def test_upgrade_of_a_current_local_notebook_says_it_is_up_to_date(tmp_path, capsys):
    """A SQLite notebook at the code's schema: nothing to do, and it says so."""
    main(["--notebook", str(tmp_path / "nb"), "list"])
    capsys.readouterr()
    assert main(["--notebook", str(tmp_path / "nb"), "upgrade"]) == 0
    assert f"up to date (schema {HEAD_REVISION})" in capsys.readouterr().out
