"""What the main window remembers between runs, in the ``QSettings`` it is given: recent
notebooks, the reader panes open per notebook, window geometry and dock layout.

Tests pass their own settings file, so nothing here touches the user's real settings.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings

from app.gui.team.credentials import with_saved_password, without_password

if TYPE_CHECKING:
    from app.services import Notebook

log = logging.getLogger(__name__)

MAX_RECENT = 8
KEY_RECENT = "notebooks/recent"
KEY_GEOMETRY = "window/geometry"
KEY_STATE = "window/state"
KEY_COLLAPSED = "window/collapsed"


def default_opener(path: str) -> Notebook:
    """Open (or create) the notebook at ``path`` through the services layer."""
    from app.services import Notebook  # deferred: keeps widget tests free of the store

    # a server URL gets its password (typed this session, or kept in the keyring) only here
    return Notebook.open(with_saved_password(path), background=True)


def notebook_location(nb: Notebook) -> str:
    """The folder (or database URL) a notebook was opened from, for settings and menus."""
    if getattr(nb, "path", None):
        return str(nb.path)
    return without_password(str(getattr(nb, "url", nb.name)))  # never a password in settings


def recent_notebooks(settings: QSettings) -> list[str]:
    """Paths of recently opened notebooks, most recent first."""
    value = settings.value(KEY_RECENT, [])
    if isinstance(value, str):  # QSettings gives a str for a one-element list
        value = [value]
    return [str(v) for v in value] if isinstance(value, list) else []


def remember_recent(settings: QSettings, path: str) -> None:
    """Put ``path`` first in the recent notebooks (at most :data:`MAX_RECENT`)."""
    recent = [p for p in recent_notebooks(settings) if p != path]
    settings.setValue(KEY_RECENT, [path, *recent][:MAX_RECENT])


def panes_key(location: str) -> str:
    """Settings key of the reader panes saved for the notebook at ``location``."""
    digest = hashlib.sha1(location.encode()).hexdigest()[:16]
    return f"panes/{digest}"


def save_panes(settings: QSettings, location: str, state: dict[str, Any]) -> None:
    """Remember the reader panes' state for the notebook at ``location``."""
    settings.setValue(panes_key(location), json.dumps(state))


def saved_panes(settings: QSettings, location: str) -> dict[str, Any] | None:
    """The reader panes' state saved for ``location`` (None if none or unreadable)."""
    raw = settings.value(panes_key(location), "")
    if not raw:
        return None
    try:
        state = json.loads(str(raw))
    except ValueError:
        log.warning("ignoring unreadable pane state %r", raw)
        return None
    return state if isinstance(state, dict) else None


def collapsed_docks(settings: QSettings) -> list[str]:
    """Object names of the docks collapsed to a side bar when the window last closed."""
    value = settings.value(KEY_COLLAPSED, [])
    if isinstance(value, str):  # QSettings gives a str for a one-element list
        value = [value] if value else []
    return [str(v) for v in value] if isinstance(value, list) else []


def save_collapsed_docks(settings: QSettings, names: list[str]) -> None:
    """Remember which docks are collapsed (their object names)."""
    settings.setValue(KEY_COLLAPSED, names)
