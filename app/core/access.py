"""Who may do what in a notebook: the current user's role and why a notebook is read-only.

A shared (PostgreSQL) notebook has owners, editors and readers; the database enforces
them with real roles and grants (:mod:`app.store.roles`), the app only mirrors them so
that it can refuse an edit before touching the database and say why. A notebook on
SQLite belongs to whoever can open its file: its user is the owner.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Role(enum.Enum):
    """A member's role in a notebook, strongest first."""

    OWNER = "owner"
    EDITOR = "editor"
    READER = "reader"

    @classmethod
    def parse(cls, name: str) -> Role:
        """The role named ``name`` (case-insensitive); ValueError if there is none."""
        try:
            return cls(name.strip().lower())
        except ValueError:
            known = ", ".join(r.value for r in cls)
            raise ValueError(f"unknown role {name!r}: use one of {known}") from None


@dataclass(frozen=True, slots=True)
class Access:
    """What the current user may do in an open notebook.

    Attributes:
        user: the database user (PostgreSQL role) or the OS user on SQLite.
        role: the user's role in the notebook.
        read_only_reason: "" when the notebook can be edited; otherwise the one line a
            front end shows (a reader, or a schema newer than this Dossier).
        is_shared: True on a PostgreSQL notebook (roles and ``team`` apply).
    """

    user: str
    role: Role
    read_only_reason: str = ""
    is_shared: bool = False

    @property
    def can_write(self) -> bool:
        """True when edits are allowed (not a reader, schema not newer than the code)."""
        return not self.read_only_reason

    @property
    def can_manage_team(self) -> bool:
        """True when the user may add, remove and change members (owners of a shared
        notebook)."""
        return self.is_shared and self.role is Role.OWNER

    @property
    def can_upgrade(self) -> bool:
        """True when the user may upgrade the notebook's schema."""
        return self.role is Role.OWNER


@dataclass(frozen=True, slots=True)
class Member:
    """One member of a shared notebook's team.

    Attributes:
        user: the PostgreSQL login role.
        role: the member's role in the notebook.
        can_login: False for a group role granted membership (its members inherit it).
    """

    user: str
    role: Role
    can_login: bool = True


def reader_reason(user: str) -> str:
    """The read-only line for a reader."""
    return f"read-only: {user} is a reader of this notebook (an owner can make you an editor)"
