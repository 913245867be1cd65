"""``edit`` and ``review`` commands, and newer versions met by ``import`` (issue 12).

    python main.py edit ID [--from FILE] [--reason TEXT]   # else opens $VISUAL / $EDITOR
    python main.py review [ID]
    python main.py import --update PATH...                 # newer versions replace texts

An edit re-anchors the article's highlights and prints how many stayed, moved or were
orphaned; orphans keep their quote and are listed by ``review`` until re-attached (GUI)
or deleted.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.core.errors import DossierError, ValidationError
from app.core.revisions import EditReport, NewerVersion, Orphan

Add = Callable[[str, Callable[[Any, argparse.Namespace], int], str], argparse.ArgumentParser]
OK, FAILED_ITEMS = 0, 1


def add_commands(add: Add) -> None:
    """Register ``edit`` and ``review`` with the main parser's ``add`` helper."""
    p = add("edit", cmd_edit, "correct an article's text in $EDITOR (or take it from "
            "--from FILE) as a new revision; highlights follow their words")
    p.add_argument("id", type=int, help="article id")
    p.add_argument("--from", dest="source", metavar="FILE", help="the new text (UTF-8)")
    p.add_argument("--reason", default="", help="why the text changed (kept with it)")
    p = add("review", cmd_review, "list highlights whose words an edit removed "
            "(orphans), with their old quote and context")
    p.add_argument("id", type=int, nargs="?", help="only this article")


def cmd_edit(nb: Any, args: argparse.Namespace) -> int:
    text = nb.articles.get(args.id).text
    new = _read(Path(args.source)) if args.source else _from_editor(text)
    report = nb.revisions.edit_text(args.id, new, reason=args.reason)
    print(edit_summary(report))
    for orphan in nb.revisions.orphans(args.id) if report.orphaned else ():
        print(f"  ? {orphan_line(orphan)}")
    if report.orphaned:
        print(f"see: python main.py review {args.id}")
    nb.search.flush()
    return OK


def cmd_review(nb: Any, args: argparse.Namespace) -> int:
    if args.id is not None:
        nb.articles.get(args.id)  # NotFound for a wrong id
    orphans = nb.revisions.orphans(args.id)
    where = f"article {args.id}" if args.id is not None else "the notebook"
    print(f"{len(orphans)} highlights of {where} need review" if orphans
          else f"no highlights of {where} need review")
    for orphan in orphans:
        print(f"  {orphan_line(orphan)}")
    return OK


def edit_summary(report: EditReport) -> str:
    """One line: what an edit did to the text and its highlights."""
    if report.is_noop:
        return f"article {report.article_id}: the text is unchanged; nothing saved"
    return (f"article {report.article_id}: saved as revision {report.revision}; highlights: "
            f"{report.unchanged} unchanged, {report.moved} moved, {report.orphaned} orphaned")


def orphan_line(orphan: Orphan) -> str:
    """``[id] article N 'title': …prefix[quote]suffix…`` on one line."""
    context = f"…{orphan.prefix}[{orphan.exact}]{orphan.suffix}…".replace("\n", " ")
    return f"[{orphan.highlight_id}] article {orphan.article_id} {orphan.article_title!r}: " \
           f"{context}"


def newer_versions(nb: Any, newer: list[NewerVersion], update: bool) -> int:
    """Report newer versions found by an import, or (``update``) replace each stored
    text with its newer version. Returns how many could not be applied."""
    failed = 0
    for item in newer:
        art = item.article
        if not update:
            print(f"  ~ {item.source}: a newer version of article {art.id} ({art.title}): "
                  "use --update")
            continue
        try:
            report = nb.revisions.edit_text(art.id, item.text,
                                             reason=f"newer version from {item.source}")
        except DossierError as exc:
            print(f"  ! {item.source}: article {art.id} not updated: {exc}")
            failed += 1
            continue
        print(f"  ~ {item.source}: {edit_summary(report)}")
    return failed


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") \
            from None
    except OSError as exc:
        raise ValidationError(f"{path}: cannot read it ({exc.strerror})") from None


def _from_editor(text: str) -> str:
    """The text after the user edited it in ``$VISUAL`` / ``$EDITOR`` (a temporary
    file, removed afterwards). Raises ValidationError if the editor fails."""
    command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    with tempfile.TemporaryDirectory(prefix="dossier-edit-") as folder:
        path = Path(folder) / "article.txt"
        path.write_text(text, encoding="utf-8")
        try:
            done = subprocess.run([*shlex.split(command), str(path)], check=False)
        except OSError as exc:
            raise ValidationError(f"cannot start the editor {command!r}: {exc.strerror}") \
                from None
        if done.returncode != 0:
            raise ValidationError(f"the editor {command!r} exited with {done.returncode}; "
                                  "nothing was changed")
        return _read(path)

