"""Actors: create, edit, merge, delete; aliases; "mark as actor"; alias-aware search.

Every edit is one undoable transaction returning ``Changes``. Which search documents an
edit makes stale (mentions, names, aliases) is declared in
:mod:`app.store.search_documents`.
"""

from __future__ import annotations

import builtins
import contextlib
import dataclasses
import logging
import re
from collections.abc import Iterable, Iterator, Sequence

from rapidfuzz import fuzz

from app.core.actor_records import (
    ACTOR_KINDS,
    Actor,
    Alias,
    CoActor,
    DeleteImpact,
    Mention,
    PartyRole,
)
from app.core.changes import Changes
from app.core.errors import NotFound, ValidationError
from app.core.ids import ActorId
from app.services.actor_variants import VariantExpander
from app.services.annotations import AnnotationService
from app.services.conflicts import expect
from app.services.countries import country, find_country
from app.services.names import detect_script, fold, inflected_forms, name_key, name_keys
from app.services.suggest import SuggestionService
from app.services.unit import Transaction, Writer
from app.store import actors as store
from app.store import agreements as agreement_store
from app.store.engine import translated_errors
from app.store.sessions import Session, Sessions

log = logging.getLogger(__name__)

_QID = re.compile(r"^(?:https?://(?:www\.)?wikidata\.org/(?:wiki|entity)/)?([Qq][1-9]\d*)$")


def clean_actor_name(name: str) -> str:
    """An actor name or alias: whitespace collapsed, not empty, at most 300 characters."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError("an actor needs a name")
    if len(name) > 300:
        raise ValidationError("a name can be at most 300 characters")
    return name


def clean_kind(kind: str) -> str:
    if kind not in ACTOR_KINDS:
        raise ValidationError(f"{kind!r} is not a kind of actor: {', '.join(ACTOR_KINDS)}")
    return kind


def clean_country(value: str) -> str:
    """An ISO 3166 alpha-2 code from a code or an English/German name ("" stays "")."""
    return find_country(value).code if value.strip() else ""


def clean_external_id(value: str) -> str:
    """A Wikidata Q-number ("Q123", also from a wikidata.org URL), or ""."""
    value = value.strip()
    if not value:
        return ""
    match = _QID.match(value)
    if not match:
        raise ValidationError(f"{value!r} is not a Wikidata id like Q12345")
    return match.group(1).upper()


def with_country_names(actor: Actor) -> Actor:
    """The actor with the English and German names of its country filled in."""
    found = country(actor.country) if actor.country else None
    if found is None:
        return actor
    return dataclasses.replace(actor, country_en=found.name_en, country_de=found.name_de)


class ActorService:
    """Actors with aliases and mentions. Names are not unique: two people can share one."""

    def __init__(self, sessions: Sessions, writer: Writer,
                 annotations: AnnotationService) -> None:
        self._sessions = sessions
        self._writer = writer
        self._annotations = annotations
        self.suggestions = SuggestionService(sessions, writer, self)
        self._variants = VariantExpander(sessions)

    @contextlib.contextmanager
    def _edit(self, label: str) -> Iterator[Transaction]:
        """One undoable edit; afterwards the search expansion reads the names again."""
        try:
            with self._writer.edit(label) as tx:
                yield tx
        finally:
            self.names_changed()

    def names_changed(self) -> None:
        """Tell the search expansion that actor names or aliases may have changed."""
        self._variants.forget()

    # -- reading ------------------------------------------------------------------------
    def list(self, kind: str = "", text: str = "") -> builtins.list[Actor]:
        """Actors sorted by name; ``kind`` filters, ``text`` matches any spelling."""
        with translated_errors(), self._sessions() as session:
            found = [with_country_names(a) for a in store.list_actors(session, kind)]
        if text:
            wanted = fold(text)
            found = [a for a in found if any(wanted in fold(s) for s in a.spellings)]
        return found

    def get(self, actor_id: int) -> Actor:
        with translated_errors(), self._sessions() as session:
            return self._get(session, actor_id)

    @staticmethod
    def _get(session: Session, actor_id: int) -> Actor:
        found = store.get_actor(session, actor_id)
        if found is None:
            raise NotFound(f"actor {actor_id} does not exist")
        return with_country_names(found)

    def find(self, name: str) -> Actor | None:
        """The actor one of whose spellings is ``name`` across languages, else the one
        fuzzy completion is sure of (90+, e.g. a surname), or None."""
        keys = name_keys(name)
        if not keys:
            return None
        for actor in self.list():
            if any(keys & name_keys(s) for s in actor.spellings):
                return actor
        best = self.complete(name, limit=1)
        return best[0][0] if best and best[0][1] >= 90 else None

    def complete(self, text: str, limit: int = 10) -> builtins.list[tuple[Actor, float]]:
        """Fuzzy completion for "mark as actor": best-matching actors with a 0-100 score."""
        wanted = fold(text).strip()
        if not wanted:
            return [(a, 0.0) for a in self.list()[:limit]]
        keys = name_keys(text)
        scored = []
        for actor in self.list():
            score = max(self._score(wanted, keys, s) for s in actor.spellings)
            if score >= 50:
                scored.append((actor, score))
        scored.sort(key=lambda p: (-p[1], p[0].name.casefold()))
        return scored[:limit]

    @staticmethod
    def _score(wanted: str, keys: frozenset[str], spelling: str) -> float:
        if keys & name_keys(spelling):
            return 100.0
        folded = fold(spelling)
        if folded.startswith(wanted):
            return 95.0
        return float(fuzz.WRatio(wanted, folded))

    def mentions(self, actor_id: int) -> builtins.list[Mention]:
        """Every mention of the actor in context, across articles (by date)."""
        with translated_errors(), self._sessions() as session:
            return store.mentions_of_actor(session, actor_id)

    def mentions_in(self, article_id: int) -> builtins.list[Mention]:
        """Every actor mention in one article, for the reader."""
        with translated_errors(), self._sessions() as session:
            return store.mentions_in_article(session, article_id)

    def co_actors(self, actor_id: int) -> builtins.list[CoActor]:
        with translated_errors(), self._sessions() as session:
            return store.co_actors(session, actor_id)

    def roles(self, actor_id: int) -> builtins.list[PartyRole]:
        """The agreements the actor is a party to, with its roles."""
        with translated_errors(), self._sessions() as session:
            return store.party_roles(session, actor_id)

    def expand(self, field: str, text: str) -> Sequence[str]:
        """Search hook: every spelling of the actors ``text`` names or is a near-certain
        variant of (the suggestion pass's keys and thresholds), with the variants of
        their names that the notebook's articles use. See :mod:`app.services.actor_variants`.
        """
        return self._variants.expand(text)

    # -- creating and editing -----------------------------------------------------------
    def create(self, name: str, kind: str = "other", country: str = "", description: str = "",
               external_id: str = "", aliases: Iterable[str] = ()) -> tuple[Actor, Changes]:
        name = clean_actor_name(name)
        with self._edit(f"create actor '{name}'") as tx:
            actor_id = self.create_in(tx, name, kind, country, description, external_id)
            for alias in aliases:
                self.ensure_alias_in(tx, actor_id, alias)
        return self.get(actor_id), tx.changes

    def create_in(self, tx: Transaction, name: str, kind: str = "other", country: str = "",
                  description: str = "", external_id: str = "") -> ActorId:
        return store.insert_actor(tx.rec, clean_actor_name(name), clean_kind(kind),
                                  clean_country(country), description,
                                  clean_external_id(external_id))

    def update(self, actor_id: int, *, name: str | None = None, kind: str | None = None,
               country: str | None = None, description: str | None = None,
               external_id: str | None = None, seen: Actor | None = None) -> Changes:
        """Change any of the actor's fields (None leaves a field as it is). ``seen``, the
        actor as the user saw it, makes it a versioned write (see
        :mod:`app.services.conflicts`)."""
        values: dict[str, str] = {}
        if name is not None:
            values["name"] = clean_actor_name(name)
        if kind is not None:
            values["kind"] = clean_kind(kind)
        if country is not None:
            values["country"] = clean_country(country)
        if description is not None:
            values["description"] = description
        if external_id is not None:
            values["external_id"] = clean_external_id(external_id)
        with self._edit("edit actor") as tx:
            try:
                old = self._get(tx.session, actor_id)
            except NotFound:
                if seen is None:
                    raise
                old = seen  # deleted meanwhile: the edit brings it back
            expect(tx, seen)
            store.update_actor(tx.rec, actor_id, values)
            if "name" in values and values["name"] != old.name:
                self.ensure_alias_in(tx, actor_id, old.name)
        return tx.changes

    # -- aliases ------------------------------------------------------------------------
    def add_alias(self, actor_id: int, name: str, language: str = "") -> tuple[Alias, Changes]:
        name = clean_actor_name(name)
        with self._edit(f"add alias '{name}'") as tx:
            self._get(tx.session, actor_id)
            alias_id = self.ensure_alias_in(tx, actor_id, name, language, exact=True)
            if alias_id is None:
                raise ValidationError(f"{name!r} is already a spelling of this actor")
        return self._alias(alias_id), tx.changes

    def _alias(self, alias_id: int) -> Alias:
        with translated_errors(), self._sessions() as session:
            found = store.get_alias(session, alias_id)
        if found is None:
            raise NotFound(f"alias {alias_id} does not exist")
        return found

    def ensure_alias_in(self, tx: Transaction, actor_id: int, name: str, language: str = "",
                        exact: bool = False) -> int | None:
        """Add ``name`` as an alias unless the actor has it already; returns the new id.

        Unless ``exact``, an inflected form of a known spelling (Tokajews for Tokajew) is
        not added either: it is a form of the name, not another spelling.
        """
        name = clean_actor_name(name)
        known = store.spellings(tx.session, [actor_id]).get(actor_id, [])
        if name.casefold() in {s.casefold() for s in known}:
            return None
        if not exact and inflected_forms(name) & {f for s in known for f in name_keys(s)}:
            return None
        return store.insert_alias(tx.rec, actor_id, name, language.strip().lower(),
                                  detect_script(name), name_key(name))

    def set_alias(self, alias_id: int, name: str | None = None,
                  language: str | None = None, seen: Alias | None = None) -> Changes:
        """Correct an alias' spelling or language (its script follows the spelling).
        ``seen``, the alias as the user saw it, makes it a versioned write."""
        with self._edit("edit alias") as tx:
            if seen is None:
                self._alias(alias_id)
            expect(tx, seen)
            values: dict[str, str] = {}
            if name is not None:
                clean = clean_actor_name(name)
                values.update(name=clean, script=detect_script(clean), key=name_key(clean))
            if language is not None:
                values["language"] = language.strip().lower()
            store.update_alias(tx.rec, alias_id, values)
        return tx.changes

    def remove_alias(self, alias_id: int, seen: Alias | None = None) -> Changes:
        """Remove a spelling; ``seen``: refused when it changed since the user saw it."""
        with self._edit("remove alias") as tx:
            expect(tx, seen)
            if not store.delete_alias(tx.rec, alias_id):
                raise NotFound(f"alias {alias_id} does not exist")
        return tx.changes

    # -- mentions -----------------------------------------------------------------------
    def mark(self, article_id: int, start: int, end: int, actor_id: int | None = None,
             new_name: str = "", kind: str = "other") -> tuple[Mention, Changes]:
        """"Mark as actor": the span names ``actor_id`` (or a new actor ``new_name``).

        Creates the highlight if there is none with exactly this span, and adds the
        spelling as an alias when it is new. One undo step.
        """
        if actor_id is None and not new_name.strip():
            raise ValidationError("choose an actor or give a name for a new one")
        with self._edit("mark as actor") as tx:
            if actor_id is None:
                actor_id = self.create_in(tx, new_name, kind)
            mention_id = self.mark_in(tx, article_id, start, end, actor_id)
        return self._mention(mention_id), tx.changes

    def mark_in(self, tx: Transaction, article_id: int, start: int, end: int,
                actor_id: int) -> int:
        """Inside a transaction: mention of ``actor_id`` at the span; returns its id."""
        self._get(tx.session, actor_id)
        highlight_id, _created = self._annotations.ensure_at_span(tx, article_id, start, end)
        return self._link_in(tx, highlight_id, actor_id)

    def mark_highlight(self, highlight_id: int, actor_id: int) -> tuple[Mention, Changes]:
        """Mark an existing highlight as naming an actor."""
        with self._edit("mark as actor") as tx:
            self._get(tx.session, actor_id)
            mention_id = self._link_in(tx, highlight_id, actor_id)
        return self._mention(mention_id), tx.changes

    def _link_in(self, tx: Transaction, highlight_id: int, actor_id: int) -> int:
        quote = store.highlight_quote(tx.session, highlight_id)
        if quote is None:
            raise NotFound(f"highlight {highlight_id} does not exist")
        existing = store.find_mention(tx.session, highlight_id, actor_id)
        if existing is not None:
            return existing
        exact, language = quote
        if exact.strip():
            self.ensure_alias_in(tx, actor_id, exact, language)
        return store.insert_mention(tx.rec, highlight_id, actor_id)

    def _mention(self, mention_id: int) -> Mention:
        with translated_errors(), self._sessions() as session:
            found = store.get_mention(session, mention_id)
        if found is None:
            raise NotFound(f"mention {mention_id} does not exist")
        return found

    def unmark(self, mention_id: int) -> Changes:
        """Remove a mention (the highlight stays)."""
        with self._edit("unmark actor") as tx:
            if not store.delete_mention(tx.rec, mention_id):
                raise NotFound(f"mention {mention_id} does not exist")
        return tx.changes

    # -- merge and delete ---------------------------------------------------------------
    def merge(self, source_ids: Iterable[int], target_id: int) -> Changes:
        """Merge actors into ``target_id``: every alias (and the sources' names), mention,
        party role and rejection moves over; empty fields of the target are filled."""
        sources = [s for s in dict.fromkeys(source_ids) if s != target_id]
        with self._edit(f"merge {len(sources) + 1} actors") as tx:
            self._get(tx.session, target_id)
            for source in sources:
                self._merge_one(tx, source, target_id)
        return tx.changes

    def _merge_one(self, tx: Transaction, source: int, target: int) -> None:
        actor = self._get(tx.session, source)
        self._fill_empty_fields(tx, actor, target)
        known = store.spellings(tx.session, [target]).get(target, [])
        store.move_aliases(tx.rec, source, target, {s.casefold() for s in known})
        self.ensure_alias_in(tx, target, actor.name, exact=True)
        store.move_mentions(tx.rec, source, target)
        agreement_store.move_parties(tx.rec, source, target)
        store.move_rejections(tx.rec, source, target)
        store.delete_actor(tx.rec, source)

    def _fill_empty_fields(self, tx: Transaction, source: Actor, target: int) -> None:
        current = self._get(tx.session, target)
        values = {f: getattr(source, f) for f in ("country", "description", "external_id")
                  if not getattr(current, f) and getattr(source, f)}
        if current.kind == "other" and source.kind != "other":
            values["kind"] = source.kind
        store.update_actor(tx.rec, target, values)

    def delete_impact(self, actor_id: int) -> DeleteImpact:
        """What :meth:`delete` would remove, to ask the user first."""
        with translated_errors(), self._sessions() as session:
            actor = self._get(session, actor_id)
            mentions = store.count_mentions(session, actor_id)
            roles = store.party_roles(session, actor_id)
        return DeleteImpact(actor.id, actor.name, len(actor.aliases), mentions, tuple(roles))

    def delete(self, actor_id: int, force: bool = False, seen: Actor | None = None
               ) -> Changes:
        """Delete an actor with its aliases and mentions (highlights stay). With
        ``seen``, refused (ConflictError) when it changed since the user saw it.

        Raises:
            ValidationError: the actor is a party to an agreement and ``force`` is False;
                the message says what would change (see :meth:`delete_impact`).
        """
        impact = self.delete_impact(actor_id)
        if impact.is_party and not force:
            raise ValidationError(impact.describe() + "; confirm to delete anyway")
        with self._edit(f"delete actor '{impact.name}'") as tx:
            expect(tx, seen)
            self.delete_in(tx, actor_id)
        return tx.changes

    @staticmethod
    def delete_in(tx: Transaction, actor_id: int) -> None:
        """Inside a transaction: delete the actor; evidence citing its party roles then
        cites the whole agreement."""
        agreement_store.uncite(tx.rec, "party", store.party_ids_of(tx.session, actor_id))
        if not store.delete_actor(tx.rec, actor_id):
            raise NotFound(f"actor {actor_id} does not exist")
