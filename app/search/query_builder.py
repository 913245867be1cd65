"""Turn the syntax tree of :mod:`app.search.query_syntax` into a Whoosh query.

A plain word is analysed for both languages and searched in the German and
English stemmed fields, in the exact field, and in the title (boosted); so
"Abkommen" finds "Abkommens" and "Flüchtlinge" finds "Fluechtlinge". Quoted
text, wildcards and fuzzy words use the unstemmed, folded ``*_exact`` fields.

Wildcard and fuzzy expansions are capped (see :class:`CappedPrefix`): they are
the slow tail of Whoosh queries.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from whoosh import query as wq
from whoosh.matching import NullMatcher
from whoosh.reading import IndexReader

from app.core.errors import QuerySyntaxError
from app.search import analysis
from app.search.query_syntax import Bool, DateRange, Node, Not, Phrase, Word, parse_syntax
from app.search.schema import date_key

log = logging.getLogger(__name__)

Expand = Callable[[str, str], Sequence[str]]
"""``expand(field, text)``: extra spellings (aliases) for a word or phrase.

``field`` is "text" for unfielded words, else "title" or "actor"."""

EXPANDABLE = ("text", "title", "actor")
"""Fields whose words are passed to ``expand``."""

TITLE_BOOST = 2.0
MAX_EXPANSION = 64
"""At most this many index terms per wildcard or fuzzy word (the most frequent)."""
MAX_FUZZY_SCAN = 200_000
"""Terms sharing a fuzzy word's first letter that are compared with it, at most."""
MAX_SCAN = 20000
"""Terms looked at to choose them; beyond this the expansion is cut short."""


def _top_terms(reader: IndexReader, field: str, texts: Iterable[bytes]) -> list[bytes]:
    """The :data:`MAX_EXPANSION` most frequent of ``texts`` (a capped scan)."""
    scanned = list(islice(texts, MAX_SCAN))
    if len(scanned) <= MAX_EXPANSION:
        return scanned
    frequency = {t: reader.doc_frequency(field, t) for t in scanned}
    return sorted(scanned, key=lambda t: (-frequency[t], t))[:MAX_EXPANSION]


class _CappedExpansion:
    """Matcher for capped expansions: all expanded terms in one preloaded array.

    Whoosh's default binary tree of union matchers spends most of a wildcard
    query's time re-balancing quality bounds; ``ArrayUnionMatcher`` (Whoosh's
    "preloaded" Or) reads each term's postings once.
    """

    fieldname: str
    boost: float

    def _btexts(self, ixreader: IndexReader) -> list[bytes]:
        """The expansion for one (segment) reader, computed once per query object.

        Whoosh asks for it several times per reader (matching, counting, snippet
        terms); a fuzzy word scans thousands of terms each time.
        """
        cache = self.__dict__.setdefault("_expansions", {})
        key = id(ixreader)
        if key not in cache:
            cache[key] = (ixreader, self._expand(ixreader))  # keep the reader alive
        return cache[key][1]

    def _expand(self, ixreader: IndexReader) -> list[bytes]:
        raise NotImplementedError

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        terms = [wq.Term(self.fieldname, t) for t in self._btexts(searcher.reader())]
        if not terms:
            return NullMatcher()
        if len(terms) == 1:
            return terms[0].matcher(searcher, context)
        either = wq.Or(terms, boost=self.boost)
        either.matcher_type = wq.Or.ARRAY_MATCHER
        return either.matcher(searcher, context)


class CappedPrefix(_CappedExpansion, wq.Prefix):
    """A prefix query that expands to the most frequent matching terms only."""

    def _expand(self, ixreader: IndexReader) -> list[bytes]:
        expansions = ixreader.expand_prefix(self.fieldname, self.text)
        return _top_terms(ixreader, self.fieldname, expansions)


class CappedFuzzy(_CappedExpansion, wq.FuzzyTerm):
    """A fuzzy term that expands to the most frequent similar terms only."""

    def _expand(self, ixreader: IndexReader) -> list[bytes]:
        """Terms within ``maxdist`` edits that share the first ``prefixlength`` letters.

        Whoosh's ``terms_within`` computes each distance in Python (0.4 s for one
        fuzzy word at 10,000 articles); rapidfuzz does the same comparison in C.
        """
        prefix = self.text[: self.prefixlength]
        candidates = [t.decode("utf-8") for t in
                      islice(ixreader.expand_prefix(self.fieldname, prefix), MAX_FUZZY_SCAN)]
        similar = process.extract(self.text, candidates, scorer=Levenshtein.distance,
                                  score_cutoff=self.maxdist, limit=None)
        encoded = sorted(choice.encode("utf-8") for choice, _dist, _index in similar)
        return _top_terms(ixreader, self.fieldname, encoded)


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
    if isinstance(built, wq.Not):
        return wq.AndNot(wq.Every(), built.query)
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
            return children[0] if len(children) == 1 else wq.Or(children)
        positive = [c for c in children if not _is_negation(c)]
        negative = [c.query for c in children if _is_negation(c)]  # type: ignore[attr-defined]
        if not negative:
            return positive[0] if len(positive) == 1 else wq.And(positive)
        base = (
            wq.Every() if not positive else positive[0] if len(positive) == 1 else wq.And(positive)
        )
        excluded = negative[0] if len(negative) == 1 else wq.Or(negative)
        return wq.AndNot(base, excluded)

    def leaf(self, node: Word | Phrase) -> wq.Query | None:
        field = node.field or "text"
        spellings = [node.text]
        if self.expand is not None and field in EXPANDABLE and not _is_pattern(node):
            spellings += [s for s in self.expand(field, node.text) if s and s.strip()]
        queries = [q for q in (self.spelling(node, s) for s in _unique(spellings)) if q is not None]
        if not queries:
            return None
        return queries[0] if len(queries) == 1 else wq.Or(queries)

    def spelling(self, node: Word | Phrase, text: str) -> wq.Query | None:
        builder = _FIELD_BUILDERS[node.field or "text"]
        return builder(node, text)


def _is_pattern(node: Word | Phrase) -> bool:
    return isinstance(node, Word) and (node.prefix or node.fuzzy > 0)


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
    if node.prefix:
        return CappedPrefix(field, words[0], boost=boost)
    return CappedFuzzy(field, words[0], boost=boost, maxdist=node.fuzzy, prefixlength=1)


def _multiword_pattern(node: Word) -> wq.Query:
    kind = "*" if node.prefix else "~"
    raise QuerySyntaxError(
        f'"{node.text}{kind}" is more than one word; {kind} works on single words'
        f" (at character {node.pos + 1})",
        position=node.pos,
    )


def text_query(node: Word | Phrase, text: str) -> wq.Query | None:
    """An unfielded word or phrase: body and title, both languages."""
    if isinstance(node, Word) and _is_pattern(node):
        title = _pattern(node, "title_exact", text, TITLE_BOOST)
        body = _pattern(node, "body_exact", text)
        return None if title is None or body is None else wq.Or([title, body])
    exact = analysis.analyze(analysis.EXACT, text)
    if not exact:
        return None
    slop = node.slop if isinstance(node, Phrase) else 0
    if isinstance(node, Phrase) or len(exact) > 1:
        return wq.Or(
            [
                _terms_or_phrase("title_exact", exact, slop, TITLE_BOOST),
                _terms_or_phrase("body_exact", exact, slop),
            ]
        )
    german = analysis.analyze(analysis.GERMAN, text)[0]
    english = analysis.analyze(analysis.ENGLISH, text)[0]
    return wq.Or(
        [
            wq.Term("title_de", german, boost=TITLE_BOOST),
            wq.Term("title_en", english, boost=TITLE_BOOST),
            wq.Term("title_exact", exact[0], boost=TITLE_BOOST),
            wq.Term("body_de", german),
            wq.Term("body_en", english),
            wq.Term("body_exact", exact[0]),
        ]
    )


def title_query(node: Word | Phrase, text: str) -> wq.Query | None:
    """``title:`` word (stemmed, both languages, and exact) or phrase (exact)."""
    if isinstance(node, Word) and _is_pattern(node):
        return _pattern(node, "title_exact", text)
    exact = analysis.analyze(analysis.EXACT, text)
    if not exact:
        return None
    if isinstance(node, Phrase) or len(exact) > 1:
        return _terms_or_phrase("title_exact", exact, getattr(node, "slop", 0))
    german = analysis.analyze(analysis.GERMAN, text)[0]
    english = analysis.analyze(analysis.ENGLISH, text)[0]
    return wq.Or(
        [
            wq.Term("title_de", german),
            wq.Term("title_en", english),
            wq.Term("title_exact", exact[0]),
        ]
    )


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
    """Articles whose whole published period lies within the range."""
    parts: list[wq.Query] = []
    if node.lo is not None:
        parts.append(wq.NumericRange("date_lo", date_key(node.lo), None))
    if node.hi is not None:
        parts.append(wq.NumericRange("date_hi", None, date_key(node.hi)))
    return parts[0] if len(parts) == 1 else wq.And(parts)


_FIELD_BUILDERS: dict[str, Callable[[Word | Phrase, str], wq.Query | None]] = {
    "text": text_query,
    "title": title_query,
    "source": _name_query("source"),
    "actor": _name_query("actor"),
    "lang": lang_query,
    "tag": tag_query,
}
