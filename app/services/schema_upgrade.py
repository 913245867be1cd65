"""``upgrade``: bring a notebook's schema to this Dossier's, the safe way for each kind.

A SQLite notebook upgrades itself when opened (its file is copied first). A shared
(PostgreSQL) notebook is upgraded only here, by an owner: a ``pg_dump`` backup first,
then the migrations under the upgrade lock (:mod:`app.store.schema_safety`).
"""

from __future__ import annotations

import logging
from pathlib import Path

import platformdirs

from app.core.errors import NotebookError
from app.store.engine import current_revision, make_engine, translated_errors
from app.store.schema_safety import UpgradeResult, upgrade_shared

log = logging.getLogger(__name__)


def default_backup_folder() -> Path:
    """Where ``pg_dump`` backups go unless told otherwise: the user data folder."""
    return Path(platformdirs.user_data_dir("Dossier", appauthor=False)) / "backups"


def upgrade_notebook(location: str | Path, backup_folder: Path | None = None) -> UpgradeResult:
    """Upgrade the notebook at ``location`` (a folder or a URL) to this code's schema.

    Raises:
        AccessDenied: a shared notebook and the user is not one of its owners.
        MigrationError: the schema is newer than this Dossier, pg_dump is missing or
            failed, or a migration failed (nothing changed; the backup is named).
        NotebookError: the notebook cannot be opened.
    """
    text = str(location)
    if "://" not in text or text.startswith("sqlite"):
        return _upgrade_local(location)
    engine = make_engine(text)
    try:
        with translated_errors():
            return upgrade_shared(engine, backup_folder or default_backup_folder())
    finally:
        engine.dispose()


def _upgrade_local(location: str | Path) -> UpgradeResult:
    """Opening a SQLite notebook upgrades it (with a copy of its file first)."""
    from app.services.notebook import DB_FILE, Notebook

    text = str(location)
    db_file = (Path(text.split(":///", 1)[1]) if "://" in text
               else Path(location).expanduser() / DB_FILE)
    if not db_file.is_file():
        raise NotebookError(f"there is no notebook at {location} ({db_file} is missing); "
                            "nothing to upgrade")
    before = _revision_of(db_file)
    with Notebook.open(location, repair_index=False) as nb:
        backup = nb.backup
    return UpgradeResult(before, _revision_of(db_file) or "", backup)


def _revision_of(db_file: Path) -> str | None:
    engine = make_engine(f"sqlite:///{db_file}")
    try:
        with translated_errors():
            return current_revision(engine)
    finally:
        engine.dispose()
