"""``publish URL``: copy the notebook (``--notebook``, default the demo) to an empty
PostgreSQL database, which colleagues then open with ``--notebook URL``.

The URL may carry the password (``postgresql://anna:secret@host/desk``); with
``--remember-password`` it is kept in the system keyring, so later URLs can leave it out.
Without one, libpq's ``~/.pgpass``, ``PGPASSFILE`` or a service file supply it. Dossier
prints and logs the URL only without its password.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from app.cli.transfer import summary
from app.services import Notebook, publish, save_password, without_password

Add = Callable[[str, Callable[[Notebook, argparse.Namespace], int], str], argparse.ArgumentParser]


def add_commands(add: Add) -> None:
    """Register ``publish`` with the main parser's ``add`` helper."""
    p = add("publish", cmd_publish, "copy the notebook to an empty PostgreSQL database "
            "(postgresql://user[:password]@host[:port]/database) to share it with a team")
    p.add_argument("url", help="the target database, which must be empty")
    p.add_argument("--remember-password", action="store_true",
                   help="keep the URL's password in the system keyring")


def cmd_publish(nb: Notebook, args: argparse.Namespace) -> int:
    report = publish(nb, args.url)
    print(f"published {nb.name} to {report.path}: {summary(report)}")
    if args.remember_password:
        if save_password(args.url):
            print("the password is kept in the system keyring")
        else:
            print("the password was not saved: no system keyring could store it "
                  "(use ~/.pgpass instead)")
    print(f"open it with: python main.py --notebook {without_password(args.url)} ...")
    return 0
