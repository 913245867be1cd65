"""Owners, editors and readers of a shared notebook as real PostgreSQL roles and grants.

Each notebook database gets three group roles (:func:`group_names`): members inherit the
group's privileges, so the database itself refuses what a role forbids, whatever client
connects. The model:

- readers: CONNECT, and SELECT on every table;
- editors: SELECT, INSERT, UPDATE, DELETE on the data tables, USAGE on the sequences;
  only SELECT and UPDATE on ``notebook_clock``, only SELECT on ``alembic_version`` and
  ``notebook_meta``; no DDL (they own nothing and cannot CREATE in the schema) and no
  grants (no grant option);
- owners: the group owns every table, sequence and function, has CREATE on the schema
  and ADMIN OPTION on the three groups: migrations (run as the group, so that new tables
  are the group's too) and managing the team.

Default privileges for the owners group give tables created by later migrations the same
grants; :func:`apply_grants` re-applies the table-specific rules and is idempotent.

User names are untrusted input: every identifier is composed with
``psycopg.sql.Identifier`` and every value is a parameter. Passwords are hashed on the
client (SCRAM-SHA-256, libpq's ``PQencryptPasswordConn``) so the server, its logs and
this process's logs never see one in clear. Nothing here commits.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Iterator
from typing import Any, cast

import psycopg
from psycopg import sql
from sqlalchemy.orm import Session

from app.core.access import Member, Role
from app.core.errors import AccessDenied, NotebookError

log = logging.getLogger(__name__)

MAX_NAME_BYTES = 63  # PostgreSQL's identifier limit (NAMEDATALEN - 1)
GROUP_COMMENT = "Dossier notebook {db}: {role}s"
READ_ONLY_TABLES = ("alembic_version", "notebook_meta")
"""Editors may read these but never change them (schema revision, notebook settings)."""
UPDATE_ONLY_TABLES = ("notebook_clock",)
"""Editors bump the change-log clock (UPDATE) but never add or remove its one row."""


def group_names(database: str) -> dict[Role, str]:
    """The three group roles of the notebook database ``database``.

    ``dossier_<db>_owners`` and so on; a database name too long for PostgreSQL's 63-byte
    identifiers is shortened and given a hash of the full name, so names never collide.
    """
    names = {role: f"dossier_{database}_{role.value}s" for role in Role}
    if all(len(n.encode()) <= MAX_NAME_BYTES for n in names.values()):
        return names
    digest = hashlib.sha256(database.encode()).hexdigest()[:10]
    short = database.encode()[:30].decode(errors="ignore")
    return {role: f"dossier_{short}_{digest}_{role.value}s" for role in Role}


def _raw(session: Session) -> Any:
    """The psycopg connection under the session (same transaction)."""
    return session.connection().connection.driver_connection


def _run(session: Session, statement: sql.Composable, params: tuple[Any, ...] = ()) -> None:
    with _translated(), _raw(session).cursor() as cur:
        cur.execute(statement, params or None)


def _rows(session: Session, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with _translated(), _raw(session).cursor() as cur:
        cur.execute(query, params or None)
        return cast(list[tuple[Any, ...]], cur.fetchall())


@contextlib.contextmanager
def _translated() -> Iterator[None]:
    """psycopg errors (this module talks to the driver directly) as Dossier's: a refusal
    of the server (SQLSTATE 42501, insufficient privilege) is AccessDenied."""
    try:
        yield
    except psycopg.errors.InsufficientPrivilege as exc:
        raise AccessDenied(f"the database refused: {_first_line(exc)}") from exc
    except psycopg.Error as exc:
        raise NotebookError(f"database error: {_first_line(exc)}") from exc


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _value(session: Session, query: str, params: tuple[Any, ...] = ()) -> Any:
    rows = _rows(session, query, params)
    return rows[0][0] if rows else None


def database_name(session: Session) -> str:
    return str(_value(session, "SELECT current_database()"))


def current_user(session: Session) -> str:
    return str(_value(session, "SELECT current_user"))


def notebook_groups(session: Session) -> dict[Role, str]:
    """The group roles of the database the session is connected to."""
    return group_names(database_name(session))


def existing_roles(session: Session, names: list[str]) -> set[str]:
    """Which of ``names`` exist as roles on the server."""
    rows = _rows(session, "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", (names,))
    return {str(r[0]) for r in rows}


def role_exists(session: Session, name: str) -> bool:
    return bool(existing_roles(session, [name]))


def is_superuser(session: Session, name: str) -> bool:
    return bool(_value(session, "SELECT rolsuper FROM pg_roles WHERE rolname = %s", (name,)))


def can_create_roles(session: Session) -> bool:
    """True when the current user may create roles (CREATEROLE or superuser)."""
    return bool(_value(session, "SELECT rolcreaterole OR rolsuper FROM pg_roles "
                                "WHERE rolname = current_user"))


def is_member(session: Session, group: str) -> bool:
    """True when the current user is a member of ``group`` (directly or not)."""
    return bool(_value(session, "SELECT pg_has_role(current_user, %s, 'MEMBER')", (group,)))


def is_set_up(session: Session) -> bool:
    """True when the notebook's three group roles exist."""
    groups = notebook_groups(session)
    return existing_roles(session, list(groups.values())) == set(groups.values())


def current_role(session: Session) -> Role:
    """The current user's role: owner (superuser, member of the owners group, or owner of
    the tables), editor or reader (member of those groups); without a team, what the
    user's privileges allow."""
    if is_superuser(session, current_user(session)):
        return Role.OWNER
    groups = notebook_groups(session)
    present = existing_roles(session, list(groups.values()))
    for role in Role:  # strongest first
        if groups[role] in present and _value(
                session, "SELECT pg_has_role(current_user, %s, 'USAGE')", (groups[role],)):
            return role
    if _value(session, "SELECT pg_has_role(current_user, c.relowner, 'USAGE') FROM pg_class c "
                       "WHERE c.oid = to_regclass('alembic_version')"):
        return Role.OWNER
    if _value(session, "SELECT has_table_privilege(to_regclass('article'), 'INSERT')"):
        return Role.EDITOR
    return Role.READER


def set_up(session: Session) -> dict[Role, str]:
    """Create the notebook's groups (if missing), hand the schema's objects to the owners
    group, make the current user an owner, and apply the grants. Idempotent.

    Needs CREATEROLE (to create the groups) and ownership of the database's tables.
    """
    groups = notebook_groups(session)
    present = existing_roles(session, list(groups.values()))
    db = database_name(session)
    for role, name in groups.items():
        if name not in present:
            _run(session, sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(name)))
            _run(session, sql.SQL("COMMENT ON ROLE {} IS {}").format(
                sql.Identifier(name), sql.Literal(GROUP_COMMENT.format(db=db, role=role.value))))
            log.info("created group role %s", name)
    owners = sql.Identifier(groups[Role.OWNER])
    _run(session, sql.SQL("GRANT {} TO CURRENT_USER WITH ADMIN OPTION").format(owners))
    for role in (Role.EDITOR, Role.READER):
        _run(session, sql.SQL("GRANT {} TO {} WITH ADMIN OPTION").format(
            sql.Identifier(groups[role]), owners))
    _run(session, sql.SQL("GRANT CREATE, USAGE ON SCHEMA {} TO {}").format(
        _schema(session), owners))
    _hand_over(session, groups[Role.OWNER])
    _restrict_database(session, groups)
    apply_grants(session, groups)
    return groups


def _schema(session: Session) -> sql.Identifier:
    return sql.Identifier(str(_value(session, "SELECT current_schema()")))


def _hand_over(session: Session, owners: str) -> None:
    """Make the owners group the owner of every table, standalone sequence and function
    of the schema (a serial column's sequence follows its table)."""
    query = ("SELECT c.relname, c.relkind FROM pg_class c "
             "JOIN pg_namespace n ON n.oid = c.relnamespace "
             "WHERE n.nspname = current_schema() AND c.relkind = ANY(%s) "
             "AND c.relowner <> %s::regrole ORDER BY c.relkind DESC, c.relname")
    kinds = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE"}
    for table_kinds in (["r", "p", "v", "m"], ["S"]):
        for name, kind in _rows(session, query, (table_kinds, owners)):
            _run(session, sql.SQL("ALTER {} {}.{} OWNER TO {}").format(
                sql.SQL(kinds[kind]), _schema(session), sql.Identifier(name),
                sql.Identifier(owners)))
    functions = _rows(session, "SELECT p.oid::regprocedure::text FROM pg_proc p "
                               "JOIN pg_namespace n ON n.oid = p.pronamespace "
                               "WHERE n.nspname = current_schema() AND p.prokind IN ('f', 'p') "
                               "AND p.proowner <> %s::regrole AND NOT EXISTS (SELECT 1 FROM "
                               "pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')",
                      (owners,))
    for (signature,) in functions:
        # regprocedure's text is PostgreSQL's own quoting of the function's name and types
        _run(session, sql.SQL("ALTER ROUTINE {} OWNER TO {}").format(
            sql.SQL(signature), sql.Identifier(owners)))


def _restrict_database(session: Session, groups: dict[Role, str]) -> None:
    """Only the notebook's members (and the database owner) may connect. Skipped with a
    log line when the current user does not own the database."""
    owns = _value(session, "SELECT pg_has_role(current_user, d.datdba, 'USAGE') "
                           "FROM pg_database d WHERE d.datname = current_database()")
    if not owns:
        log.info("not the database owner: CONNECT stays as the server's default")
        return
    db = sql.Identifier(database_name(session))
    everyone = sql.SQL(", ").join(sql.Identifier(g) for g in groups.values())
    _run(session, sql.SQL("REVOKE CONNECT, TEMPORARY ON DATABASE {} FROM PUBLIC").format(db))
    _run(session, sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(db, everyone))


def apply_grants(session: Session, groups: dict[Role, str]) -> None:
    """Grant readers and editors their privileges on every table and sequence that
    exists now, and by default on those the owners group creates later. Idempotent."""
    schema = _schema(session)
    owners, editors, readers = (sql.Identifier(groups[r]) for r in Role)
    both = sql.SQL("{}, {}").format(editors, readers)
    statements = [
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, both),
        sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(schema, both),
        sql.SQL("GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {} TO {}").format(
            schema, editors),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(
            schema, editors),
        sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT SELECT ON TABLES "
                "TO {}").format(owners, schema, both),
        sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT INSERT, UPDATE, "
                "DELETE ON TABLES TO {}").format(owners, schema, editors),
        sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT USAGE, SELECT ON "
                "SEQUENCES TO {}").format(owners, schema, editors),
    ]
    for statement in statements:
        _run(session, statement)
    for table, revoked in ([(t, "INSERT, UPDATE, DELETE") for t in READ_ONLY_TABLES]
                           + [(t, "INSERT, DELETE") for t in UPDATE_ONLY_TABLES]):
        if _value(session, "SELECT to_regclass(%s)", (table,)) is not None:
            _run(session, sql.SQL("REVOKE {} ON {}.{} FROM {}").format(
                sql.SQL(revoked), schema, sql.Identifier(table), editors))


def create_login(session: Session, user: str, password: str) -> None:
    """Create ``user`` as a LOGIN role; the password is sent only as a SCRAM hash."""
    raw = _raw(session)
    hashed = raw.pgconn.encrypt_password(password.encode(), user.encode(), b"scram-sha-256")
    _run(session, sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
        sql.Identifier(user), sql.Literal(hashed.decode())))


def grant(session: Session, user: str, role: Role, groups: dict[Role, str]) -> None:
    """Make ``user`` a member of exactly the group of ``role`` (owners with ADMIN OPTION,
    so that they can manage the team)."""
    revoke_all(session, user, groups, keep=role)
    admin = sql.SQL(" WITH ADMIN OPTION") if role is Role.OWNER else sql.SQL("")
    _run(session, sql.SQL("GRANT {} TO {}{}").format(
        sql.Identifier(groups[role]), sql.Identifier(user), admin))


def revoke_all(session: Session, user: str, groups: dict[Role, str],
               keep: Role | None = None) -> None:
    """End ``user``'s membership in the notebook's groups (but ``keep``'s)."""
    for role, group in groups.items():
        if role is not keep and _is_direct_member(session, user, group):
            _run(session, sql.SQL("REVOKE {} FROM {}").format(
                sql.Identifier(group), sql.Identifier(user)))


def _is_direct_member(session: Session, user: str, group: str) -> bool:
    return bool(_value(session, "SELECT 1 FROM pg_auth_members m "
                                "JOIN pg_roles g ON g.oid = m.roleid "
                                "JOIN pg_roles u ON u.oid = m.member "
                                "WHERE g.rolname = %s AND u.rolname = %s", (group, user)))


def members(session: Session, groups: dict[Role, str]) -> list[Member]:
    """Every role granted one of the groups directly, with its strongest role (the
    groups themselves, members of each other, are left out)."""
    rows = _rows(session, "SELECT u.rolname, g.rolname, u.rolcanlogin FROM pg_auth_members m "
                          "JOIN pg_roles g ON g.oid = m.roleid "
                          "JOIN pg_roles u ON u.oid = m.member "
                          "WHERE g.rolname = ANY(%s) AND NOT u.rolname = ANY(%s)",
                 (list(groups.values()), list(groups.values())))
    by_group = {name: role for role, name in groups.items()}
    strongest: dict[str, Member] = {}
    order = list(Role)
    for user, group, can_login in rows:
        role = by_group[group]
        known = strongest.get(user)
        if known is None or order.index(role) < order.index(known.role):
            strongest[user] = Member(str(user), role, bool(can_login))
    return sorted(strongest.values(), key=lambda m: (order.index(m.role), m.user))
