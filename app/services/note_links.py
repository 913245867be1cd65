"""Resolving note ``[[links]]``: by name now, by remembered id after a rename; backlinks;
keeping each note's stored link rows in line with its text.

The rules live here (actors match by any alias across languages, titles ignoring case and
spacing, a renamed target is found by the id its link last resolved to); the rows are
read and written through :mod:`app.store.note_links` and :mod:`app.store.notes`.
Functions take a session (reads) or a transaction (writes) and never commit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

from app.core.ids import NoteId
from app.core.notes import Backlink
from app.notes.links import KINDS, LinkRef, Resolved, find_links, line_around, normalise
from app.services.names import name_keys
from app.services.unit import Transaction
from app.store import note_links as links
from app.store import notes as note_rows
from app.store.sessions import Session

log = logging.getLogger(__name__)

IdT = TypeVar("IdT", bound=int)
Key = tuple[str, str]
"""A link's kind and normalised target text: what identifies its target."""
MAX_TARGET = 500
"""Longest stored link text (the column's size)."""


def source_line(title: str, outlet: str, published: str) -> str:
    """"Title, Outlet, 2025-11-06" without empty parts."""
    return ", ".join(p for p in (title.strip(), outlet.strip(), published.strip()) if p)


def match_actor(names: dict[int, list[str]], name: str) -> tuple[int, str] | None:
    """The first actor (lowest id) one of whose spellings matches ``name`` across
    languages (Tokajew = Tokayev), as ``(id, canonical name)``."""
    keys = name_keys(name)
    wanted = normalise(name)
    for actor_id in sorted(names):
        found = names[actor_id]
        if any(normalise(s) == wanted for s in found) or (
                keys and any(keys & name_keys(s) for s in found)):
            return actor_id, found[0]
    return None


def _ascii_lower(text: str) -> str:
    """What SQLite's lower() does (ASCII only), for comparing with ``lower(title)``."""
    return "".join(c.lower() if c.isascii() else c for c in text)


def _articles(session: Session, targets: Iterable[str]) -> dict[str, tuple[int, str]]:
    """Article ``(id, title)`` by normalised target: an id ("12") or a title."""
    wanted = {normalise(t): t.strip() for t in targets}
    numbers = {int(t) for t in wanted if t.isdigit()}
    titles = {v for k, v in wanted.items() if not k.isdigit()}
    out = {str(i): (i, t) for i, t in links.article_titles(session, numbers).items()}
    variants = {f(t) for t in titles for f in (str.lower, _ascii_lower, str)}
    for i, title in links.articles_titled(session, variants):
        out.setdefault(normalise(title), (i, title))
    return out


def passages(session: Session, ids: Iterable[int]) -> dict[int, Resolved]:
    """Resolved passage links (quote and source) for existing highlight ids."""
    return {p.id: Resolved("passage", p.id, p.title, p.exact,
                           source_line(p.title, p.outlet, p.published))
            for p in links.passages(session, ids)}


def exists(session: Session, kind: str, ids: set[int]) -> dict[int, str]:
    """Which of ``ids`` still exist for a kind, with their current titles."""
    if not ids:
        return {}
    if kind == "actor":
        return {i: s[0] for i, s in links.actor_spellings(session, ids).items()}
    if kind == "agreement":
        return {i: t for i, t in links.agreement_titles(session).items() if i in ids}
    if kind == "note":
        return {i: t for i, t in note_rows.titles(session).items() if i in ids}
    if kind == "article":
        return links.article_titles(session, ids)
    return {i: r.title for i, r in passages(session, ids).items()}


def last_targets(session: Session, note_id: int) -> dict[Key, int]:
    """The id each link of a note last resolved to, by link key."""
    return {(k, normalise(t)): i for k, t, i in links.resolved_targets(session, note_id)}


def _by_title(kind: str, titles: Mapping[IdT, str], targets: dict[Key, str]
              ) -> dict[Key, Resolved]:
    index: dict[str, tuple[int, str]] = {}
    for i in sorted(titles):
        index.setdefault(normalise(titles[i]), (i, titles[i]))
    found = {key: index.get(key[1]) for key in targets}
    return {k: Resolved(kind, v[0], v[1]) for k, v in found.items() if v}


def _resolve_actors(session: Session, targets: dict[Key, str]) -> dict[Key, Resolved]:
    names = links.actor_spellings(session)
    out = {}
    for key, name in targets.items():
        if (found := match_actor(names, name)) is not None:
            out[key] = Resolved("actor", found[0], found[1])
    return out


def _resolve_agreements(session: Session, targets: dict[Key, str]) -> dict[Key, Resolved]:
    return _by_title("agreement", links.agreement_titles(session), targets)


def _resolve_notes(session: Session, targets: dict[Key, str]) -> dict[Key, Resolved]:
    return _by_title("note", note_rows.titles(session), targets)


def _resolve_articles(session: Session, targets: dict[Key, str]) -> dict[Key, Resolved]:
    found = _articles(session, targets.values())
    return {k: Resolved("article", found[k[1]][0], found[k[1]][1])
            for k in targets if k[1] in found}


def _resolve_passages(session: Session, targets: dict[Key, str]) -> dict[Key, Resolved]:
    ids = {int(k[1]): k for k in targets if k[1].isdigit()}
    return {ids[i]: r for i, r in passages(session, ids).items()}


_BY_KIND: dict[str, Callable[[Session, dict[Key, str]], dict[Key, Resolved]]] = {
    "actor": _resolve_actors, "agreement": _resolve_agreements, "note": _resolve_notes,
    "article": _resolve_articles, "passage": _resolve_passages}


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


# -- backlinks ----------------------------------------------------------------------------
def backlinks(session: Session, kind: str, target_ids: Iterable[int]) -> list[Backlink]:
    """Notes linking to any of these targets, with the line around the first such link.

    Links that were broken when their note was saved count if they resolve now.
    """
    ids = set(target_ids)
    rows = links.linking_rows(session, kind, ids)
    broken = [LinkRef(kind, r.target_text) for r in rows if r.target_id is None]
    late = {key[1]: r.target_id for key, r in resolve(session, broken).items()} if broken else {}
    out: dict[tuple[int, int], Backlink] = {}
    for row in rows:
        target_id = row.target_id if row.target_id is not None else late.get(
            normalise(row.target_text))
        if target_id is None or target_id not in ids or (row.note_id, target_id) in out:
            continue
        text = normalise(row.target_text)
        refs = [r for r in find_links(row.note_body)
                if r.kind == kind and normalise(r.target) == text]
        context = line_around(row.note_body, refs[0].start, refs[0].end) if refs else ""
        out[(row.note_id, target_id)] = Backlink(row.note_id, row.note_title, kind, target_id,
                                                 context)
    return list(out.values())


# -- keeping link rows current ------------------------------------------------------------
def stale_notes(session: Session, kinds: Sequence[str] = KINDS) -> set[NoteId]:
    """Notes with a broken link that resolves now, or a link to a deleted target.

    Works on distinct targets, not link rows, so a thousand notes citing the same
    missing name cost one resolution."""
    broken = links.broken_targets(session, kinds)
    found = resolve(session, [LinkRef(k, t) for k, t in broken]) if broken else {}
    fixable: dict[str, list[str]] = {}
    for kind, text in broken:
        if (kind, normalise(text)) in found:
            fixable.setdefault(kind, []).append(text)
    out: set[NoteId] = set()
    for kind, texts in fixable.items():
        out |= links.notes_with_broken(session, kind, texts)
    for kind in kinds:
        ids = links.target_ids(session, kind)
        gone = ids - set(exists(session, kind, ids))
        if gone:
            out |= links.notes_linking(session, kind, gone)
    return out


def sync_links(tx: Transaction, note_id: int, body: str) -> None:
    """Rewrite a note's stored links to match its text (only the difference, recorded)."""
    refs = find_links(body)
    resolved = resolve(tx.session, refs, last_targets(tx.session, note_id))
    desired: dict[Key, tuple[str, str, int | None]] = {}
    for ref in refs:
        target = resolved.get(ref.key)
        desired.setdefault(ref.key, (ref.kind, ref.target[:MAX_TARGET],
                                     target.target_id if target else None))
    for row in links.of_note(tx.session, note_id):
        key = (row.kind, normalise(row.target_text))
        if key not in desired:
            links.delete_link(tx.rec, row)
            continue
        # Re-point the row rather than replace it: its id stays, so undo steps recorded
        # before a refresh (which is outside the history) still find the row.
        links.set_target(tx.rec, row, desired.pop(key)[2])
    for kind, text, target_id in desired.values():
        links.insert_link(tx.rec, note_id, kind, text, target_id)


def sync_notes(tx: Transaction, note_ids: Iterable[int]) -> None:
    """Re-sync the stored links of these notes from their current text."""
    for note_id, body in sorted(note_rows.bodies(tx.session, note_ids).items()):
        sync_links(tx, note_id, body)
