"""Owners, editors and readers of a shared notebook: the app refuses what a role
forbids, and so does the database when the app is bypassed (raw SQL through psycopg)."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import errors as pg_errors

from app.core.access import Role
from app.core.errors import AccessDenied, ReadOnlyError, ValidationError
from tests.team.roles_support import (
    PASSWORD,
    TeamDb,
    open_as,
    team_db_fixture,  # noqa: F401  (fixture)
)

pytestmark = pytest.mark.postgres


def _shared_notebook(team_db: TeamDb, tmp_path, members: dict[str, Role]):
    """Create the notebook as the admin (its first owner), with one tag, and add
    ``members`` (created as login roles); returns the admin's open notebook."""
    nb = open_as(team_db, tmp_path)
    nb.tags.create("Politik")
    for user, role in members.items():
        nb.team.add(user, role, PASSWORD)
    return nb


def test_reader_cannot_write_through_the_app(team_db, tmp_path):
    """A reader's notebook says it is read-only and refuses edits with ReadOnlyError."""
    reader = team_db.user("reader")
    _shared_notebook(team_db, tmp_path, {reader: Role.READER}).close()
    with open_as(team_db, tmp_path, reader) as nb:
        assert nb.access.role is Role.READER
        assert not nb.access.can_write
        assert reader in nb.access.read_only_reason
        assert [t.name for t in nb.tags.list()] == ["Politik"]  # reading works
        tag = nb.tags.list()[0]
        with pytest.raises(ReadOnlyError, match="reader"):
            nb.tags.create("Wirtschaft")
        with pytest.raises(ReadOnlyError):
            nb.tags.rename(tag.id, "Umbenannt")
    with team_db.connect() as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM tag")]
    assert names == ["Politik"]


def test_reader_cannot_write_through_sql(team_db, tmp_path):
    """Bypassing the app, the database refuses a reader's INSERT, UPDATE and DELETE."""
    reader = team_db.user("reader")
    _shared_notebook(team_db, tmp_path, {reader: Role.READER}).close()
    with team_db.connect(reader) as conn:
        assert conn.execute("SELECT count(*) FROM tag").fetchone() == (1,)
        for statement in ("INSERT INTO tag (name, colour, description) VALUES ('x', '', '')",
                          "UPDATE tag SET name = 'x'", "DELETE FROM tag",
                          "DELETE FROM article", "TRUNCATE tag"):
            with pytest.raises(pg_errors.InsufficientPrivilege):
                conn.execute(statement)


def test_editor_can_edit_but_not_change_schema_or_grants(team_db, tmp_path):
    """An editor edits through the app; the database refuses its DDL, grants and
    changes to the schema revision and notebook settings."""
    editor, reader = team_db.user("editor"), team_db.user("reader")
    _shared_notebook(team_db, tmp_path, {editor: Role.EDITOR, reader: Role.READER}).close()
    with open_as(team_db, tmp_path, editor) as nb:
        assert nb.access.role is Role.EDITOR and nb.access.can_write
        nb.tags.create("Wirtschaft")
        assert sorted(t.name for t in nb.tags.list()) == ["Politik", "Wirtschaft"]
        with pytest.raises(AccessDenied, match="owner"):
            nb.team.add(team_db.user("intruder"), Role.EDITOR, PASSWORD)
    refused = ["ALTER TABLE tag ADD COLUMN x integer", "DROP TABLE tag",
               "CREATE TABLE mine (id integer)", "CREATE INDEX ix_mine ON tag (name)",
               "UPDATE alembic_version SET version_num = '0001'",
               "INSERT INTO notebook_meta (key, value) VALUES ('k', 'v')",
               "DELETE FROM notebook_meta"]
    with team_db.connect(editor) as conn:
        for statement in refused:
            with pytest.raises(pg_errors.InsufficientPrivilege):
                conn.execute(statement)
        conn.execute(f'GRANT INSERT ON tag TO "{reader}"')  # only a warning: nothing granted
        conn.execute("UPDATE tag SET colour = '#ff0000' WHERE name = 'Politik'")  # allowed
    with team_db.connect(reader) as conn, pytest.raises(pg_errors.InsufficientPrivilege):
        conn.execute("INSERT INTO tag (name, colour, description) VALUES ('x', '', '')")


def test_editor_may_bump_the_clock_but_not_add_or_remove_its_row(team_db, tmp_path):
    """notebook_clock: UPDATE for editors (each write bumps it), no INSERT or DELETE."""
    editor = team_db.user("editor")
    _shared_notebook(team_db, tmp_path, {editor: Role.EDITOR}).close()
    with team_db.connect() as conn:
        has_clock = conn.execute("SELECT to_regclass('notebook_clock')").fetchone()
    if has_clock == (None,):
        pytest.skip("this schema has no notebook_clock yet")
    with team_db.connect(editor) as conn:
        conn.execute("UPDATE notebook_clock SET seq = seq")
        for statement in ("DELETE FROM notebook_clock",
                          "INSERT INTO notebook_clock SELECT * FROM notebook_clock"):
            with pytest.raises(pg_errors.InsufficientPrivilege):
                conn.execute(statement)


def test_owner_can_add_change_and_remove_members(team_db, tmp_path):
    """A second owner (without CREATEROLE) manages existing users: add, role, remove."""
    owner2, colleague = team_db.user("owner2"), team_db.user("colleague")
    _shared_notebook(team_db, tmp_path, {owner2: Role.OWNER}).close()
    team_db.make_login(colleague)
    with open_as(team_db, tmp_path, owner2) as nb:
        assert nb.access.role is Role.OWNER and nb.access.can_manage_team
        nb.team.add(colleague, Role.READER)
        assert (colleague, Role.READER) in [(m.user, m.role) for m in nb.team.members()]
        nb.team.set_role(colleague, Role.EDITOR)
        assert (colleague, Role.EDITOR) in [(m.user, m.role) for m in nb.team.members()]
    with open_as(team_db, tmp_path, colleague) as nb:
        assert nb.access.role is Role.EDITOR
        nb.tags.create("Von Kollegin")
    with open_as(team_db, tmp_path, owner2) as nb:
        nb.team.remove(colleague)
        assert colleague not in [m.user for m in nb.team.members()]
    with pytest.raises(psycopg.OperationalError), team_db.connect(colleague):
        pass  # no longer a member: the notebook's database refuses the connection


def test_last_owner_cannot_be_removed_or_demoted(team_db, tmp_path):
    """The team always keeps an owner."""
    with _shared_notebook(team_db, tmp_path, {}) as nb:
        me = nb.access.user
        nb.team.members()  # set up by the first add? not yet: the owner alone
        nb.team.add(team_db.user("reader"), Role.READER, PASSWORD)
        with pytest.raises(ValidationError, match="last owner"):
            nb.team.remove(me)
        with pytest.raises(ValidationError, match="last owner"):
            nb.team.set_role(me, Role.EDITOR)
        assert [m.user for m in nb.team.members() if m.role is Role.OWNER] == [me]


HOSTILE = ["o'neil", 'say "hi"', "x; DROP TABLE tag; --", "Jürgen Müller", "ümlaut 🙂",
           "back\\slash", "per%cent :colon", "Robert'); DROP ROLE dossier;--"]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_user_names_are_quoted_safely(team_db, tmp_path, name):
    """Quotes, semicolons, unicode: the user is created with exactly that name, can log
    in as a reader, and nothing else happens."""
    user = team_db.user(name)
    with _shared_notebook(team_db, tmp_path, {user: Role.READER}) as nb:
        assert (user, Role.READER) in [(m.user, m.role) for m in nb.team.members()]
    with team_db.connect() as conn:
        assert conn.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s",
                            (user,)).fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM tag").fetchone() == (1,)
    with open_as(team_db, tmp_path, user) as nb:
        assert nb.access.role is Role.READER and nb.access.user == user


@pytest.mark.parametrize("name", ["", "  padded", "pg_dossier_h7", "x" * 64, "tab\there",
                                  "ü" * 32])
def test_bad_user_names_are_refused_before_anything_is_done(team_db, tmp_path, name):
    """Empty, padded, reserved, too long (bytes), control characters: a clear refusal."""
    with _shared_notebook(team_db, tmp_path, {}) as nb, pytest.raises(ValidationError):
        nb.team.add(name, Role.READER, PASSWORD)
    with team_db.connect() as conn:
        assert conn.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s",
                            (name,)).fetchone() == (0,)


def test_adding_a_missing_user_without_password_is_refused(team_db, tmp_path):
    """A new login role needs a password; nothing is created without one."""
    ghost = team_db.user("ghost")
    with _shared_notebook(team_db, tmp_path, {}) as nb, \
            pytest.raises(ValidationError, match="password"):
        nb.team.add(ghost, Role.EDITOR)
    with team_db.connect() as conn:
        assert conn.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s",
                            (ghost,)).fetchone() == (0,)


def test_tables_of_later_migrations_get_the_team_grants(team_db, tmp_path):
    """A table the owners group creates later is readable by readers and writable by
    editors, through the default privileges."""
    from app.store.roles import group_names

    editor, reader = team_db.user("editor"), team_db.user("reader")
    _shared_notebook(team_db, tmp_path, {editor: Role.EDITOR, reader: Role.READER}).close()
    owners = group_names(team_db.name)[Role.OWNER]
    with team_db.connect() as conn:
        conn.execute(f'SET ROLE "{owners}"')
        conn.execute("CREATE TABLE later_table (id serial PRIMARY KEY, v text)")
    with team_db.connect(editor) as conn:
        conn.execute("INSERT INTO later_table (v) VALUES ('by the editor')")
    with team_db.connect(reader) as conn:
        assert conn.execute("SELECT v FROM later_table").fetchall() == [("by the editor",)]
        with pytest.raises(pg_errors.InsufficientPrivilege):
            conn.execute("INSERT INTO later_table (v) VALUES ('by the reader')")


def test_reader_searches_with_an_index_of_its_own(team_db, tmp_path):
    """A reader's own search index is built from the database without writing to it."""
    reader = team_db.user("reader")
    with _shared_notebook(team_db, tmp_path, {reader: Role.READER}) as nb:
        source = tmp_path / "bericht.txt"
        source.write_text("Kassym-Schomart Tokajew besuchte Berlin.\n", encoding="utf-8")
        nb.imports.import_paths([source])
    with open_as(team_db, tmp_path, reader) as nb:
        nb.search.flush()
        hits = nb.search.search("Tokajew")
        assert hits.total == 1


def test_database_refuses_a_reader_whose_app_check_is_bypassed(team_db, tmp_path):
    """Even when the app is fooled into believing a reader may write, PostgreSQL refuses
    the write, and the refusal arrives as AccessDenied, not a driver error."""
    from app.core.access import Access

    reader = team_db.user("reader")
    _shared_notebook(team_db, tmp_path, {reader: Role.READER}).close()
    with open_as(team_db, tmp_path, reader) as nb:
        nb.access = Access(reader, Role.EDITOR, "", is_shared=True)  # a patched client
        with pytest.raises(AccessDenied, match="the database refused: permission denied"):
            nb.tags.create("Eingeschmuggelt")
    with team_db.connect() as conn:
        assert conn.execute("SELECT name FROM tag").fetchall() == [("Politik",)]


def test_owner_without_createrole_cannot_create_users(team_db, tmp_path):
    """An owner lacking CREATEROLE adds existing users only; a new one is refused with
    the reason, and nothing is created."""
    owner2, newcomer = team_db.user("owner2"), team_db.user("newcomer")
    _shared_notebook(team_db, tmp_path, {owner2: Role.OWNER}).close()
    with open_as(team_db, tmp_path, owner2) as nb, \
            pytest.raises(AccessDenied, match="CREATEROLE"):
        nb.team.add(newcomer, Role.EDITOR, PASSWORD)
    with team_db.connect() as conn:
        assert conn.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s",
                            (newcomer,)).fetchone() == (0,)
