"""The suggestion pass: unmarked mentions of known actors, for the user to review.

:class:`Matcher` finds, in plain text, every spelling of known actors including
transliteration variants (Tokajew for Tokayev), inflections (Tokajews, Kasachstans) and
near misses (Mirziyev for Mirziyoyev), each with a 0-100 score. Work per distinct word is
cached, so a pass costs little more than tokenising. :class:`SuggestionService` runs it
over the notebook (long work with ``progress`` and ``cancel``), leaves out what is marked
or was rejected, and accepts or rejects suggestions. Nothing is marked without the user.
The search's alias expansion (:mod:`app.services.actor_variants`) asks the same matcher,
built by :func:`build_matcher`, which actor a query word names.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from app.core.actor_records import Suggestion, SuggestionReport
from app.core.changes import Changes
from app.core.errors import NotFound, ValidationError
from app.core.ids import ActorId, ArticleId
from app.core.progress import CancelToken, ProgressEvent, ProgressFn, no_progress
from app.services.names import (
    inflected_forms,
    skeleton,
    starts_upper,
    strip_possessive,
    word_forms,
    words,
)
from app.services.unit import Writer
from app.store import actors as actor_store
from app.store import suggestions as store
from app.store.engine import translated_errors
from app.store.sessions import Session, Sessions
from app.store.suggestions import Rejection

if TYPE_CHECKING:
    from app.services.actors import ActorService

log = logging.getLogger(__name__)

MIN_SCORE = 85.0
FUZZY_MIN_LENGTH = 5
BATCH = 200
_REASON_RANK = {"alias": 0, "variant": 1, "inflection": 2, "fuzzy": 3}
_JOINERS = frozenset(" -\u2010\u2011\u2012\u2013\xa0")


@dataclass(frozen=True, slots=True)
class _Spelling:
    actor_id: int
    actor_name: str
    text: str
    tokens: tuple[frozenset[str], ...]


@dataclass(frozen=True, slots=True)
class Hit:
    """A match in a text: ``[start, end)`` code points, the spelling it matches."""

    start: int
    end: int
    actor_id: int
    actor_name: str
    spelling: str
    score: float
    reason: str


def _squash(text: str) -> str:
    return " ".join(text.replace("-", " ").split()).casefold()


class Matcher:
    """Finds known actors' spellings and their variants in texts.

    Args:
        spellings: per actor id, its canonical name first, then its aliases.
        min_score: fuzzy matches below this (0-100) are ignored.
        partial: per actor id, short forms that are found too but are not aliases
            (a person's surname: "Mirziyoyev" for "Shavkat Mirziyoyev").
    """

    def __init__(self, spellings: Mapping[int, list[str]], min_score: float = MIN_SCORE,
                 partial: Mapping[int, list[str]] | None = None) -> None:
        self.min_score = min_score
        self._first: dict[str, list[_Spelling]] = defaultdict(list)
        self._vocab: set[str] = set()
        self._similar: dict[tuple[str, str], list[str]] = defaultdict(list)
        self._cache: dict[str, dict[str, tuple[float, str]]] = {}
        self._named: dict[str, dict[int, float]] = {}
        self._known: dict[int, set[str]] = defaultdict(set)
        for actor_id, names in spellings.items():
            for name in names:
                self._add(actor_id, names[0], name, is_alias=True)
        for actor_id, short_forms in (partial or {}).items():
            for name in short_forms:
                self._add(actor_id, spellings[actor_id][0], name, is_alias=False)

    def _add(self, actor_id: int, actor_name: str, text: str, is_alias: bool) -> None:
        tokens = tuple(word_forms(w) for _s, _e, w in words(text))
        if not tokens or not all(tokens):
            return
        spelling = _Spelling(actor_id, actor_name, text, tokens)
        if is_alias:
            self._known[actor_id].add(_squash(text))
        for form in tokens[0]:
            self._first[form].append(spelling)
        for forms in tokens:
            for form in forms - self._vocab:
                self._vocab.add(form)
                self._similar[(skeleton(form), form[:2])].append(form)

    def word_matches(self, word: str) -> dict[str, tuple[float, str]]:
        """Vocabulary forms ``word`` matches, with (score, reason); cached per word."""
        found = self._cache.get(word)
        if found is None:
            found = self._word_matches(word)
            self._cache[word] = found
        return found

    def _word_matches(self, word: str) -> dict[str, tuple[float, str]]:
        out = {f: (100.0, "variant") for f in word_forms(word) if f in self._vocab}
        for form in inflected_forms(word):
            if form in self._vocab and form not in out:
                out[form] = (93.0, "inflection")
        if out or len(word) < FUZZY_MIN_LENGTH or not starts_upper(word):
            return out
        for form in word_forms(word):
            for candidate in self._similar.get((skeleton(form), form[:2]), ()):
                score = fuzz.ratio(form, candidate) * 0.97
                if score >= self.min_score and score > out.get(candidate, (0.0, ""))[0]:
                    out[candidate] = (score, "fuzzy")
        return out

    def scan(self, text: str) -> list[Hit]:
        """Every match in ``text``, longest first where matches overlap."""
        tokens = words(text)
        hits: list[Hit] = []
        cache = self._cache
        for i, (_s, _e, word) in enumerate(tokens):
            if not word[0].isupper():
                continue
            matches = cache.get(word)
            if matches is None:
                matches = self.word_matches(word)
            if not matches:
                continue
            for form, (score, reason) in matches.items():
                for spelling in self._first.get(form, ()):
                    hit = self._extend(text, tokens, i, spelling, score, reason)
                    if hit is not None:
                        hits.append(hit)
        return _longest(hits)

    def actors_named(self, text: str) -> dict[int, float]:
        """Actors that ``text`` as a whole names, with the best score: one of their
        spellings (or short forms), a variant, an inflection or a near miss scoring at
        least ``min_score``. Case does not matter (search words are typed in lower case);
        a word inside a longer name ("Shavkat" of "Shavkat Mirziyoyev") names no one."""
        found = self._named.get(text)
        if found is None:
            found = self._actors_named(text)
            self._named[text] = found
        return found

    def _actors_named(self, text: str) -> dict[int, float]:
        capitalised = " ".join(w[:1].upper() + w[1:] for w in strip_possessive(text).split())
        tokens = words(capitalised)
        if not tokens:
            return {}
        whole = (tokens[0][0], tokens[-1][1])
        out: dict[int, float] = {}
        for hit in self.scan(capitalised):
            if (hit.start, hit.end) == whole:
                out[hit.actor_id] = max(hit.score, out.get(hit.actor_id, 0.0))
        return out

    def _extend(self, text: str, tokens: list[tuple[int, int, str]], i: int,
                spelling: _Spelling, score: float, reason: str) -> Hit | None:
        n = len(spelling.tokens)
        if i + n > len(tokens):
            return None
        for j in range(1, n):
            prev_end, (start, _end, word) = tokens[i + j - 1][1], tokens[i + j]
            gap = text[prev_end:start]
            if len(gap) > 2 or not set(gap) <= _JOINERS:
                return None
            matches = self.word_matches(word)
            best = max((matches[f] for f in spelling.tokens[j] if f in matches),
                       default=None, key=lambda m: m[0])
            if best is None:
                return None
            score = min(score, best[0])
            reason = max(reason, best[1], key=_REASON_RANK.__getitem__)
        start, end = tokens[i][0], tokens[i + n - 1][1]
        if _squash(text[start:end]) in self._known[spelling.actor_id]:
            score, reason = 100.0, "alias"
        elif reason == "variant":
            score = 97.0
        return Hit(start, end, spelling.actor_id, spelling.actor_name, spelling.text,
                   round(score, 1), reason)


def surnames_of(spellings: Iterable[str]) -> list[str]:
    """Last words (at least 4 letters) of a person's multi-word spellings."""
    out: list[str] = []
    for spelling in spellings:
        parts = words(spelling)
        if len(parts) > 1 and len(parts[-1][2]) >= 4 and parts[-1][2] not in out:
            out.append(parts[-1][2])
    return out


def build_matcher(spellings: Mapping[int, list[str]], persons: set[int],
                  min_score: float = MIN_SCORE) -> Matcher:
    """The one matcher of actor names: every spelling, and each person's surname on its
    own. The suggestion pass and the search's alias expansion both use it, so a word the
    suggestions link to an actor is the word the search expands."""
    surnames = {a: surnames_of(spellings[a]) for a in spellings if a in persons}
    return Matcher(spellings, min_score, surnames)


def _longest(hits: list[Hit]) -> list[Hit]:
    """Drop hits inside a longer one (Tokayev inside Kassym-Jomart Tokayev); one per
    actor and span, the best-scoring; identical spans of different actors all stay."""
    best: dict[tuple[int, int, int], Hit] = {}
    for hit in hits:
        key = (hit.start, hit.end, hit.actor_id)
        if key not in best or hit.score > best[key].score:
            best[key] = hit
    ordered = sorted(best.values(), key=lambda h: (-(h.end - h.start), -h.score, h.start))
    kept: list[Hit] = []
    for hit in ordered:
        if all((h.start, h.end) == (hit.start, hit.end) or h.end <= hit.start
               or hit.end <= h.start for h in kept):
            kept.append(hit)
    return sorted(kept, key=lambda h: (h.start, h.actor_id))


class SuggestionService:
    """Runs the suggestion pass over the notebook and applies the user's review."""

    def __init__(self, sessions: Sessions, writer: Writer, actors: ActorService) -> None:
        self._sessions = sessions
        self._writer = writer
        self._actors = actors

    def run(self, actor_ids: Iterable[int] | None = None,
            article_ids: Iterable[int] | None = None, min_score: float = MIN_SCORE,
            progress: ProgressFn = no_progress,
            cancel: CancelToken | None = None) -> SuggestionReport:
        """Find unmarked mentions of known actors (all, or ``actor_ids``) in all articles
        (or ``article_ids``). Long work: call it from a worker thread in the GUI.
        Cancelling returns what was found so far with ``cancelled`` set."""
        with translated_errors(), self._sessions() as session:
            names = actor_store.spellings(session, actor_ids)
            persons = actor_store.person_ids(session)
            ids = store.article_ids(session, article_ids)
        matcher = build_matcher(names, persons, min_score)
        found: list[Suggestion] = []
        done = 0
        for batch in self._batches(ids):
            if cancel is not None and cancel.is_cancelled:
                return SuggestionReport(tuple(found), done, cancelled=True)
            found.extend(self._suggest_batch(matcher, batch))
            done += len(batch)
            progress(ProgressEvent(done, len(ids), "looking for actors"))
        return SuggestionReport(tuple(found), done)

    @staticmethod
    def _batches(ids: list[int]) -> Iterator[list[int]]:
        for i in range(0, len(ids), BATCH):
            yield ids[i: i + BATCH]

    def _suggest_batch(self, matcher: Matcher, ids: list[int]) -> list[Suggestion]:
        with translated_errors(), self._sessions() as session:
            texts = store.article_texts(session, ids)
            marked = store.marked_spans(session, ids)
            rejected = store.rejections(session)
        out = []
        for article_id in ids:
            text = texts.get(article_id, "")
            for hit in matcher.scan(text):
                if _is_hidden(hit, article_id, text, marked, rejected):
                    continue
                out.append(_suggestion(hit, article_id, text))
        return out

    # -- review -------------------------------------------------------------------------
    def accept(self, suggestion: Suggestion) -> Changes:
        """Mark the suggested span as a mention of its actor (one undo step)."""
        return self.accept_all([suggestion])

    def accept_all(self, suggestions: Iterable[Suggestion], actor_id: int | None = None
                   ) -> Changes:
        """Accept many suggestions in one undo step (only ``actor_id``'s, if given)."""
        chosen = [s for s in suggestions if actor_id is None or s.actor_id == actor_id]
        label = "accept suggestion" if len(chosen) == 1 else f"accept {len(chosen)} suggestions"
        try:
            with self._writer.edit(label) as tx:
                for s in chosen:
                    self._check_still_there(tx.session, s)
                    self._actors.mark_in(tx, s.article_id, s.start, s.end, s.actor_id)
        finally:
            self._actors.names_changed()  # marking adds the new spellings as aliases
        return tx.changes

    @staticmethod
    def _check_still_there(session: Session, s: Suggestion) -> None:
        text = store.article_text(session, s.article_id)
        if text is None:
            raise NotFound(f"article {s.article_id} does not exist")
        if text[s.start: s.end] != s.surface:
            raise ValidationError(f"the text changed: {s.surface!r} is no longer there; "
                                  "run the suggestion pass again")

    def reject(self, suggestion: Suggestion, everywhere: bool = False) -> Changes:
        """Remember that this is not the actor: here, or (``everywhere``) for the spelling
        in every article. Rejected suggestions are not offered again."""
        with self._writer.edit(f"reject '{suggestion.surface}'") as tx:
            store.insert_rejection(
                tx.rec, suggestion.actor_id, suggestion.surface.casefold(),
                None if everywhere else suggestion.article_id,
                None if everywhere else suggestion.start)
        return tx.changes


def _is_hidden(hit: Hit, article_id: int, text: str,
               marked: Mapping[int, list[tuple[int, int]]],
               rejected: set[Rejection]) -> bool:
    if any(s < hit.end and hit.start < e for s, e in marked.get(article_id, ())):
        return True
    surface = text[hit.start: hit.end].casefold()
    return ((hit.actor_id, surface, None, None) in rejected
            or (hit.actor_id, surface, article_id, hit.start) in rejected)


def _suggestion(hit: Hit, article_id: int, text: str) -> Suggestion:
    context = text[max(0, hit.start - 60): hit.end + 60].replace("\n", " ")
    return Suggestion(ActorId(hit.actor_id), hit.actor_name, ArticleId(article_id), hit.start,
                      hit.end, text[hit.start: hit.end], hit.spelling, hit.score, hit.reason,
                      context)
