"""Tags (codes): the hierarchy, paths, counts, and recorded writes.

Plain functions: reads take a ``Session``, writes a :class:`~app.store.ops.Recorder` (so
undo can replay them); none commits. Rules (unique sibling names, no cycles, colours)
live in :mod:`app.services.tags`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.conflicts import NO_STAMP
from app.core.ids import ArticleId, TagId
from app.core.records import Tag
from app.store import schema
from app.store.ops import Recorder
from app.store.versioning import stamp_of

# ``schema.tag`` is typed as a FromClause; the metadata holds the same Table, typed.
_TABLES = schema.Base.metadata.tables
T, H, HT = _TABLES["tag"], _TABLES["highlight"], _TABLES["highlight_tag"]
CHUNK = 500


def _record(row: Mapping[Any, Any], path: str, count: int) -> Tag:
    parent = row["parent_id"]
    return Tag(
        id=TagId(row["id"]),
        name=row["name"],
        colour=row["colour"],
        parent_id=TagId(parent) if parent is not None else None,
        description=row["description"],
        path=path,
        highlight_count=count,
        stamp=stamp_of(row) if "version" in row else NO_STAMP,
    )


# -- reads -----------------------------------------------------------------------------
def parents(session: Session) -> dict[TagId, TagId | None]:
    """Every tag's parent (None at the top level)."""
    rows = session.execute(select(T.c.id, T.c.parent_id))
    return {TagId(i): (TagId(p) if p is not None else None) for i, p in rows}


def children(session: Session, tag_id: int) -> list[TagId]:
    """The direct children of a tag."""
    found = session.scalars(select(T.c.id).where(T.c.parent_id == tag_id).order_by(T.c.id))
    return [TagId(i) for i in found]


def subtree_ids(session: Session, tag_id: int) -> set[TagId]:
    """``tag_id`` and all its descendants (cycle-safe)."""
    below: dict[TagId | None, list[TagId]] = defaultdict(list)
    for child, parent in parents(session).items():
        below[parent].append(child)
    out: set[TagId] = set()
    stack = [TagId(tag_id)]
    while stack:
        current = stack.pop()
        if current not in out:
            out.add(current)
            stack.extend(below.get(current, ()))
    return out


def paths(session: Session) -> dict[TagId, str]:
    """Every tag's path ("Parent/Child"), cycle-safe."""
    rows = {
        TagId(i): (n, p) for i, n, p in session.execute(select(T.c.id, T.c.name, T.c.parent_id))
    }
    out: dict[TagId, str] = {}

    def path(tag_id: TagId, seen: frozenset[TagId] = frozenset()) -> str:
        if tag_id in out:
            return out[tag_id]
        name, parent = rows[tag_id]
        if parent is None or parent not in rows or parent in seen:
            result = str(name)
        else:
            result = f"{path(TagId(parent), seen | {tag_id})}/{name}"
        out[tag_id] = result
        return result

    for tag_id in rows:
        path(tag_id)
    return out


def ids(session: Session) -> set[TagId]:
    """The ids of every tag."""
    return {TagId(i) for i in session.scalars(select(T.c.id))}


def count(session: Session) -> int:
    """How many tags the notebook has."""
    return int(session.scalar(select(func.count()).select_from(T)) or 0)


def all_tags(session: Session) -> list[Tag]:
    """Every tag with its path and highlight count, sorted by path (case-insensitive)."""
    tag_paths = paths(session)
    counts = {
        int(t): int(n)
        for t, n in session.execute(select(HT.c.tag_id, func.count()).group_by(HT.c.tag_id))
    }
    rows = session.execute(select(T)).mappings().all()
    tags = [_record(r, tag_paths[r["id"]], int(counts.get(r["id"], 0))) for r in rows]
    return sorted(tags, key=lambda t: t.path.casefold())


def get(session: Session, tag_id: int) -> Tag | None:
    """One tag with its path and highlight count, or None."""
    row = session.execute(select(T).where(T.c.id == tag_id)).mappings().first()
    if row is None:
        return None
    used = session.scalar(select(func.count()).where(HT.c.tag_id == tag_id))
    return _record(row, paths(session)[TagId(tag_id)], int(used or 0))


def neighbour_colours(session: Session, parent_id: int | None) -> list[str]:
    """Colours of the children of ``parent_id`` (None: the top-level tags) and of the
    parent itself: what a new tag there should not look like."""
    under = T.c.parent_id.is_(None) if parent_id is None else T.c.parent_id == parent_id
    found = [str(c) for c in session.scalars(select(T.c.colour).where(under)) if c]
    if parent_id is not None:
        parent = session.scalar(select(T.c.colour).where(T.c.id == parent_id))
        if parent:
            found.append(str(parent))
    return found


def child_named(session: Session, parent_id: int | None, name: str) -> TagId | None:
    """The child of ``parent_id`` (None: top level) named ``name``, case-insensitively.

    Compared in Python: SQLite's ``lower`` folds only ASCII letters while PostgreSQL's
    folds every script, so "Öl" and "öl" were one name on a server and two in a file."""
    under = T.c.parent_id.is_(None) if parent_id is None else T.c.parent_id == parent_id
    key = name.casefold()
    for tag_id, sibling in session.execute(select(T.c.id, T.c.name).where(under)
                                           .order_by(T.c.id)):
        if str(sibling).casefold() == key:
            return TagId(tag_id)
    return None


def article_tag_paths(session: Session, article_ids: list[int]) -> dict[ArticleId, list[str]]:
    """Tag paths used by each article's highlights, sorted (for the search index)."""
    tag_paths = paths(session)
    out: dict[ArticleId, set[str]] = defaultdict(set)
    for chunk in (article_ids[i : i + CHUNK] for i in range(0, len(article_ids), CHUNK)):
        rows = session.execute(
            select(H.c.article_id, HT.c.tag_id)
            .join(HT, HT.c.highlight_id == H.c.id)
            .where(H.c.article_id.in_(chunk))
        )
        for aid, tid in rows:
            if tid in tag_paths:
                out[ArticleId(aid)].add(tag_paths[TagId(tid)])
    return {aid: sorted(v) for aid, v in out.items()}


def articles_with(session: Session, tag_ids: Iterable[int]) -> set[ArticleId]:
    """Articles with at least one highlight carrying one of these tags."""
    rows = session.scalars(
        select(H.c.article_id).join(HT, HT.c.highlight_id == H.c.id)
        .where(HT.c.tag_id.in_(list(tag_ids))).distinct()
    )
    return {ArticleId(a) for a in rows}


# -- writes ----------------------------------------------------------------------------
def insert(rec: Recorder, name: str, parent_id: int | None, colour: str,
           description: str) -> TagId:
    """Insert a tag as given (validated by the caller); returns its id."""
    row = rec.insert(T, {"id": None, "name": name, "colour": colour,
                         "parent_id": parent_id, "description": description})
    return TagId(row["id"])


def update(rec: Recorder, tag_id: int, values: Mapping[str, object]) -> None:
    """Set columns (name, colour, parent_id, description) of one tag."""
    rec.update(T, {"id": tag_id}, dict(values))


def move_links(rec: Recorder, source: int, target: int) -> None:
    """Every highlight tagged ``source`` gets ``target`` instead (no duplicate links)."""
    have = {r["highlight_id"] for r in rec.rows(HT, HT.c.tag_id == target)}
    for link in rec.rows(HT, HT.c.tag_id == source):
        rec.delete(HT, link)
        if link["highlight_id"] not in have:
            rec.insert(HT, {"highlight_id": link["highlight_id"], "tag_id": target})


def delete(rec: Recorder, tag_id: int) -> None:
    """Delete a tag, recorded; its highlight links go with it (schema cascade). Children
    would be detached to the top level (SET NULL): re-parent them first where that is
    not what the rule wants."""
    rec.delete(T, {"id": tag_id})
