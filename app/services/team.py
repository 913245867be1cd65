"""The team of a shared notebook: owners, editors, readers (``team`` in the CLI).

Members are PostgreSQL login roles granted one of the notebook's group roles
(:mod:`app.store.roles`), so the database enforces what each may do. Only owners manage
the team; a notebook on SQLite has no team (roles need a PostgreSQL server).
User names are untrusted input: they are checked here (length, reserved names) and
quoted as identifiers in the store; a password is never logged, printed or stored.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable

from app.core.access import Access, Member, Role, reader_reason
from app.core.errors import AccessDenied, ValidationError
from app.store import roles
from app.store.engine import translated_errors
from app.store.sessions import Session, Sessions

log = logging.getLogger(__name__)

NEEDS_SERVER = ("roles need a notebook on a PostgreSQL server; this one is a SQLite file "
                "(share it first: python main.py publish postgresql://…)")


def check_user_name(name: str) -> str:
    """``name`` as a role name (NFC), or ValidationError saying why it cannot be one."""
    user = unicodedata.normalize("NFC", name)
    if not user.strip():
        raise ValidationError("a user name cannot be empty")
    if user != user.strip():
        raise ValidationError(f"the user name {user!r} starts or ends with spaces")
    if any(unicodedata.category(ch) == "Cc" for ch in user):
        raise ValidationError(f"the user name {user!r} contains control characters")
    if len(user.encode()) > roles.MAX_NAME_BYTES:
        raise ValidationError(f"the user name {user!r} is longer than PostgreSQL's "
                              f"{roles.MAX_NAME_BYTES} bytes")
    if user.lower().startswith("pg_") or user.lower() in {"public", "none"}:
        raise ValidationError(f"{user!r} is a name PostgreSQL reserves")
    return user


def read_access(sessions: Sessions, is_shared: bool, os_user: str,
                schema_reason: str = "") -> Access:
    """The current user's access: on PostgreSQL from role membership, on SQLite the
    owner. ``schema_reason`` (a schema newer than the code) makes it read-only too."""
    if not is_shared:
        return Access(os_user, Role.OWNER, schema_reason, is_shared=False)
    with translated_errors(), sessions() as session:
        user, role = roles.current_user(session), roles.current_role(session)
    reason = schema_reason or (reader_reason(user) if role is Role.READER else "")
    return Access(user, role, reason, is_shared=True)


class TeamService:
    """List and change the members of a shared notebook.

    ``access`` gives the current user's access as the notebook knows it (the database
    checks again: an owner demoted meanwhile is refused by PostgreSQL itself).
    """

    def __init__(self, sessions: Sessions, access: Callable[[], Access]) -> None:
        self._sessions = sessions
        self._access = access

    def members(self) -> list[Member]:
        """Every member with their role, owners first (anyone may look)."""
        self._require_server()
        with translated_errors(), self._sessions() as session:
            if not roles.is_set_up(session):
                return [Member(roles.current_user(session), roles.current_role(session))]
            return roles.members(session, roles.notebook_groups(session))

    def user_exists(self, user: str) -> bool:
        """True when ``user`` is already a role on the server (no password needed)."""
        self._require_server()
        with translated_errors(), self._sessions() as session:
            return roles.role_exists(session, check_user_name(user))

    def add(self, user: str, role: Role, password: str | None = None) -> Member:
        """Make ``user`` a member with ``role``; a user missing on the server is created
        as a login role with ``password`` (which is then required).

        Raises:
            ValidationError: bad name, already a member, missing password, a superuser
                as editor or reader, one of the notebook's own groups.
            AccessDenied: the current user is not an owner (or the server refused).
        """
        name = check_user_name(user)
        self._require_owner()
        with translated_errors(), self._sessions() as session, session.begin():
            groups = self._set_up(session)
            self._refuse_group(name, groups)
            if roles.role_exists(session, name):
                if _role_of(session, name, groups) is not None:
                    raise ValidationError(f"{name} is already a member; change the role "
                                          "with 'team role'")
                self._refuse_superuser(session, name, role)
            elif not password:
                raise ValidationError(f"{name} does not exist on the server yet: give a "
                                      "password to create it")
            elif not roles.can_create_roles(session):
                raise AccessDenied(f"{name} does not exist on the server, and creating a user "
                                   "needs the CREATEROLE privilege: ask the server's "
                                   "administrator to create it, then add it")
            else:
                roles.create_login(session, name, password)
                log.info("created login role %s", name)
            roles.grant(session, name, role, groups)
        log.info("added %s as %s", name, role.value)
        return Member(name, role)

    def set_role(self, user: str, role: Role) -> Member:
        """Give the member ``user`` another role (not the last owner's)."""
        name = check_user_name(user)
        self._require_owner()
        with translated_errors(), self._sessions() as session, session.begin():
            groups = self._set_up(session)
            current = self._member_role(session, name, groups)
            if current is Role.OWNER and role is not Role.OWNER:
                self._refuse_last_owner(session, name, groups)
            self._refuse_superuser(session, name, role)
            roles.grant(session, name, role, groups)
        return Member(name, role)

    def remove(self, user: str) -> None:
        """End ``user``'s membership (the login role itself stays: it may be used
        elsewhere on the server, and Dossier deletes nothing it did not make)."""
        name = check_user_name(user)
        self._require_owner()
        with translated_errors(), self._sessions() as session, session.begin():
            groups = self._set_up(session)
            if self._member_role(session, name, groups) is Role.OWNER:
                self._refuse_last_owner(session, name, groups)
            roles.revoke_all(session, name, groups)
        log.info("removed %s from the team", name)

    @staticmethod
    def _set_up(session: Session) -> dict[Role, str]:
        """The team's groups, made on first use (which needs CREATEROLE)."""
        if not roles.is_set_up(session) and not roles.can_create_roles(session):
            raise AccessDenied("this notebook has no team yet, and making one needs the "
                               "CREATEROLE privilege: ask the server's administrator")
        return roles.set_up(session)

    # -- checks ---------------------------------------------------------------------------
    def _require_server(self) -> None:
        if not self._access().is_shared:
            raise ValidationError(NEEDS_SERVER)

    def _require_owner(self) -> None:
        access = self._access()
        self._require_server()
        if access.role is not Role.OWNER:
            raise AccessDenied(f"only an owner can change the team; {access.user} is "
                               f"{'an' if access.role is Role.EDITOR else 'a'} "
                               f"{access.role.value}")

    @staticmethod
    def _refuse_group(name: str, groups: dict[Role, str]) -> None:
        if name in groups.values():
            raise ValidationError(f"{name} is one of this notebook's own group roles")

    @staticmethod
    def _refuse_superuser(session: Session, name: str, role: Role) -> None:
        if role is not Role.OWNER and roles.is_superuser(session, name):
            raise ValidationError(f"{name} is a superuser: PostgreSQL lets it do anything, "
                                  f"so it cannot be limited to {role.value}")

    @staticmethod
    def _member_role(session: Session, name: str, groups: dict[Role, str]) -> Role:
        role = _role_of(session, name, groups)
        if role is None:
            raise ValidationError(f"{name} is not a member of this notebook")
        return role

    @staticmethod
    def _refuse_last_owner(session: Session, name: str, groups: dict[Role, str]) -> None:
        owners = [m for m in roles.members(session, groups) if m.role is Role.OWNER]
        if [m.user for m in owners] == [name]:
            raise ValidationError(f"{name} is the notebook's last owner; make another "
                                  "member an owner first")


def _role_of(session: Session, name: str, groups: dict[Role, str]) -> Role | None:
    """``name``'s direct role in the team, or None."""
    for member in roles.members(session, groups):
        if member.user == name:
            return member.role
    return None
