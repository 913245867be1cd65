"""``notes`` and ``report`` commands: list, show, search and export notes; write reports.

    python main.py notes list [--sort title|modified] [--json]
    python main.py notes show NOTE [--html]
    python main.py notes search QUERY...
    python main.py notes export (NOTE | --all) [--format md|html] [-o FILE]
    python main.py report (actor|agreement|note|notebook) [TARGET] [--format md|html] [-o FILE]

NOTE and TARGET are an id or a title (actors: any alias).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.cli import render
from app.core.errors import NotFound, ValidationError
from app.services import NoteService, normalise

Add = Callable[[str, Callable[[Any, argparse.Namespace], int], str], argparse.ArgumentParser]


def add_commands(add: Add) -> None:
    """Register ``notes`` and ``report`` with the main parser's ``add`` helper."""
    p = add("notes", cmd_notes, "research notes: list, show, search or export them")
    p.add_argument("action", choices=["list", "show", "search", "export"])
    p.add_argument("target", nargs="*", help="note id or title (search: the query)")
    p.add_argument("--sort", choices=["title", "modified"], default="title")
    p.add_argument("--all", action="store_true", help="export: every note in one report")
    p.add_argument("--html", action="store_true", help="show: rendered, sanitised HTML")
    _output_options(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add("report", cmd_report, "write a Markdown or HTML report: a note or the whole "
            "notebook with quotations and sources, or an actor or agreement dossier")
    p.add_argument("kind", choices=["actor", "agreement", "note", "notebook"])
    p.add_argument("target", nargs="*", help="id, title or (actors) any alias")
    _output_options(p)


def _output_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=["md", "html"], default="md")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")


def cmd_notes(nb: Any, args: argparse.Namespace) -> int:
    notes = nb.notes
    try:
        return _NOTE_ACTIONS[args.action](notes, args)
    finally:
        notes.close()


def _list(notes: NoteService, args: argparse.Namespace) -> int:
    found = notes.list(args.sort, descending=args.sort == "modified")
    if args.json:
        rows = [{"id": n.id, "title": n.title, "parent_id": n.parent_id,
                 "modified_at": n.modified_at.isoformat(timespec="seconds"),
                 "chars": n.char_count} for n in found]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return 0
    for n in found:
        sys.stdout.write(f"[{n.id}] {n.title}  ({n.modified_at:%Y-%m-%d %H:%M}, "
                         f"{n.char_count:,} chars)\n")
    if not found:
        sys.stdout.write("no notes\n")
    return 0


def _show(notes: NoteService, args: argparse.Namespace) -> int:
    note = notes.get(_note_id(notes, args.target))
    if args.html:
        sys.stdout.write(notes.render(note.body, note.id) + "\n")
    elif args.json:
        sys.stdout.write(json.dumps({"id": note.id, "title": note.title, "body": note.body},
                                    ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(f"# {note.title}\n\n{note.body}\n")
    return 0


def _search(notes: NoteService, args: argparse.Namespace) -> int:
    results = notes.search(" ".join(args.target))
    render.search_results(results, as_json=args.json)
    return 0


def _export(notes: NoteService, args: argparse.Namespace) -> int:
    if args.all:
        text = notes.export_notebook("Notes", args.format)
    else:
        text = notes.export_note(_note_id(notes, args.target), args.format)
    _write(text, args.output)
    return 0


_NOTE_ACTIONS = {"list": _list, "show": _show, "search": _search, "export": _export}


def cmd_report(nb: Any, args: argparse.Namespace) -> int:
    notes = nb.notes
    try:
        target = " ".join(args.target).strip()
        if args.kind == "notebook":
            text = notes.export_notebook(target or nb.name, args.format)
        elif args.kind == "note":
            text = notes.export_note(_note_id(notes, args.target), args.format)
        elif args.kind == "actor":
            text = notes.actor_dossier(_actor_id(nb, target), args.format)
        else:
            text = notes.agreement_dossier(_agreement_id(nb, target), args.format)
    finally:
        notes.close()
    _write(text, args.output)
    return 0


def _note_id(notes: NoteService, words: list[str]) -> int:
    text = " ".join(words).strip()
    if not text:
        raise ValidationError("name the note: its id or title")
    if text.isdigit():
        return int(text)
    found = notes.find(text)
    if found is None:
        raise NotFound(f"no note titled {text!r}")
    return found.id


def _actor_id(nb: Any, text: str) -> int:
    if text.isdigit():
        return int(text)
    actor = nb.actors.find(text) if text else None
    if actor is None:
        raise NotFound(f"no actor called {text!r}")
    return int(actor.id)


def _agreement_id(nb: Any, text: str) -> int:
    if text.isdigit():
        return int(text)
    wanted = normalise(text)
    for agreement in nb.agreements.list():
        if normalise(agreement.title) == wanted:
            return int(agreement.id)
    raise NotFound(f"no agreement titled {text!r}")


def _write(text: str, output: str | None) -> None:
    if output:
        path = Path(output)
        path.write_text(text, encoding="utf-8")
        sys.stdout.write(f"wrote {path}\n")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
