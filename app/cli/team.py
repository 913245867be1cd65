"""``team`` (owners, editors, readers of a shared notebook) and ``upgrade`` (its schema).

``team add USER --role editor`` creates USER as a PostgreSQL login role when it does not
exist yet: the password is asked for twice on the terminal, or read from the first line
of standard input with ``--password-stdin`` (for scripts). It is never printed or stored.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.core.access import Role
from app.core.errors import ValidationError
from app.services import Notebook, default_notebook_dir, upgrade_notebook

Add = Callable[[str, Callable[[Notebook, argparse.Namespace], int], str], argparse.ArgumentParser]
ROLES = [r.value for r in Role]


def add_commands(add: Add) -> None:
    """Register ``team`` and ``upgrade`` with the main parser's ``add`` helper."""
    p = add("team", cmd_team, "members of a shared (PostgreSQL) notebook: list them; an "
            "owner adds, removes or changes them (owner, editor or reader)")
    p.add_argument("action", choices=["list", "add", "remove", "role"])
    p.add_argument("user", nargs="?", help="the PostgreSQL user (created if missing on 'add')")
    p.add_argument("--role", choices=ROLES, help="add/role: the member's role")
    p.add_argument("--password-stdin", action="store_true",
                   help="add: read a new user's password from the first line of stdin")
    p = add("upgrade", cmd_upgrade_unused, "upgrade the notebook's schema to this Dossier's "
            "(a shared notebook: owners only, after a pg_dump backup)")
    p.add_argument("--backup-dir", metavar="DIR", type=Path,
                   help="where the pg_dump backup goes (default: Dossier's data folder)")
    p.set_defaults(run=cmd_upgrade)


def cmd_team(nb: Notebook, args: argparse.Namespace) -> int:
    if args.action == "list":
        for member in nb.team.members():
            kind = "" if member.can_login else "  (group)"
            print(f"{member.role.value:<8} {member.user}{kind}")
        return 0
    if not args.user:
        raise ValidationError(f"team {args.action}: say which user")
    if args.action == "remove":
        nb.team.remove(args.user)
        print(f"removed {args.user} from the team (the user itself stays on the server)")
        return 0
    if not args.role:
        raise ValidationError(f"team {args.action}: give --role ({', '.join(ROLES)})")
    role = Role.parse(args.role)
    if args.action == "role":
        nb.team.set_role(args.user, role)
        print(f"{args.user} is now {_article(role)} {role.value}")
        return 0
    password = None if nb.team.user_exists(args.user) else _new_password(args)
    nb.team.add(args.user, role, password)
    print(f"added {args.user} as {_article(role)} {role.value}")
    return 0


def _article(role: Role) -> str:
    return "an" if role.value[0] in "aeiou" else "a"


def _new_password(args: argparse.Namespace) -> str:
    """The new user's password: stdin's first line, or asked twice on the terminal."""
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"password for the new user {args.user}: ")
        if getpass.getpass("the same password again: ") != password:
            raise ValidationError("the two passwords differ; nothing was changed")
    if not password:
        raise ValidationError(f"{args.user} does not exist yet: a password is needed to "
                              "create it")
    return password


def cmd_upgrade_unused(_nb: Notebook, _args: argparse.Namespace) -> int:
    """Never called: ``upgrade`` runs through ``run`` without opening the notebook
    (an older shared notebook cannot be opened until it is upgraded)."""
    raise AssertionError("upgrade runs without an open notebook")


def cmd_upgrade(args: Any) -> int:
    location = args.notebook or default_notebook_dir()
    result = upgrade_notebook(location, args.backup_dir)
    if result.before == result.after:
        print(f"the notebook is up to date (schema {result.after})")
        return 0
    if result.backup:
        print(f"backed up to {result.backup}")
    print(f"upgraded the notebook from schema {result.before or '(new)'} to {result.after}")
    return 0
