"""Server connection details, database URLs, and passwords kept in the system keyring.

A password is never written to settings or logs: the recent-notebooks list and every label
get the URL without it (:func:`without_password`); a remembered password lives in the system
keyring under ``"dossier"`` / ``"<user>@<host>:<port>/<database>"`` (as the CLI's) and is put
back into the URL only in memory, when the notebook is opened (:func:`with_saved_password`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit, urlunsplit

log = logging.getLogger(__name__)

KEYRING_SERVICE = "dossier"  # the same entry as the store's (app.store.server): CLI and GUI agree
DRIVER = "postgresql+psycopg"
DEFAULT_PORT = 5432


class KeyringUnavailable(Exception):
    """The system keyring cannot store or read passwords (no backend, locked, refused)."""


@dataclass(frozen=True)
class ServerDetails:
    """Where a shared notebook lives and who connects (the password is separate)."""

    host: str
    port: int
    database: str
    user: str

    @property
    def keyring_key(self) -> str:
        """The keyring entry of this user on this server's database."""
        return f"{self.user}@{self.host}:{self.port}/{self.database}"

    def url(self, password: str = "") -> str:
        """The SQLAlchemy URL (``postgresql+psycopg://user[:password]@host:port/db``)."""
        secret = f":{quote(password, safe='')}" if password else ""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return (f"{DRIVER}://{quote(self.user, safe='')}{secret}@{host}:{self.port}/"
                f"{quote(self.database, safe='')}")

    @classmethod
    def from_url(cls, url: str) -> ServerDetails | None:
        """The details of a PostgreSQL URL (None for anything else)."""
        parts = urlsplit(url)
        if not parts.scheme.startswith("postgres"):
            return None
        try:
            port = parts.port or DEFAULT_PORT
        except ValueError:
            return None
        return cls(parts.hostname or "localhost", port, unquote(parts.path.lstrip("/")),
                   unquote(parts.username or ""))


def is_server_url(location: str) -> bool:
    """True for a PostgreSQL URL (a shared notebook), False for a folder."""
    return urlsplit(location).scheme.startswith("postgres")


def without_password(location: str) -> str:
    """``location`` with any password removed (folders are returned unchanged)."""
    if "://" not in location:
        return location
    parts = urlsplit(location)
    if parts.password is None:
        return location
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.netloc.rsplit("@", 1)[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}@{netloc}"))


_SESSION: dict[str, str] = {}
"""Passwords typed in this session without "remember" (memory only, gone at exit)."""


def remember_for_session(details: ServerDetails, password: str) -> None:
    """Keep ``password`` in memory for this run, so the URL itself never carries it."""
    _SESSION[details.keyring_key] = password


def save_password(details: ServerDetails, password: str) -> None:
    """Remember ``password`` in the system keyring (KeyringUnavailable when it cannot)."""
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(KEYRING_SERVICE, details.keyring_key, password)
    except (KeyringError, RuntimeError) as exc:
        raise KeyringUnavailable(f"the system keyring cannot store the password: {exc}") \
            from exc


def saved_password(details: ServerDetails) -> str:
    """The password remembered for ``details`` ("" when none, or no keyring)."""
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(KEYRING_SERVICE, details.keyring_key) or ""
    except (KeyringError, RuntimeError) as exc:
        log.info("no password from the system keyring: %s", exc)
        return ""


def with_saved_password(location: str) -> str:
    """A server URL without a password gets the one remembered in the keyring, if any
    (in memory only); anything else is returned unchanged."""
    if not is_server_url(location) or urlsplit(location).password is not None:
        return location
    details = ServerDetails.from_url(location)
    if details is None:
        return location
    password = _SESSION.get(details.keyring_key) or saved_password(details)
    if not password:
        return location
    parts = urlsplit(location)
    user, host = parts.netloc.rsplit("@", 1) if "@" in parts.netloc else ("", parts.netloc)
    netloc = f"{user}:{quote(password, safe='')}@{host}"
    return urlunsplit(parts._replace(netloc=netloc))
