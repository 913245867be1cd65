"""CLI commands for actors and agreements: ``actors``, ``agreements``, ``suggest``,
``export-actors``. :func:`add_commands` wires them into the main parser."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Callable
from typing import Any

from app.cli.progress import TerminalProgress
from app.core.actor_records import (
    ACTOR_KINDS,
    AGREEMENT_TYPES,
    STATUSES,
    Actor,
    Agreement,
)
from app.core.errors import ValidationError
from app.core.progress import CancelToken
from app.services import AGREEMENT_SORTS as SORTS
from app.services import ActorExports, Notebook

OK, CANCELLED = 0, 130
Adder = Callable[[str, Callable[[Notebook, argparse.Namespace], int], str],
                 argparse.ArgumentParser]


def _out(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def _json(value: Any) -> None:
    _out(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _actor_id(nb: Notebook, name_or_id: str) -> int:
    if name_or_id.isdigit():
        return nb.actors.get(int(name_or_id)).id
    actor = nb.actors.find(name_or_id)
    if actor is None:
        raise ValidationError(f"no actor named {name_or_id!r}")
    return actor.id


# -- actors ---------------------------------------------------------------------------------
def cmd_actors(nb: Notebook, args: argparse.Namespace) -> int:
    if args.id:
        return _show_actor(nb, _actor_id(nb, args.id), args.json)
    found = nb.actors.list(kind=args.kind or "", text=args.text or "")
    if args.json:
        _json([dataclasses.asdict(a) for a in found])
        return OK
    for actor in found:
        _out(_actor_line(actor))
    _out(f"{len(found):,} actors")
    return OK


def _actor_line(actor: Actor) -> str:
    country = f" {actor.country}" if actor.country else ""
    aliases = ", ".join(a.name for a in actor.aliases)
    return (f"[{actor.id}] {actor.name} ({actor.kind}{country}) "
            f"{actor.mention_count} mentions in {actor.article_count} articles"
            + (f" — also: {aliases}" if aliases else ""))


def _show_actor(nb: Notebook, actor_id: int, as_json: bool) -> int:
    actor = nb.actors.get(actor_id)
    mentions, co, roles = (nb.actors.mentions(actor_id), nb.actors.co_actors(actor_id),
                           nb.actors.roles(actor_id))
    if as_json:
        _json({"actor": dataclasses.asdict(actor),
               "mentions": [dataclasses.asdict(m) for m in mentions],
               "co_actors": [dataclasses.asdict(c) for c in co],
               "roles": [dataclasses.asdict(r) for r in roles]})
        return OK
    _out(_actor_line(actor))
    if actor.external_id:
        _out(f"  Wikidata: {actor.external_id}")
    for alias in actor.aliases:
        _out(f"  alias: {alias.name} [{alias.language or '?'}, {alias.script}]")
    for m in mentions:
        _out(f"  [{m.article_id}] …{m.prefix[-30:]}**{m.exact}**{m.suffix[:30]}…"
             .replace("\n", " "))
    for c in co:
        _out(f"  with [{c.actor_id}] {c.name}: {c.shared_articles} articles")
    for r in roles:
        _out(f"  {r.role} of [{r.agreement_id}] {r.agreement_title}")
    return OK


# -- agreements -------------------------------------------------------------------------------
def cmd_agreements(nb: Notebook, args: argparse.Namespace) -> int:
    if args.id:
        return _show_agreement(nb.agreements.get(args.id), args.json)
    actor_id = _actor_id(nb, args.actor) if args.actor else None
    found = nb.agreements.list(sort=args.sort, descending=args.desc, type=args.type or "",
                               status=args.status or "", actor_id=actor_id)
    if args.json:
        _json([dataclasses.asdict(a) for a in found])
        return OK
    for a in found:
        flag = " ⚠ conflicting reports" if a.is_conflicted else ""
        _out(f"[{a.id}] {a.title} — {a.type}, {a.status or 'no status'} {a.date}".rstrip()
             + f"; {a.value.display() or 'no value'}; {len(a.evidence)} passages from "
             f"{a.outlet_count} outlets{flag}")
    _out(f"{len(found):,} agreements")
    return OK


def _show_agreement(a: Agreement, as_json: bool) -> int:
    if as_json:
        _json(dataclasses.asdict(a))
        return OK
    _out(f"[{a.id}] {a.title} ({a.type})")
    _out(f"  value: {a.value.display() or '—'}  (raw: {a.value.text or '—'})")
    _out(f"  status: {a.status or '—'} {a.date}")
    for p in a.parties:
        _out(f"  {p.role}: [{p.actor_id}] {p.actor_name}")
    for e in a.events:
        _out(f"  {e.date or '(undated)'}: {e.status} {e.note}".rstrip())
    for ev in a.evidence:
        flag = " ⚠" if ev.is_conflicted else ""
        _out(f"  {ev.stance} {ev.field}: “{ev.quote}” — {ev.outlet or '?'}, "
             f"[{ev.article_id}] ({ev.corroborating_outlets} outlets){flag}")
    if a.summary:
        _out("")
        _out(a.summary)
    return OK


# -- suggestions ------------------------------------------------------------------------------
def cmd_suggest(nb: Notebook, args: argparse.Namespace) -> int:
    actor_ids = [_actor_id(nb, a) for a in args.actor] if args.actor else None
    token = CancelToken()
    bar = TerminalProgress(verb="looking for actors")
    report = nb.actors.suggestions.run(actor_ids=actor_ids, min_score=args.min_score,
                                       progress=bar, cancel=token)
    bar.finish()
    shown = report.suggestions[: args.limit] if args.limit else report.suggestions
    if args.json:
        _json([dataclasses.asdict(s) for s in shown])
    else:
        for s in shown:
            _out(f"{s.score:5.1f} {s.reason:10} [{s.article_id}:{s.start}] {s.surface!r} → "
                 f"{s.actor_name}   …{s.context}…")
        _out(f"{len(report.suggestions):,} suggestions in {report.articles_scanned:,} articles")
    if args.accept_all:
        changes = nb.actors.suggestions.accept_all(report.suggestions)
        _out(f"marked {len(report.suggestions):,} mentions of {len(changes.actors):,} actors")
    return CANCELLED if report.cancelled else OK


# -- exports ----------------------------------------------------------------------------------
def cmd_export_actors(nb: Notebook, args: argparse.Namespace) -> int:
    if not (args.csv or args.xlsx or args.graphml or args.json):
        raise ValidationError("say what to export: --csv FOLDER, --xlsx FILE, "
                              "--graphml FILE and/or --json FILE")
    exports = ActorExports(nb.actors, nb.agreements)
    written = []
    if args.csv:
        written += exports.to_csv(args.csv)
    if args.xlsx:
        written.append(exports.to_xlsx(args.xlsx))
    if args.graphml:
        written.append(exports.to_graphml(args.graphml))
    if args.json:
        written.append(exports.to_json(args.json))
    for path in written:
        _out(f"wrote {path}")
    return OK


def add_commands(add: Adder) -> None:
    """Add the actor and agreement commands through build_parser's ``add`` helper."""
    p = add("actors", cmd_actors, "list actors with kinds and mention counts, or show one")
    p.add_argument("id", nargs="?", help="an actor id or name: show aliases, mentions, "
                   "co-occurring actors and agreements")
    p.add_argument("--kind", choices=ACTOR_KINDS)
    p.add_argument("--text", help="only actors with a spelling containing this")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add("agreements", cmd_agreements, "list agreements, or show one with its evidence")
    p.add_argument("id", nargs="?", type=int)
    p.add_argument("--sort", choices=SORTS, default="date")
    p.add_argument("--desc", action="store_true", help="sort descending")
    p.add_argument("--type", choices=AGREEMENT_TYPES)
    p.add_argument("--status", choices=STATUSES)
    p.add_argument("--actor", help="only agreements this actor (id or name) is a party to")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add("suggest", cmd_suggest, "find unmarked mentions of known actors (spelling "
            "variants included) for review")
    p.add_argument("--actor", action="append", help="only this actor (repeatable)")
    p.add_argument("--min-score", type=float, default=85.0)
    p.add_argument("--limit", type=int, default=0, help="show at most this many")
    p.add_argument("--accept-all", action="store_true",
                   help="mark every suggestion found (undoable in the app)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = add("export-actors", cmd_export_actors, "export actors and agreements: evidence "
            "and actors CSV, XLSX, GraphML network (Gephi), JSON")
    p.add_argument("--csv", metavar="FOLDER", help="evidence.csv and actors.csv")
    p.add_argument("--xlsx", metavar="FILE", help="workbook with Evidence and Actors sheets")
    p.add_argument("--graphml", metavar="FILE", help="actor–agreement network")
    p.add_argument("--json", metavar="FILE", help="all actors and agreements")
