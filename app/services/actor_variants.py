"""Search expansion of actor names: a word that names an actor finds all its spellings.

The search calls :meth:`VariantExpander.expand` for every query word and phrase. A text
that the suggestion pass's matcher (:func:`app.services.suggest.build_matcher`: the same
name keys, inflections and rapidfuzz threshold) links to an actor as a whole expands to

- the actor's canonical name, aliases and (for a person) surname, and
- the spellings of that name the notebook's articles actually use: single words the same
  matcher links to the actor ("Mirziyev", "Mirsijojew" for Shavkat Mirziyoyev), so that
  any one spelling finds the articles written with the others.

A text the matcher does not link to an actor (a common word, "Mirza") expands to
nothing. Limits: spellings used in the articles are found when they share their first
three letters with a one-word name of the actor or with the query word (not "Токаев" for
"Tokayev": add such spellings as aliases); words of deleted articles may stay in the
expansion (they are variants all the same and find nothing).

What it costs: the matcher is rebuilt only when a name, alias or kind changes (one
statement compares them, at most every :data:`RECHECK_SECONDS`); the words of the
articles are read once per three-letter prefix of a name (the database's ``instr`` or
``strpos`` picks the articles) and then only for articles added since; each result is
cached per word.
``tests/bench/bench_expand.py`` measures it.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass, field

from app.services.names import words
from app.services.suggest import Matcher, build_matcher, surnames_of
from app.store import actors as actor_store
from app.store import suggestions as text_store
from app.store.engine import translated_errors
from app.store.sessions import Session, Sessions

log = logging.getLogger(__name__)

PREFIX = 3
"""Corpus words are looked up by their first three letters: every variant the matcher
accepts as a near miss shares the first two letters of its romanised form, and in
practice the first three of the written word (Mirziyev, Mirsijojew, Mirziyoyev)."""
MIN_WORD = 4
RECHECK_SECONDS = 0.5
"""How long the actors' names are trusted without asking the database again. The search
calls :meth:`VariantExpander.expand` once per query word, and comparing the names costs
about as much as a small search on 500 actors (see the module docstring), so the words of
one search share one check. Edits made through :class:`~app.services.actors.ActorService`
call :meth:`VariantExpander.forget` and are seen at once; edits by another process, and
undo, within this interval. Newly imported articles are seen at once."""


@dataclass
class _Names:
    """The actors' spellings as read, and the matcher built from them."""

    fingerprint: str
    spellings: dict[int, list[str]]
    persons: set[int]
    matcher: Matcher
    surnames: dict[int, list[str]] = field(default_factory=dict)
    expanded: dict[str, tuple[int, list[str]]] = field(default_factory=dict)
    """Per text: the newest article id when it was expanded, and the expansion."""


@dataclass
class _Prefix:
    """Capitalised words of the articles that start with one prefix, and up to which
    article id they were collected."""

    scanned_to: int = 0
    words: set[str] = field(default_factory=set)


class VariantExpander:
    """Expands query words to actor spellings; caches what each call needs."""

    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions
        self._lock = threading.Lock()
        self._names: _Names | None = None
        self._prefixes: dict[str, _Prefix] = {}
        self._checked_at = float("-inf")

    def forget(self) -> None:
        """Ask the database again on the next call (the actors' names were edited)."""
        with self._lock:
            self._checked_at = float("-inf")

    def expand(self, text: str) -> list[str]:
        """Every spelling of the actors ``text`` names (see the module docstring)."""
        if not any(ch.isalpha() for ch in text):
            return []
        with self._lock, translated_errors(), self._sessions() as session:
            names = self._current_names(session)
            actors = names.matcher.actors_named(text)
            if not actors:
                return []
            # Articles are imported without telling this service: ask for the newest one
            # (a lookup on the primary key) whenever a word names an actor.
            last_article = text_store.last_article_id(session)
            known = names.expanded.get(text)
            if known is None or known[0] != last_article:
                known = (last_article, self._expansion(session, names, sorted(actors), text,
                                                       last_article))
                names.expanded[text] = known
        return list(known[1])

    def _expansion(self, session: Session, names: _Names, actor_ids: list[int], text: str,
                   last_article: int) -> list[str]:
        corpus = self._corpus_variants(session, names, actor_ids, text, last_article)
        out: list[str] = []
        for actor_id in actor_ids:
            out += names.spellings.get(actor_id, [])
            out += names.surnames.get(actor_id, [])
            out += corpus.get(actor_id, [])
        return list(dict.fromkeys(out))

    def _current_names(self, session: Session) -> _Names:
        """The matcher for the actors as they are now: rebuilt only when a name, alias or
        kind changed (in this process or another), as the fingerprint tells."""
        known = self._names
        now = time.monotonic()
        if known is not None and now - self._checked_at < RECHECK_SECONDS:
            return known
        fingerprint = actor_store.names_fingerprint(session)
        self._checked_at = now
        if known is not None and known.fingerprint == fingerprint:
            return known
        spellings = actor_store.spellings(session)
        persons = actor_store.person_ids(session) & set(spellings)
        surnames = {a: surnames_of(spellings[a]) for a in persons}
        self._names = _Names(fingerprint, spellings, persons,
                             build_matcher(spellings, persons), surnames)
        return self._names

    def _corpus_variants(self, session: Session, names: _Names, actor_ids: list[int],
                         text: str, last: int) -> dict[int, list[str]]:
        """Per actor, the words of the articles (up to id ``last``) that the matcher links
        to it."""
        wanted = set(actor_ids)
        prefixes = {w[:PREFIX] for w in self._name_words(names, actor_ids, text)}
        out: dict[int, list[str]] = {}
        for prefix in sorted(prefixes):
            for word in sorted(self._words(session, prefix, last)):
                for actor_id in wanted & set(names.matcher.actors_named(word)):
                    out.setdefault(actor_id, []).append(word)
        return out

    @staticmethod
    def _name_words(names: _Names, actor_ids: list[int], text: str) -> set[str]:
        """Capitalised single words that can start a variant: one-word spellings and
        surnames of the actors, and the query text itself when it is one word."""
        candidates = [text.strip()[:1].upper() + text.strip()[1:]]
        for actor_id in actor_ids:
            candidates += names.spellings.get(actor_id, []) + names.surnames.get(actor_id, [])
        out = set()
        for candidate in candidates:
            parts = words(candidate)
            if len(parts) == 1 and len(parts[0][2]) >= MIN_WORD and parts[0][2][0].isupper():
                out.add(parts[0][2])
        return out

    def _words(self, session: Session, prefix: str, last: int) -> set[str]:
        """Words of the articles starting with ``prefix``, brought up to article ``last``."""
        entry = self._prefixes.setdefault(prefix, _Prefix())
        if entry.scanned_to < last:
            pattern = re.compile(rf"(?<![^\W\d_]){re.escape(prefix)}[^\W\d_]*")
            for _article_id, article_text in text_store.texts_containing(
                    session, [prefix], after_id=entry.scanned_to):
                entry.words.update(w for w in pattern.findall(article_text)
                                   if len(w) >= MIN_WORD)
            entry.scanned_to = last
        return entry.words
