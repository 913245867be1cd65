"""Turn the syntax tree of :mod:`app.search.query_syntax` into a Whoosh query.

A plain word is analysed for both languages and searched in the German and
English stemmed fields, in the exact field, and in the title (boosted); so
"Abkommen" finds "Abkommens" and "Flüchtlinge" finds "Fluechtlinge". A quoted
phrase is searched the same way, as a phrase on each field's positions: in a
German article ``"kritischer Mineralien"`` finds "kritischen Mineralien", in an
English one ``"takeover bids"`` finds "takeover bid". ``=word`` and ``="..."``
search only the unstemmed, folded ``*_exact`` fields (exact word forms).

Wildcard and fuzzy words expand over the whole vocabulary of the exact fields
(see :mod:`app.search.expansion`); a fuzzy word also searches what the plain word
finds (stems and aliases), so ``Tokajew~`` never finds less than ``Tokajew``.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence

from whoosh import query as wq

from app.core.errors import QuerySyntaxError
from app.search import analysis
from app.search.expansion import pattern_word, set_query_text
from app.search.matchers import AndNot, Or
from app.search.query_syntax import Bool, DateRange, Node, Not, Phrase, Word, parse_syntax
from app.search.schema import date_key

log = logging.getLogger(__name__)

Expand = Callable[[str, str], Sequence[str]]
"""``expand(field, text)``: extra spellings (aliases) for a word or phrase.

``field`` is "text" for unfielded words, else "title" or "actor"."""

EXPANDABLE = ("text", "title", "actor")
"""Fields whose words are passed to ``expand``."""

TITLE_BOOST = 2.0
STEMMERS = (("de", analysis.GERMAN), ("en", analysis.ENGLISH))
"""The stemmed field suffixes and their analyzers."""


def parse_query(query: str, *, expand: Expand | None = None) -> wq.Query:
    """Parse what a user typed into a Whoosh query over the index schema.

    Args:
        query: the query text (see :mod:`app.search.query_syntax` for the syntax).
        expand: optional alias lookup; every spelling it returns is OR-ed in.

    Raises:
        QuerySyntaxError: with a one-line message and position, for malformed input
            or a query with nothing searchable in it.
    """
    try:
        built = _Builder(query, expand).build(parse_syntax(query))
    except QuerySyntaxError as error:
        error.query = query
        raise
    if built is None:
        raise QuerySyntaxError(
            "nothing searchable in the query: type words or numbers", query=query
        )
    set_query_text(built, query)
    if isinstance(built, wq.Not):
        return AndNot(wq.Every(), built.query)
    return built


class _Builder:
    def __init__(self, query: str, expand: Expand | None) -> None:
        self.query = query
        self.expand = expand

    def build(self, node: Node) -> wq.Query | None:
        if isinstance(node, Bool):
            return self.boolean(node)
        if isinstance(node, Not):
            child = self.build(node.child)
            return None if child is None else _only_not(child)
        if isinstance(node, DateRange):
            return date_query(node)
        return self.leaf(node)

    def boolean(self, node: Bool) -> wq.Query | None:
        children = [c for c in map(self.build, node.children) if c is not None]
        if not children:
            return None
        if node.op == "or":
            return children[0] if len(children) == 1 else Or(children)
        positive = [c for c in children if not _is_negation(c)]
        negative = [c.query for c in children if _is_negation(c)]
        if not negative:
            return positive[0] if len(positive) == 1 else wq.And(positive)
        base = (
            wq.Every() if not positive else positive[0] if len(positive) == 1 else wq.And(positive)
        )
        excluded = negative[0] if len(negative) == 1 else Or(negative)
        return AndNot(base, excluded)

    def leaf(self, node: Word | Phrase) -> wq.Query | None:
        if isinstance(node, Word) and node.fuzzy:
            # what the plain word finds (stems, aliases), plus the similar words
            plain = self.leaf(dataclasses.replace(node, fuzzy=0))
            similar = self.spelling(node, node.text)
            either = [q for q in (plain, similar) if q is not None]
            return None if not either else either[0] if len(either) == 1 else Or(either)
        field = node.field or "text"
        spellings = [node.text]
        if self.expand is not None and field in EXPANDABLE and not _is_literal(node):
            spellings += [s for s in self.expand(field, node.text) if s and s.strip()]
        queries = [q for q in (self.spelling(node, s) for s in _unique(spellings)) if q is not None]
        if not queries:
            return None
        return queries[0] if len(queries) == 1 else Or(queries)

    def spelling(self, node: Word | Phrase, text: str) -> wq.Query | None:
        builder = _FIELD_BUILDERS[node.field or "text"]
        return builder(node, text)


def _is_pattern(node: Word | Phrase) -> bool:
    return isinstance(node, Word) and (node.prefix or node.fuzzy > 0)


def _is_literal(node: Word | Phrase) -> bool:
    """Patterns and exact forms are searched as typed, without alias spellings."""
    return _is_pattern(node) or node.exact


def _is_negation(q: wq.Query) -> bool:
    return isinstance(q, wq.Not)


def _only_not(child: wq.Query) -> wq.Query:
    """A negation; :meth:`_Builder.boolean` turns it into AndNot inside an AND."""
    return wq.Not(child)


def _unique(spellings: Iterable[str]) -> Iterator[str]:
    seen: set[str] = set()
    for text in spellings:
        key = analysis.fold(" ".join(text.split()))
        if key not in seen:
            seen.add(key)
            yield text


def _terms_or_phrase(field: str, words: list[str], slop: int, boost: float = 1.0) -> wq.Query:
    if len(words) == 1:
        return wq.Term(field, words[0], boost=boost)
    return wq.Phrase(field, words, slop=max(1, slop + 1), boost=boost)


def _pattern(node: Word, field: str, text: str, boost: float = 1.0) -> wq.Query | None:
    """Prefix or fuzzy query on ``field`` for a wildcard/fuzzy word."""
    words = analysis.analyze(analysis.EXACT, text) if field != "tag" else [analysis.fold(text)]
    if len(words) != 1:
        return None if not words else _multiword_pattern(node)
    typed = node.text + ("*" if node.prefix else f"~{node.fuzzy}")
    return pattern_word(field, words[0], typed=typed, where=node.pos, fuzzy=node.fuzzy,
                        boost=boost)


def _multiword_pattern(node: Word) -> wq.Query:
    kind = "*" if node.prefix else "~"
    raise QuerySyntaxError(
        f'"{node.text}{kind}" is more than one word; {kind} works on single words'
        f" (at character {node.pos + 1})",
        position=node.pos,
    )


def _words_query(node: Word | Phrase, text: str, base: str, boost: float) -> wq.Query | None:
    """A word or phrase in the ``{base}_de``, ``{base}_en`` and ``{base}_exact`` fields.

    A single word is a term per field; several words (a phrase, or a word that the
    analyzer splits, like "Stadt-Anzeiger") are a phrase per field, on stemmed
    positions in the stemmed fields. An exact node (``=``) uses ``{base}_exact`` only.
    """
    exact = analysis.analyze(analysis.EXACT, text)
    if not exact:
        return None
    slop = node.slop if isinstance(node, Phrase) else 0
    parts = [_terms_or_phrase(f"{base}_exact", exact, slop, boost)]
    if not node.exact:
        for suffix, analyzer in STEMMERS:
            stems = analysis.analyze(analyzer, text)
            parts.insert(-1, _terms_or_phrase(f"{base}_{suffix}", stems, slop, boost))
    return parts[0] if len(parts) == 1 else Or(parts)


def text_query(node: Word | Phrase, text: str) -> wq.Query | None:
    """An unfielded word or phrase: title (boosted) and body, both languages."""
    if isinstance(node, Word) and _is_pattern(node):
        title = _pattern(node, "title_exact", text, TITLE_BOOST)
        body = _pattern(node, "body_exact", text)
        return None if title is None or body is None else Or([title, body])
    title = _words_query(node, text, "title", TITLE_BOOST)
    body = _words_query(node, text, "body", 1.0)
    return None if title is None or body is None else Or([*_parts(title), *_parts(body)])


def _parts(q: wq.Query) -> list[wq.Query]:
    """The alternatives of an Or, or ``q`` alone (keeps the query flat)."""
    return list(q.subqueries) if isinstance(q, wq.Or) else [q]


def title_query(node: Word | Phrase, text: str) -> wq.Query | None:
    """``title:`` word or phrase (stemmed, both languages, and exact)."""
    if isinstance(node, Word) and _is_pattern(node):
        return _pattern(node, "title_exact", text)
    return _words_query(node, text, "title", 1.0)


def _name_query(field: str) -> Callable[[Word | Phrase, str], wq.Query | None]:
    """``source:``/``actor:``: words of the name; a multiword value is a phrase."""

    def build(node: Word | Phrase, text: str) -> wq.Query | None:
        if isinstance(node, Word) and _is_pattern(node):
            return _pattern(node, field, text)
        words = analysis.analyze(analysis.NAME, text)
        if not words:
            return None
        return _terms_or_phrase(field, words, getattr(node, "slop", 0))

    return build


def lang_query(node: Word | Phrase, text: str) -> wq.Query | None:
    """``lang:de``: the language code, folded."""
    if isinstance(node, Word) and _is_pattern(node):
        return _pattern(node, "lang", text)
    code = analysis.fold(text.strip())
    return wq.Term("lang", code) if code else None


def tag_query(node: Word | Phrase, text: str) -> wq.Query | None:
    """``tag:Energie``: a tag anywhere in the hierarchy, or below it (see schema.tag_keys)."""
    path = "/".join(p.strip() for p in text.split("/") if p.strip())
    if not path:
        return None
    if isinstance(node, Word) and _is_pattern(node):
        return _pattern(node, "tag", path)
    return wq.Term("tag", analysis.fold(path))


def date_query(node: DateRange) -> wq.Query:
    """Articles whose published period overlaps the range: it starts on or before the
    range's last day and ends on or after its first (a partial date is a period)."""
    parts: list[wq.Query] = []
    if node.hi is not None:
        parts.append(wq.NumericRange("date_lo", None, date_key(node.hi)))
    if node.lo is not None:
        parts.append(wq.NumericRange("date_hi", date_key(node.lo), None))
    return parts[0] if len(parts) == 1 else wq.And(parts)


_FIELD_BUILDERS: dict[str, Callable[[Word | Phrase, str], wq.Query | None]] = {
    "text": text_query,
    "title": title_query,
    "source": _name_query("source"),
    "actor": _name_query("actor"),
    "lang": lang_query,
    "tag": tag_query,
}
