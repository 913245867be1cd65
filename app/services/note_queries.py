"""Read helpers for notes: rows to records, link targets, backlinks. Take a Session,
never commit.

Actor and agreement targets are read through issue 5's helpers and tables when they are
present; without them those links resolve as broken, never as errors.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.notes.links import LinkRef, Resolved, find_links, line_around, normalise
from app.notes.model import Backlink, NoteSummary
from app.services.names import name_keys
from app.store import schema
from app.store import schema_notes as sn

log = logging.getLogger(__name__)

N, NL = sn.note, sn.note_link
A, H = schema.article, schema.highlight
SUMMARY = (N.c.id, N.c.title, N.c.parent_id, N.c.created_at, N.c.modified_at,
           func.length(N.c.body).label("chars"))


def summary(row: Any) -> NoteSummary:
    return NoteSummary(id=row.id, title=row.title, parent_id=row.parent_id,
                       created_at=row.created_at, modified_at=row.modified_at,
                       char_count=int(row.chars or 0))


def _actor_tables() -> Any:
    """Issue 5's actor helpers, or None while they are absent."""
    try:
        from app.services import actor_queries
    except ImportError:
        return None
    return actor_queries


def actor_spellings(session: Session) -> dict[int, list[str]]:
    """Every actor's spellings (name and aliases), or nothing without actor support."""
    helpers = _actor_tables()
    return helpers.spellings(session) if helpers is not None else {}


def agreement_titles(session: Session) -> dict[int, str]:
    helpers = _actor_tables()
    if helpers is None:
        return {}
    table = helpers.AGREEMENT
    return {i: t for i, t in session.execute(select(table.c.id, table.c.title))}


def note_titles(session: Session) -> dict[int, str]:
    return {i: t for i, t in session.execute(select(N.c.id, N.c.title))}


def _ascii_lower(text: str) -> str:
    """What SQLite's lower() does (ASCII only), for comparing with ``lower(title)``."""
    return "".join(c.lower() if c.isascii() else c for c in text)


def articles(session: Session, targets: Iterable[str]) -> dict[str, tuple[int, str]]:
    """Article ``(id, title)`` by normalised target: an id ("12") or a title."""
    wanted = {normalise(t): t.strip() for t in targets}
    ids = {int(t) for t in wanted if t.isdigit()}
    titles = {v for k, v in wanted.items() if not k.isdigit()}
    variants = {f(t) for t in titles for f in (str.lower, _ascii_lower, str)}
    out: dict[str, tuple[int, str]] = {}
    if ids:
        for i, title in session.execute(select(A.c.id, A.c.title).where(A.c.id.in_(ids))):
            out[str(i)] = (i, title)
    if variants:
        rows = session.execute(select(A.c.id, A.c.title).where(
            func.lower(A.c.title).in_(variants) | A.c.title.in_(variants)).order_by(A.c.id))
        for i, title in rows:
            out.setdefault(normalise(title), (i, title))
    return out


def passages(session: Session, ids: Iterable[int]) -> dict[int, Resolved]:
    """Resolved passage links (quote and source) for existing highlight ids."""
    rows = session.execute(
        select(H.c.id, H.c.exact, A.c.title, A.c.outlet, A.c.published)
        .join(A, A.c.id == H.c.article_id).where(H.c.id.in_(list(ids))))
    return {r.id: Resolved("passage", r.id, r.title, r.exact,
                           source_line(r.title, r.outlet, r.published)) for r in rows}


def source_line(title: str, outlet: str, published: str) -> str:
    """"Title, Outlet, 2025-11-06" without empty parts."""
    return ", ".join(p for p in (title.strip(), outlet.strip(), published.strip()) if p)


def match_actor(spellings: dict[int, list[str]], name: str) -> tuple[int, str] | None:
    """The first actor (lowest id) one of whose spellings matches ``name`` across
    languages (Tokajew = Tokayev), as ``(id, canonical name)``."""
    keys = name_keys(name)
    wanted = normalise(name)
    for actor_id in sorted(spellings):
        names = spellings[actor_id]
        if any(normalise(s) == wanted for s in names) or (
                keys and any(keys & name_keys(s) for s in names)):
            return actor_id, names[0]
    return None


def exists(session: Session, kind: str, ids: set[int]) -> dict[int, str]:
    """Which of ``ids`` still exist for a kind, with their current titles."""
    if not ids:
        return {}
    if kind == "actor":
        return {i: s[0] for i, s in actor_spellings(session).items() if i in ids}
    if kind == "agreement":
        return {i: t for i, t in agreement_titles(session).items() if i in ids}
    if kind == "note":
        return {i: t for i, t in note_titles(session).items() if i in ids}
    if kind == "article":
        rows = session.execute(select(A.c.id, A.c.title).where(A.c.id.in_(ids)))
        return {i: t for i, t in rows}
    return {i: r.title for i, r in passages(session, ids).items()}


def last_targets(session: Session, note_id: int) -> dict[tuple[str, str], int]:
    """The id each link of a note last resolved to, by link key."""
    rows = session.execute(select(NL.c.kind, NL.c.target_text, NL.c.target_id)
                           .where(NL.c.note_id == note_id, NL.c.target_id.is_not(None)))
    return {(k, normalise(t)): i for k, t, i in rows}


def backlinks(session: Session, kind: str, target_ids: Iterable[int]) -> list[Backlink]:
    """Notes linking to any of these targets, with the line around the first such link."""
    ids = set(target_ids)
    rows = session.execute(
        select(NL.c.note_id, NL.c.target_id, NL.c.target_text, N.c.title, N.c.body)
        .join(N, N.c.id == NL.c.note_id)
        .where(NL.c.kind == kind, NL.c.target_id.in_(ids) | NL.c.target_id.is_(None))
        .order_by(N.c.title, N.c.id)).all()
    late = _resolve_late(session, kind, [r for r in rows if r.target_id is None])
    out: dict[tuple[int, int], Backlink] = {}
    for note_id, stored_id, text, title, body in rows:
        target_id = stored_id if stored_id is not None else late.get(normalise(text))
        if target_id not in ids:
            continue
        if (note_id, target_id) in out:
            continue
        refs = [r for r in find_links(body)
                if r.kind == kind and normalise(r.target) == normalise(text)]
        context = line_around(body, refs[0].start, refs[0].end) if refs else ""
        out[(note_id, target_id)] = Backlink(note_id, title, kind, target_id, context)
    return list(out.values())


Key = tuple[str, str]


def _resolve_late(session: Session, kind: str, rows: list[Any]) -> dict[str, int]:
    """Target ids, by normalised text, of links that were broken when their note was
    saved but resolve now (their actor or agreement was created afterwards)."""
    if not rows:
        return {}
    refs = [LinkRef(kind, r.target_text) for r in rows]
    found = resolve(session, refs)
    return {key[1]: r.target_id for key, r in found.items() if r.target_id is not None}


def resolve(session: Session, refs: Iterable[LinkRef],
            last: dict[Key, int] | None = None) -> dict[Key, Resolved]:
    """Resolve links by name now; a link whose name no longer matches (its target was
    renamed) falls back to the id it last resolved to (``last``) if that still exists.
    Keys missing from the result are broken links."""
    wanted: dict[str, dict[Key, str]] = {}
    for ref in refs:
        wanted.setdefault(ref.kind, {})[ref.key] = ref.target
    out: dict[Key, Resolved] = {}
    for kind, targets in wanted.items():
        out.update(_BY_KIND[kind](session, targets))
    _fall_back(session, wanted, out, last or {})
    return out


def _by_title(kind: str, titles: dict[int, str], targets: dict[Key, str]) -> dict[Key, Resolved]:
    index: dict[str, tuple[int, str]] = {}
    for i in sorted(titles):
        index.setdefault(normalise(titles[i]), (i, titles[i]))
    found = {key: index.get(key[1]) for key in targets}
    return {k: Resolved(kind, v[0], v[1]) for k, v in found.items() if v}


def _actors(session: Session, targets: dict[Key, str]) -> dict[Key, Resolved]:
    spellings = actor_spellings(session)
    out = {}
    for key, name in targets.items():
        if (found := match_actor(spellings, name)) is not None:
            out[key] = Resolved("actor", found[0], found[1])
    return out


def _agreements(session: Session, targets: dict[Key, str]) -> dict[Key, Resolved]:
    return _by_title("agreement", agreement_titles(session), targets)


def _notes(session: Session, targets: dict[Key, str]) -> dict[Key, Resolved]:
    return _by_title("note", note_titles(session), targets)


def _articles(session: Session, targets: dict[Key, str]) -> dict[Key, Resolved]:
    found = articles(session, targets.values())
    return {k: Resolved("article", found[k[1]][0], found[k[1]][1])
            for k in targets if k[1] in found}


def _passages(session: Session, targets: dict[Key, str]) -> dict[Key, Resolved]:
    ids = {int(k[1]): k for k in targets if k[1].isdigit()}
    return {ids[i]: r for i, r in passages(session, ids).items()}


_BY_KIND = {"actor": _actors, "agreement": _agreements, "note": _notes,
            "article": _articles, "passage": _passages}


def _fall_back(session: Session, wanted: dict[str, dict[Key, str]],
               out: dict[Key, Resolved], last: dict[Key, int]) -> None:
    for kind, targets in wanted.items():
        if kind == "passage":
            continue
        missing = {key: last[key] for key in targets if key not in out and key in last}
        alive = exists(session, kind, set(missing.values()))
        for key, target_id in missing.items():
            if target_id in alive:
                out[key] = Resolved(kind, target_id, alive[target_id])
