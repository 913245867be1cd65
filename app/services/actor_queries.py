"""Read helpers for actors, and the search hooks that make actor names searchable.

Helpers take a Session and never commit. Every read of mentions joins ``highlight`` so
that mentions of a deleted highlight stay invisible (see ``app.store.schema_actors``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services.actor_records import Actor, Alias, CoActor, Mention, PartyRole
from app.services.countries import country
from app.store import ops, schema
from app.store import schema_actors as sa_

ACTOR, ALIAS, MENTION = sa_.actor, sa_.alias, sa_.mention
PARTY, AGREEMENT = sa_.party, sa_.agreement
H, A = schema.highlight, schema.article


def register_tables() -> None:
    """Make the actor and agreement tables recordable for undo and visible in Changes."""
    ops.register(sa_.actor, "actors")
    ops.register(sa_.alias, None, (("actor_id", "actors"),))
    ops.register(sa_.mention, None, (("actor_id", "actors"), ("highlight_id", "highlights")))
    ops.register(sa_.rejection, None, (("actor_id", "actors"),))
    ops.register(sa_.agreement, "agreements")
    ops.register(sa_.party, None, (("agreement_id", "agreements"), ("actor_id", "actors")))
    ops.register(sa_.event, None, (("agreement_id", "agreements"),))
    ops.register(sa_.evidence, None, (("agreement_id", "agreements"),
                                      ("highlight_id", "highlights")))


def delete_for_highlights(rec: ops.Recorder, highlight_ids: list[int]) -> None:
    """``HIGHLIGHT_DELETE_HOOKS`` entry: mentions and evidence of deleted highlights go too
    (recorded, so undoing the highlight's deletion brings them back)."""
    for table in (sa_.mention, sa_.evidence):
        for row in rec.rows(table, table.c.highlight_id.in_(highlight_ids)):
            rec.delete(table, row)


def aliases_by_actor(session: Session, actor_ids: Iterable[int] | None = None
                     ) -> dict[int, list[Alias]]:
    query = select(ALIAS).order_by(ALIAS.c.id)
    if actor_ids is not None:
        query = query.where(ALIAS.c.actor_id.in_(list(actor_ids)))
    out: dict[int, list[Alias]] = defaultdict(list)
    for r in session.execute(query).mappings():
        out[r["actor_id"]].append(Alias(r["id"], r["actor_id"], r["name"], r["language"],
                                        r["script"]))
    return out


def mention_counts(session: Session) -> dict[int, tuple[int, int]]:
    """Per actor: (mentions, distinct articles), live highlights only."""
    rows = session.execute(
        select(MENTION.c.actor_id, func.count(), func.count(func.distinct(H.c.article_id)))
        .join(H, H.c.id == MENTION.c.highlight_id).group_by(MENTION.c.actor_id))
    return {a: (m, n) for a, m, n in rows}


def actors(session: Session, where: Any = None) -> list[Actor]:
    """Actors (optionally filtered) with aliases and counts, sorted by name."""
    query = select(ACTOR)
    if where is not None:
        query = query.where(where)
    rows = session.execute(query).mappings().all()
    aliases = aliases_by_actor(session, [r["id"] for r in rows])
    counts = mention_counts(session)
    out = [_actor(r, aliases.get(r["id"], []), counts.get(r["id"], (0, 0))) for r in rows]
    return sorted(out, key=lambda a: a.name.casefold())


def _actor(row: Any, aliases: list[Alias], counts: tuple[int, int]) -> Actor:
    found = country(row["country"]) if row["country"] else None
    return Actor(
        id=row["id"], name=row["name"], kind=row["kind"], country=row["country"],
        country_en=found.name_en if found else "", country_de=found.name_de if found else "",
        description=row["description"], external_id=row["external_id"],
        aliases=tuple(aliases), mention_count=counts[0], article_count=counts[1])


def mentions(session: Session, where: Any) -> list[Mention]:
    rows = session.execute(
        select(MENTION.c.id, MENTION.c.actor_id, MENTION.c.highlight_id, H.c.article_id,
               H.c.start, H.c.end, H.c.exact, H.c.prefix, H.c.suffix, A.c.title, A.c.outlet,
               A.c.published)
        .join(H, H.c.id == MENTION.c.highlight_id).join(A, A.c.id == H.c.article_id)
        .where(where).order_by(A.c.published, A.c.id, H.c.start)).all()
    return [Mention(*r) for r in rows]


def co_actors(session: Session, actor_id: int) -> list[CoActor]:
    """Actors mentioned in articles that mention ``actor_id``, most shared first."""
    mine = (select(H.c.article_id).join(MENTION, MENTION.c.highlight_id == H.c.id)
            .where(MENTION.c.actor_id == actor_id))
    rows = session.execute(
        select(ACTOR.c.id, ACTOR.c.name, ACTOR.c.kind, func.count(func.distinct(H.c.article_id)))
        .join(MENTION, MENTION.c.actor_id == ACTOR.c.id)
        .join(H, H.c.id == MENTION.c.highlight_id)
        .where(H.c.article_id.in_(mine), ACTOR.c.id != actor_id)
        .group_by(ACTOR.c.id, ACTOR.c.name, ACTOR.c.kind)).all()
    out = [CoActor(i, n, k, c) for i, n, k, c in rows]
    return sorted(out, key=lambda c: (-c.shared_articles, c.name.casefold()))


def party_roles(session: Session, actor_id: int) -> list[PartyRole]:
    rows = session.execute(
        select(PARTY.c.id, PARTY.c.agreement_id, AGREEMENT.c.title, PARTY.c.role)
        .join(AGREEMENT, AGREEMENT.c.id == PARTY.c.agreement_id)
        .where(PARTY.c.actor_id == actor_id).order_by(AGREEMENT.c.title)).all()
    return [PartyRole(*r) for r in rows]


def spellings(session: Session, actor_ids: Iterable[int] | None = None) -> dict[int, list[str]]:
    """Canonical name plus aliases of each actor."""
    query = select(ACTOR.c.id, ACTOR.c.name)
    alias_query = select(ALIAS.c.actor_id, ALIAS.c.name).order_by(ALIAS.c.id)
    if actor_ids is not None:
        ids = list(actor_ids)
        query = query.where(ACTOR.c.id.in_(ids))
        alias_query = alias_query.where(ALIAS.c.actor_id.in_(ids))
    out: dict[int, list[str]] = {i: [n] for i, n in session.execute(query)}
    for actor_id, name in session.execute(alias_query):
        if actor_id in out and name not in out[actor_id]:
            out[actor_id].append(name)
    return out


# -- search: which names each article is indexed under, and which articles to reindex ------
def article_actor_names(session: Session, article_ids: list[int]) -> dict[int, list[str]]:
    """``ACTOR_SOURCES`` entry: names and aliases of the actors each article mentions."""
    per_article: dict[int, set[int]] = defaultdict(set)
    for chunk in (article_ids[i: i + 500] for i in range(0, len(article_ids), 500)):
        rows = session.execute(
            select(H.c.article_id, MENTION.c.actor_id)
            .join(MENTION, MENTION.c.highlight_id == H.c.id).where(H.c.article_id.in_(chunk)))
        for article_id, actor_id in rows:
            per_article[article_id].add(actor_id)
    wanted = {a for ids in per_article.values() for a in ids}
    names = spellings(session, wanted) if wanted else {}
    return {aid: [n for a in sorted(ids) for n in names.get(a, [])]
            for aid, ids in per_article.items()}


def _mention_highlights(session: Session, ops_: list[ops.Op]) -> set[int]:
    highlight_ids = {op.row["highlight_id"] for op in ops_
                     if op.table == "mention" and "highlight_id" in op.row}
    bare = [op.row["id"] for op in ops_ if op.table == "mention" and "highlight_id" not in op.row]
    if bare:
        highlight_ids |= set(session.scalars(
            select(MENTION.c.highlight_id).where(MENTION.c.id.in_(bare))))
    return highlight_ids


def _renamed_actors(session: Session, ops_: list[ops.Op]) -> set[int]:
    actor_ids = {op.row["id"] for op in ops_
                 if op.table == "actor" and op.kind == "update" and "name" in op.old}
    for op in ops_:
        if op.table != "actor_alias":
            continue
        if "actor_id" in op.row:
            actor_ids.add(op.row["actor_id"])
        if "actor_id" in op.old:
            actor_ids.add(op.old["actor_id"])
    return actor_ids


def affected_by_actor_ops(session: Session, ops_: list[ops.Op]) -> set[int]:
    """``SEARCH_HOOKS`` entry: articles whose ``actor`` field these ops change."""
    out: set[int] = set()
    highlight_ids = _mention_highlights(session, ops_)
    if highlight_ids:
        out |= set(session.scalars(select(H.c.article_id).where(H.c.id.in_(highlight_ids))))
    actor_ids = _renamed_actors(session, ops_)
    if actor_ids:
        out |= set(session.scalars(
            select(H.c.article_id).join(MENTION, MENTION.c.highlight_id == H.c.id)
            .where(MENTION.c.actor_id.in_(actor_ids)).distinct()))
    return out
