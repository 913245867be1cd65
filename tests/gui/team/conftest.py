"""Team GUI tests: an in-memory system keyring (this machine has no desktop keyring; the
code under test talks to the ``keyring`` package exactly as with a real one) and two
clients of one PostgreSQL notebook."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend


class MemoryKeyring(KeyringBackend):
    """A keyring backend that keeps passwords in a dict (this test's only)."""

    priority = 1  # type: ignore[assignment]  # keyring declares it as a classproperty

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.passwords.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """The system keyring replaced by a fresh in-memory one for this test."""
    from app.gui.team import credentials

    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    credentials._SESSION.clear()
    try:
        yield ring
    finally:
        keyring.set_keyring(previous)
        credentials._SESSION.clear()


@pytest.fixture
def team_window(make_window, notebook, pg_url):
    """A main window over the empty SQLite notebook; whatever server notebook it has
    switched to is closed before the test's database is dropped."""
    window = make_window(notebook)
    yield window
    window.runner.wait(10_000)
    if window.nb is not notebook:
        window.nb.close()
