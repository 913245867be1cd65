"""Read helpers shared by services. They take a Session and never commit."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.store import schema


def tag_parents(session: Session) -> dict[int, int | None]:
    t = schema.tag
    return {i: p for i, p in session.execute(select(t.c.id, t.c.parent_id))}


def tag_subtree_ids(session: Session, tag_id: int) -> set[int]:
    """``tag_id`` and all its descendants."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for child, parent in tag_parents(session).items():
        children[parent].append(child)
    out, stack = set(), [tag_id]
    while stack:
        current = stack.pop()
        if current not in out:
            out.add(current)
            stack.extend(children.get(current, ()))
    return out


def tag_paths(session: Session) -> dict[int, str]:
    """Every tag's path ("Parent/Child"), cycle-safe."""
    t = schema.tag
    rows = {i: (n, p) for i, n, p in session.execute(select(t.c.id, t.c.name, t.c.parent_id))}
    paths: dict[int, str] = {}

    def path(tag_id: int, seen: frozenset[int] = frozenset()) -> str:
        if tag_id in paths:
            return paths[tag_id]
        name, parent = rows[tag_id]
        if parent is None or parent not in rows or parent in seen:
            result = name
        else:
            result = f"{path(parent, seen | {tag_id})}/{name}"
        paths[tag_id] = result
        return result

    for tag_id in rows:
        path(tag_id)
    return paths


def highlight_tag_ids(session: Session, highlight_ids: list[int]) -> dict[int, list[int]]:
    ht = schema.highlight_tag
    out: dict[int, list[int]] = defaultdict(list)
    for chunk in (highlight_ids[i : i + 500] for i in range(0, len(highlight_ids), 500)):
        for hid, tid in session.execute(
            select(ht.c.highlight_id, ht.c.tag_id).where(ht.c.highlight_id.in_(chunk))
        ):
            out[hid].append(tid)
    return out


def article_tag_paths(session: Session, article_ids: list[int]) -> dict[int, list[str]]:
    """Tag paths used by each article's highlights (for the search index)."""
    h, ht = schema.highlight, schema.highlight_tag
    paths = tag_paths(session)
    out: dict[int, set[str]] = defaultdict(set)
    for chunk in (article_ids[i : i + 500] for i in range(0, len(article_ids), 500)):
        rows = session.execute(
            select(h.c.article_id, ht.c.tag_id)
            .join(ht, ht.c.highlight_id == h.c.id)
            .where(h.c.article_id.in_(chunk))
        )
        for aid, tid in rows:
            if tid in paths:
                out[aid].add(paths[tid])
    return {aid: sorted(v) for aid, v in out.items()}
