"""Credentials of shared notebooks: never written by Dossier, taken from the keyring or
from libpq's own files (.pgpass / PGPASSFILE) when the URL has none."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.cli import main
from app.services import (
    Notebook,
    is_server_url,
    keyring_key,
    save_password,
    saved_password,
    without_password,
)
from tests import pg


class MemoryKeyring(KeyringBackend):
    """A real keyring backend that keeps passwords in memory (this machine has none)."""

    priority = 1  # type: ignore[assignment]  # keyring declares it as a property

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(before)


@pytest.fixture
def own_role() -> Iterator[tuple[str, str]]:
    """A database owned by a new login role with a distinctive password: (URL with the
    password, the password). Both are dropped afterwards."""
    admin = pg.require_admin_url()
    role = f"dossier_t_{uuid.uuid4().hex[:10]}"
    password = f"Pw-{uuid.uuid4().hex}"
    url = pg.create_database(admin)
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    database = make_url(url).database
    try:
        with engine.connect() as conn:
            conn.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'"))
            conn.execute(text(f"GRANT {role} TO CURRENT_USER"))
            conn.execute(text(f'ALTER DATABASE "{database}" OWNER TO {role}'))
        yield (make_url(url).set(username=role, password=password)
               .render_as_string(hide_password=False), password)
    finally:
        pg.drop_database(admin, url)
        with engine.connect() as conn:
            conn.execute(text(f"DROP ROLE IF EXISTS {role}"))
        engine.dispose()


def _no_password(url: str) -> str:
    return make_url(url).render_as_string(hide_password=False).replace(
        f":{make_url(url).password}@", "@")


def test_without_password_removes_only_the_password() -> None:
    """The remembered form of a URL keeps user, host, port, database and options."""
    assert without_password("postgresql://anna:s%40cret@db.example:6543/desk?sslmode=require"
                            ) == "postgresql://anna@db.example:6543/desk?sslmode=require"
    assert without_password("postgresql://anna@host/desk") == "postgresql://anna@host/desk"
    assert without_password("/home/anna/Notebook") == "/home/anna/Notebook"
    assert is_server_url("postgres://a@h/d") and is_server_url("postgresql+psycopg://a@h/d")
    assert not is_server_url("sqlite:///x.db") and not is_server_url("/tmp/x")
    assert keyring_key("postgresql://anna:pw@host/desk") == "anna@host:5432/desk"


def test_saved_password_goes_to_the_keyring_under_user_host_port_db(
        memory_keyring: MemoryKeyring) -> None:
    """save_password keeps the password under service 'dossier', key user@host:port/db."""
    assert save_password("postgresql://anna:geheim@db.example:5433/desk")
    assert memory_keyring.store == {("dossier", "anna@db.example:5433/desk"): "geheim"}
    assert saved_password("postgresql://anna@db.example:5433/desk") == "geheim"
    assert not save_password("postgresql://anna@db.example:5433/desk")  # none to save


@pytest.mark.postgres
def test_url_without_password_uses_the_keyring(own_role: tuple[str, str], tmp_path: Path,
                                               memory_keyring: MemoryKeyring,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A password saved once is looked up when the URL has none."""
    url, _password = own_role
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-such-pgpass"))
    assert save_password(url)
    with Notebook.open(_no_password(url), index_dir=tmp_path / "index") as nb:
        assert nb.articles.count() == 0
        assert nb.url == _no_password(url)


@pytest.mark.postgres
def test_url_without_password_connects_with_a_pgpassfile(
        own_role: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """libpq reads PGPASSFILE: a URL without password opens the notebook."""
    url, password = own_role
    parts = make_url(url)
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"{parts.host}:{parts.port}:{parts.database}:{parts.username}:"
                      f"{password}\n", encoding="utf-8")
    pgpass.chmod(0o600)  # libpq ignores a password file others can read
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    monkeypatch.delenv("PGPASSWORD", raising=False)
    with Notebook.open(_no_password(url), index_dir=tmp_path / "index") as nb:
        assert nb.articles.count() == 0


@pytest.mark.postgres
def test_no_file_dossier_writes_holds_the_password(
        own_role: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture) -> None:
    """After publishing, opening, importing, searching and an error, no file under the
    user's data/config/cache folders or the work folder, no log line and no output
    contains the password."""
    url, password = own_role
    local = tmp_path / "local"
    caplog.set_level(logging.DEBUG)
    (tmp_path / "a.txt").write_text("Gipfel in Astana.\n", encoding="utf-8")
    plain = "postgresql://" + url.split("://", 1)[1]  # as a user types it
    assert main(["--notebook", str(local), "import", str(tmp_path / "a.txt")]) == 0
    assert main(["-v", "--notebook", str(local), "publish", plain]) == 0
    assert main(["-v", "--notebook", plain, "search", "Astana"]) == 0
    assert main(["--notebook", plain, "publish", plain]) == 2  # refused: not empty
    wrong = plain.replace(password, password + "x")
    assert main(["--notebook", wrong, "list"]) == 3  # authentication fails
    out, err = capsys.readouterr()
    assert "Astana" in out
    assert password not in out + err
    assert password not in caplog.text
    homes = [Path(os.environ[v]) for v in ("XDG_DATA_HOME", "XDG_CONFIG_HOME",
                                           "XDG_CACHE_HOME", "XDG_STATE_HOME")]
    written = [p for root in [tmp_path, *homes] if root.exists()
               for p in root.rglob("*") if p.is_file()]
    assert any("indexes" in p.parts for p in written)  # the client's own index is there
    assert [p for p in written if password.encode() in p.read_bytes()] == []


def test_malformed_url_is_one_line_without_its_password(
        capsys: pytest.CaptureFixture[str]) -> None:
    """A URL whose port is not a number: exit 3, one line, no password, no traceback."""
    assert main(["--notebook", "postgresql://anna:Geheim42@db:xx/desk", "list"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a database URL" in err
    assert "Geheim42" not in err
