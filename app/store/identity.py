"""Who is writing: the one answer to "who am I" for change logs and row authors.

A configured display name (``DOSSIER_AUTHOR``) wins; otherwise on PostgreSQL the
database role (what the server itself records and grants by), elsewhere the operating
system's login name. The answer is cached per database URL: it does not change while a
notebook is open.
"""

from __future__ import annotations

import getpass
import os

from sqlalchemy import text
from sqlalchemy.orm import Session

ENV_NAME = "DOSSIER_AUTHOR"
_cache: dict[str, str] = {}


def login_name() -> str:
    """The operating system's login name ("" if it cannot be told)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def current_author(session: Session) -> str:
    """The name that edits made through ``session`` are recorded under."""
    configured = os.environ.get(ENV_NAME, "").strip()
    if configured:
        return configured
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return login_name()
    key = str(bind.engine.url)
    if key not in _cache:
        _cache[key] = str(session.scalar(text("SELECT current_user")) or "")
    return _cache[key]
