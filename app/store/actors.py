"""Actors, aliases and mentions: reads that return core records, and recorded writes.

Plain functions: reads take a ``Session``, writes an :class:`~app.store.ops.Recorder` (so
undo can replay them); none commits. Every read of mentions joins ``highlight``, so that
mentions of a deleted highlight stay invisible (see :mod:`app.store.schema_actors`).
Country names are not filled in here (``country_en``/``country_de`` stay ""): the
services know the country table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any, cast

from sqlalchemy import ColumnElement, String, Table, func, select
from sqlalchemy import cast as sql_cast
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from app.core.actor_records import Actor, Alias, CoActor, Mention, PartyRole
from app.core.ids import ActorId
from app.store import schema
from app.store import schema_actors as sa_
from app.store.ops import Recorder
from app.store.versioning import stamp_of

# The ORM-declared tables are typed as FromClause; they are Tables.
ACTOR, ALIAS = cast(Table, sa_.actor), cast(Table, sa_.alias)
MENTION, REJECTION = cast(Table, sa_.mention), cast(Table, sa_.rejection)
PARTY, AGREEMENT = cast(Table, sa_.party), cast(Table, sa_.agreement)
H, A = schema.highlight, schema.article
CHUNK = 500


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    return (ids[i: i + CHUNK] for i in range(0, len(ids), CHUNK))


# -- actors --------------------------------------------------------------------------------
def _alias(row: RowMapping | Mapping[str, Any]) -> Alias:
    return Alias(row["id"], row["actor_id"], row["name"], row["language"], row["script"],
                 stamp_of(row))


def aliases_by_actor(session: Session, actor_ids: Iterable[int] | None = None
                     ) -> dict[int, list[Alias]]:
    """Each actor's aliases in the order they were added."""
    query = select(ALIAS).order_by(ALIAS.c.id)
    if actor_ids is not None:
        query = query.where(ALIAS.c.actor_id.in_(list(actor_ids)))
    out: dict[int, list[Alias]] = defaultdict(list)
    for row in session.execute(query).mappings():
        out[row["actor_id"]].append(_alias(row))
    return out


def mention_counts(session: Session) -> dict[int, tuple[int, int]]:
    """Per actor: (mentions, distinct articles), live highlights only."""
    rows = session.execute(
        select(MENTION.c.actor_id, func.count(), func.count(func.distinct(H.c.article_id)))
        .join(H, H.c.id == MENTION.c.highlight_id).group_by(MENTION.c.actor_id))
    return {int(a): (int(m), int(n)) for a, m, n in rows}


def _actors(session: Session, where: ColumnElement[bool] | None) -> list[Actor]:
    query = select(ACTOR) if where is None else select(ACTOR).where(where)
    rows = session.execute(query).mappings().all()
    aliases = aliases_by_actor(session, [r["id"] for r in rows])
    counts = mention_counts(session)
    out = [_actor(r, aliases.get(r["id"], []), counts.get(r["id"], (0, 0))) for r in rows]
    return sorted(out, key=lambda a: a.name.casefold())


def _actor(row: RowMapping, aliases: list[Alias], counts: tuple[int, int]) -> Actor:
    return Actor(
        id=row["id"], name=row["name"], kind=row["kind"], country=row["country"],
        country_en="", country_de="", description=row["description"],
        external_id=row["external_id"], aliases=tuple(aliases), mention_count=counts[0],
        article_count=counts[1], stamp=stamp_of(row))


def list_actors(session: Session, kind: str = "") -> list[Actor]:
    """Every actor (of ``kind``, when given) with aliases and counts, sorted by name."""
    return _actors(session, ACTOR.c.kind == kind if kind else None)


def get_actor(session: Session, actor_id: int) -> Actor | None:
    """One actor with aliases and counts, or None."""
    found = _actors(session, ACTOR.c.id == actor_id)
    return found[0] if found else None


def actor_exists(session: Session, actor_id: int) -> bool:
    return session.scalar(select(ACTOR.c.id).where(ACTOR.c.id == actor_id)) is not None


def person_ids(session: Session) -> set[int]:
    """Ids of the actors of kind "person" (their surnames are matched on their own)."""
    return {int(i) for i in session.scalars(select(ACTOR.c.id).where(ACTOR.c.kind == "person"))}


def spellings(session: Session, actor_ids: Iterable[int] | None = None) -> dict[int, list[str]]:
    """Canonical name first, then aliases, of each actor (or of ``actor_ids``)."""
    query = select(ACTOR.c.id, ACTOR.c.name)
    alias_query = select(ALIAS.c.actor_id, ALIAS.c.name).order_by(ALIAS.c.id)
    if actor_ids is not None:
        ids = list(actor_ids)
        query = query.where(ACTOR.c.id.in_(ids))
        alias_query = alias_query.where(ALIAS.c.actor_id.in_(ids))
    out: dict[int, list[str]] = {int(i): [n] for i, n in session.execute(query)}
    for actor_id, name in session.execute(alias_query):
        if actor_id in out and name not in out[actor_id]:
            out[actor_id].append(name)
    return out


_SEP = "\x1f"
_FINGERPRINT = select(
    select(func.aggregate_strings(
        sql_cast(ACTOR.c.id, String) + ":" + ACTOR.c.kind + ":" + ACTOR.c.name, _SEP))
    .scalar_subquery(),
    select(func.aggregate_strings(sql_cast(ALIAS.c.actor_id, String) + ":" + ALIAS.c.name,
                                  _SEP)).scalar_subquery())
"""Built once: the statement is the same on every call."""


def names_fingerprint(session: Session) -> str:
    """Every actor's id, kind and name and every alias, as one string, in one statement.
    Callers that cache what they derive from the actors' names compare it to know whether
    anything changed, in this process or another one."""
    row = session.execute(_FINGERPRINT).one()
    return f"{row[0] or ''}{_SEP}{_SEP}{row[1] or ''}"


def insert_actor(rec: Recorder, name: str, kind: str, country: str, description: str,
                 external_id: str) -> ActorId:
    row = rec.insert(ACTOR, {"id": None, "name": name, "kind": kind, "country": country,
                             "description": description, "external_id": external_id})
    return ActorId(row["id"])


def update_actor(rec: Recorder, actor_id: int, values: Mapping[str, str]) -> None:
    """Set some of name, kind, country, description, external_id."""
    if values:
        rec.update(ACTOR, {"id": actor_id}, dict(values))


def delete_actor(rec: Recorder, actor_id: int) -> bool:
    """Delete the actor with its party roles, mentions, aliases and rejections (evidence
    citing its roles must be moved first: see ``agreements.uncite_parties``). False when
    there is no such actor."""
    for table in (PARTY, MENTION, ALIAS, REJECTION):
        for row in rec.rows(table, table.c.actor_id == actor_id):
            rec.delete(table, row)
    rows = rec.rows(ACTOR, ACTOR.c.id == actor_id)
    if not rows:
        return False
    rec.delete(ACTOR, rows[0])
    return True


def party_ids_of(session: Session, actor_id: int) -> list[int]:
    """The agreement party rows of an actor."""
    return [int(i) for i in session.scalars(select(PARTY.c.id).where(
        PARTY.c.actor_id == actor_id))]


# -- aliases -------------------------------------------------------------------------------
def get_alias(session: Session, alias_id: int) -> Alias | None:
    row = session.execute(select(ALIAS).where(ALIAS.c.id == alias_id)).mappings().first()
    return None if row is None else _alias(row)


def insert_alias(rec: Recorder, actor_id: int, name: str, language: str, script: str,
                 key: str) -> int:
    row = rec.insert(ALIAS, {"id": None, "actor_id": actor_id, "name": name,
                             "language": language, "script": script, "key": key})
    return int(row["id"])


def update_alias(rec: Recorder, alias_id: int, values: Mapping[str, str]) -> None:
    """Set some of name, script, key, language."""
    if values:
        rec.update(ALIAS, {"id": alias_id}, dict(values))


def delete_alias(rec: Recorder, alias_id: int) -> bool:
    rows = rec.rows(ALIAS, ALIAS.c.id == alias_id)
    if rows:
        rec.delete(ALIAS, rows[0])
    return bool(rows)


def move_aliases(rec: Recorder, source: int, target: int, target_spellings: set[str]) -> None:
    """Give ``source``'s aliases to ``target``; those whose casefolded spelling is in
    ``target_spellings`` are deleted instead (no double spellings)."""
    known = set(target_spellings)
    for alias in rec.rows(ALIAS, ALIAS.c.actor_id == source):
        if alias["name"].casefold() in known:
            rec.delete(ALIAS, alias)
        else:
            rec.update(ALIAS, {"id": alias["id"]}, {"actor_id": target})
            known.add(alias["name"].casefold())


# -- mentions ------------------------------------------------------------------------------
def _mentions(session: Session, where: ColumnElement[bool]) -> list[Mention]:
    rows = session.execute(
        select(MENTION.c.id, MENTION.c.actor_id, MENTION.c.highlight_id, H.c.article_id,
               H.c.start, H.c.end, H.c.exact, H.c.prefix, H.c.suffix,
               A.c.title.label("article_title"), A.c.outlet.label("article_outlet"),
               A.c.published.label("article_published"))
        .join(H, H.c.id == MENTION.c.highlight_id).join(A, A.c.id == H.c.article_id)
        .where(where).order_by(A.c.published, A.c.id, H.c.start)).all()
    return [Mention(**r._asdict()) for r in rows]


def mentions_of_actor(session: Session, actor_id: int) -> list[Mention]:
    """Every live mention of an actor, by article date."""
    return _mentions(session, MENTION.c.actor_id == actor_id)


def mentions_in_article(session: Session, article_id: int) -> list[Mention]:
    return _mentions(session, H.c.article_id == article_id)


def get_mention(session: Session, mention_id: int) -> Mention | None:
    found = _mentions(session, MENTION.c.id == mention_id)
    return found[0] if found else None


def count_mentions(session: Session, actor_id: int) -> int:
    """Mention rows of an actor (including those of deleted highlights: they go too)."""
    return int(session.scalar(select(func.count()).select_from(MENTION).where(
        MENTION.c.actor_id == actor_id)) or 0)


def highlight_quote(session: Session, highlight_id: int) -> tuple[str, str] | None:
    """(exact text, article language) of a highlight, or None if there is none."""
    row = session.execute(select(H.c.exact, A.c.language).join(
        A, A.c.id == H.c.article_id).where(H.c.id == highlight_id)).first()
    return None if row is None else (str(row[0]), str(row[1]))


def find_mention(session: Session, highlight_id: int, actor_id: int) -> int | None:
    found = session.scalar(select(MENTION.c.id).where(
        MENTION.c.highlight_id == highlight_id, MENTION.c.actor_id == actor_id))
    return None if found is None else int(found)


def insert_mention(rec: Recorder, highlight_id: int, actor_id: int) -> int:
    row = rec.insert(MENTION, {"id": None, "highlight_id": highlight_id, "actor_id": actor_id})
    return int(row["id"])


def delete_mention(rec: Recorder, mention_id: int) -> bool:
    rows = rec.rows(MENTION, MENTION.c.id == mention_id)
    if rows:
        rec.delete(MENTION, rows[0])
    return bool(rows)


def move_mentions(rec: Recorder, source: int, target: int) -> None:
    """Give ``source``'s mentions to ``target`` (a passage it already names: dropped)."""
    have = {r["highlight_id"] for r in rec.rows(MENTION, MENTION.c.actor_id == target)}
    for mention in rec.rows(MENTION, MENTION.c.actor_id == source):
        if mention["highlight_id"] in have:
            rec.delete(MENTION, mention)
        else:
            rec.update(MENTION, {"id": mention["id"]}, {"actor_id": target})


def move_rejections(rec: Recorder, source: int, target: int) -> None:
    for rejection in rec.rows(REJECTION, REJECTION.c.actor_id == source):
        rec.update(REJECTION, {"id": rejection["id"]}, {"actor_id": target})


# -- related actors and agreements ---------------------------------------------------------
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
    """The agreements the actor is a party to, with its roles, by agreement title."""
    rows = session.execute(
        select(PARTY.c.id, PARTY.c.agreement_id, AGREEMENT.c.title, PARTY.c.role)
        .join(AGREEMENT, AGREEMENT.c.id == PARTY.c.agreement_id)
        .where(PARTY.c.actor_id == actor_id).order_by(AGREEMENT.c.title)).all()
    return [PartyRole(*r) for r in rows]


# -- search: the names each article is indexed under ------------------------------------
def actor_names_for_articles(session: Session, article_ids: list[int]
                             ) -> dict[int, list[str]]:
    """Names and aliases of the actors each article mentions (its ``actor`` field)."""
    per_article: dict[int, set[int]] = defaultdict(set)
    for chunk in _chunks(article_ids):
        rows = session.execute(
            select(H.c.article_id, MENTION.c.actor_id)
            .join(MENTION, MENTION.c.highlight_id == H.c.id).where(H.c.article_id.in_(chunk)))
        for article_id, actor_id in rows:
            per_article[article_id].add(actor_id)
    wanted = {a for ids in per_article.values() for a in ids}
    names = spellings(session, wanted) if wanted else {}
    return {aid: [n for a in sorted(ids) for n in names.get(a, [])]
            for aid, ids in per_article.items()}
