"""Schema safety of a shared notebook: the schema revision lives in the database.

At open (:func:`prepare`):

- SQLite, or a new (empty) PostgreSQL database: the usual automatic upgrade
  (:func:`app.store.engine.upgrade`; SQLite copies its file first).
- A PostgreSQL notebook whose schema is newer than this code knows: opened read-only,
  with the one line saying which Dossier upgraded it (recorded at each upgrade in a
  comment on ``alembic_version``). Nothing is written.
- A PostgreSQL notebook whose schema is older: refused. Upgrading a shared notebook
  locks every older client out of editing, so it is a deliberate act of an owner
  (:func:`upgrade_shared`: a ``pg_dump`` backup first, then the migrations in one
  transaction under the advisory lock), never a side effect of opening it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from psycopg import sql
from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session

import app
from app.core.access import Role
from app.core.errors import AccessDenied, MigrationError
from app.store import migrate, pg_backup, roles
from app.store.engine import (
    HEAD_REVISION,
    MIGRATIONS,
    current_revision,
    make_engine,
    make_sessions,
    upgrade,
)

log = logging.getLogger(__name__)

UPGRADE_COMMAND = "python main.py --notebook URL upgrade"


WRITTEN_BY = re.compile(r"^(Dossier \S+) wrote schema (\S+)$")
"""The comment on ``alembic_version`` naming who wrote the schema. A comment, not a row:
it adds nothing to the notebook's data (an empty notebook stays empty), pg_dump keeps
it, and anyone who can read the notebook can read it."""


def written_by(session: Session, revision: str) -> str:
    """"Dossier X" if the comment says it wrote schema ``revision``, else ""."""
    comment = session.execute(text(
        "SELECT obj_description(to_regclass('alembic_version'), 'pg_class')")).scalar()
    found = WRITTEN_BY.match(str(comment or ""))
    return found.group(1) if found and found.group(2) == revision else ""


def stamp_writer(session: Session, revision: str) -> None:
    """Note on ``alembic_version`` that this Dossier wrote schema ``revision``."""
    note = f"Dossier {app.__version__} wrote schema {revision}"
    raw: Any = session.connection().connection.driver_connection  # psycopg's
    with raw.cursor() as cur:  # COMMENT takes no parameters: a quoted literal instead
        cur.execute(sql.SQL("COMMENT ON TABLE alembic_version IS {}").format(sql.Literal(note)))


@dataclass(frozen=True, slots=True)
class Opened:
    """What :func:`prepare` found: the SQLite backup made, if any, and why the notebook
    is read-only ("" when it is not)."""

    backup: Path | None = None
    read_only_reason: str = ""


def prepare(engine: Engine) -> Opened:
    """Bring a notebook's schema to this code's, or find why it must stay read-only.

    Raises:
        MigrationError: a shared notebook with an older schema (an owner must upgrade
            it), or as :func:`app.store.engine.upgrade`.
    """
    if engine.dialect.name != "postgresql":
        return Opened(backup=upgrade(engine))
    current = current_revision(engine)
    if current == HEAD_REVISION:
        return Opened()
    if current is None:  # a new database: whoever opens it first creates the notebook
        upgrade(engine)
        with migrate.upgrade_lock(engine):  # two first opens at once record it once
            _record_writer(engine, HEAD_REVISION)
        return Opened()
    if current not in known_revisions():
        return Opened(read_only_reason=newer_schema_reason(engine, current))
    raise MigrationError(older_schema_message(engine, current))


def known_revisions() -> set[str]:
    """Every revision of this code's migration scripts."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return {rev.revision for rev in ScriptDirectory.from_config(cfg).walk_revisions()}


def newer_schema_reason(engine: Engine, current: str) -> str:
    """The read-only line for a schema this code does not know."""
    with make_sessions(engine)() as session:
        writer = written_by(session, current)
    if writer:
        return (f"read-only: this notebook was upgraded by {writer} (schema {current}); "
                f"install {writer} or newer to edit it")
    return (f"read-only: this notebook has schema {current}, newer than this Dossier "
            f"{app.__version__} knows (schema {HEAD_REVISION}); install a newer Dossier "
            "to edit it")


def older_schema_message(engine: Engine, current: str) -> str:
    """Why an older shared notebook cannot be opened, and who can change that."""
    with make_sessions(engine)() as session:
        role = roles.current_role(session)
    who = ("you are an owner: upgrade it with" if role is Role.OWNER
           else f"you are {'an' if role is Role.EDITOR else 'a'} {role.value}: ask an owner "
                "to upgrade it with")
    return (f"this shared notebook has schema {current} and Dossier {app.__version__} needs "
            f"schema {HEAD_REVISION}; {who} '{UPGRADE_COMMAND}' (it makes a pg_dump backup "
            "first); nothing was changed")


@dataclass(frozen=True, slots=True)
class UpgradeResult:
    """What :func:`upgrade_shared` did: from and to which schema, and the backup."""

    before: str | None
    after: str
    backup: Path | None


def upgrade_shared(engine: Engine, backup_folder: Path) -> UpgradeResult:
    """Upgrade a PostgreSQL notebook to this code's schema, as an owner.

    Under the advisory lock of upgrades: check the revision again, back the database up
    with ``pg_dump`` into ``backup_folder`` (refused if it is missing or fails), then run
    the migrations in one transaction as the owners group (so new tables belong to the
    group and get the team's default grants), then re-apply the grants.

    Raises:
        AccessDenied: the user is not an owner of the notebook.
        MigrationError: the schema is newer than this code, pg_dump is missing or failed,
            or a migration failed (the database is unchanged; the backup is named).
        NotebookLocked: another upgrade kept the lock too long.
    """
    if current_revision(engine) is None:  # a new database: nothing to back up
        prepare(engine)
        return UpgradeResult(None, HEAD_REVISION, None)
    with make_sessions(engine)() as session:
        user, role = roles.current_user(session), roles.current_role(session)
    if role is not Role.OWNER:
        raise AccessDenied(f"only an owner can upgrade this shared notebook; {user} is "
                           f"{'an' if role is Role.EDITOR else 'a'} {role.value}")
    with migrate.upgrade_lock(engine):
        before = current_revision(engine)
        if before == HEAD_REVISION:
            return UpgradeResult(before, HEAD_REVISION, None)
        if before is not None and before not in known_revisions():
            raise MigrationError(newer_schema_reason(engine, before).replace(
                "read-only: ", "cannot upgrade: ", 1))
        backup = pg_backup.dump(engine, backup_folder, before or "none")
        _migrate_as_owners(engine, before, backup)
    return UpgradeResult(before, HEAD_REVISION, backup)


def _migrate_as_owners(engine: Engine, before: str | None, backup: Path) -> None:
    from alembic import command
    from alembic.config import Config

    runner = make_engine(engine.url.render_as_string(hide_password=False))
    group = _owners_group_to_act_as(engine)
    if group:
        event.listen(runner, "begin", _set_local_role(group))
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = runner
    try:
        command.upgrade(cfg, "head")
    except Exception as exc:  # SQLAlchemy or Alembic: one line, with the backup's name
        raise migrate.failed(before, exc, backup) from exc
    try:
        with make_sessions(runner)() as session, session.begin():
            if group:
                roles.apply_grants(session, roles.notebook_groups(session))
            stamp_writer(session, HEAD_REVISION)
    finally:
        runner.dispose()
    log.info("upgraded the shared notebook from schema %s to %s (backup %s)",
             before, HEAD_REVISION, backup)


def _owners_group_to_act_as(engine: Engine) -> str:
    """The owners group if the team is set up and the user belongs to it, else ""."""
    with make_sessions(engine)() as session:
        if not roles.is_set_up(session):
            return ""
        group = roles.notebook_groups(session)[Role.OWNER]
        member = roles.is_member(session, group)
    return group if member else ""


def _set_local_role(group: str) -> Any:
    def _begin(conn: Any) -> None:
        with conn.connection.driver_connection.cursor() as cur:
            cur.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(group)))

    return _begin


def _record_writer(engine: Engine, revision: str) -> None:
    """Note in the notebook which Dossier wrote schema ``revision`` (for the read-only
    line of older clients)."""
    with make_sessions(engine)() as session, session.begin():
        if not written_by(session, revision):
            stamp_writer(session, revision)
