"""Wildcard (``Flücht*``) and fuzzy (``Tokajew~``) words: expanded over the whole vocabulary.

Every index term that matches the pattern is searched; there is no silent cap (an
earlier cap to the 64 most frequent expansions dropped real matches: ``Flücht*``
found 62 of 1,520 articles). The only limit is :data:`MAX_EXPANSION` distinct
words, far beyond anything a real prefix of three or more letters reaches, and
a query that passes it is refused with a one-line message asking for more
letters rather than answered with a partial result.
"""

from __future__ import annotations

from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from whoosh import query as wq
from whoosh.matching import NullMatcher
from whoosh.reading import IndexReader

from app.core.errors import QuerySyntaxError

MAX_EXPANSION = 20_000
"""Distinct index words one wildcard or fuzzy word may expand to, per field and segment.

Above this the search is refused (:class:`QuerySyntaxError`), never cut short. At
10,000 German news articles the broadest two-letter prefixes reach a few
thousand words; searching 20,000 terms takes about a second."""


class _Expansion:
    """Matcher for all expansions of a pattern, in one preloaded array.

    Whoosh's default binary tree of union matchers spends most of a wildcard
    query's time re-balancing quality bounds; ``ArrayUnionMatcher`` (Whoosh's
    "preloaded" Or) reads each term's postings once. Each matching document
    scores the sum of its expanded terms' BM25F scores, as an OR of those
    words would.

    Attributes:
        typed: the word as the user typed it (for messages).
        where: its code-point position in the query (for messages).
        query_text: the whole query (for :class:`QuerySyntaxError`).
    """

    fieldname: str
    text: str
    boost: float
    typed: str = ""
    where: int | None = None
    query_text: str = ""

    def _btexts(self, ixreader: IndexReader) -> list[bytes]:
        """The expansion for one (segment) reader, computed once per query object.

        Whoosh asks for it several times per reader (matching, counting, snippet
        terms); a fuzzy word scans thousands of terms each time.
        """
        cache = self.__dict__.setdefault("_expansions", {})
        key = id(ixreader)
        if key not in cache:
            leaves = [leaf for leaf, _offset in ixreader.leaf_readers()]
            if leaves == [ixreader]:
                terms = self._expand(ixreader)
            else:
                # a multi-segment reader merges its segments' lexicons in Python (seconds
                # for a fuzzy word); the union of the segments' own expansions is the same
                terms = sorted(set().union(*(self._btexts(leaf) for leaf in leaves)))
            if len(terms) > MAX_EXPANSION:
                raise self._too_many()
            cache[key] = (ixreader, terms)  # keep the reader alive: ids stay unique
        return list(cache[key][1])

    def _too_many(self) -> QuerySyntaxError:
        where = f" (at character {self.where + 1})" if self.where is not None else ""
        return QuerySyntaxError(
            f'"{self.typed or self.text}" matches more than {MAX_EXPANSION:,} different'
            f" words; type more letters{where}",
            query=self.query_text,
            position=self.where,
        )

    def _expand(self, ixreader: IndexReader) -> list[bytes]:
        raise NotImplementedError

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        terms = [wq.Term(self.fieldname, t) for t in self._btexts(searcher.reader())]
        if not terms:
            return NullMatcher()
        if len(terms) == 1:
            return wq.Term(self.fieldname, terms[0].text, boost=self.boost).matcher(
                searcher, context
            )
        either = wq.Or(terms, boost=self.boost)
        either.matcher_type = wq.Or.ARRAY_MATCHER
        return either.matcher(searcher, context)


class PrefixWord(_Expansion, wq.Prefix):
    """Every index word that starts with ``text`` (a folded prefix)."""

    def _expand(self, ixreader: IndexReader) -> list[bytes]:
        found: list[bytes] = []
        for term in ixreader.expand_prefix(self.fieldname, self.text):
            found.append(term)
            if len(found) > MAX_EXPANSION:
                break
        return found


class FuzzyWord(_Expansion, wq.FuzzyTerm):
    """Every index word within ``maxdist`` edits of ``text`` sharing its first
    ``prefixlength`` letters.

    Whoosh's ``terms_within`` computes each distance in Python (0.4 s for one
    fuzzy word at 10,000 articles); rapidfuzz does the same comparison in C.
    """

    def _expand(self, ixreader: IndexReader) -> list[bytes]:
        prefix = self.text[: self.prefixlength]
        candidates = [t.decode("utf-8") for t in ixreader.expand_prefix(self.fieldname, prefix)]
        similar = process.extract(self.text, candidates, scorer=Levenshtein.distance,
                                  score_cutoff=self.maxdist, limit=None)
        return sorted(choice.encode("utf-8") for choice, _dist, _index in similar)


def set_query_text(q: wq.Query, query: str) -> None:
    """Tell every expansion in ``q`` the whole query, for its error message."""
    for leaf in q.leaves() if not q.is_leaf() else [q]:
        if isinstance(leaf, _Expansion):
            leaf.query_text = query


def pattern_word(
    fieldname: str, text: str, *, typed: str, where: int, fuzzy: int, boost: float = 1.0
) -> wq.Query:
    """A :class:`PrefixWord` (``fuzzy`` 0) or :class:`FuzzyWord` for a folded ``text``."""
    query: _Expansion
    if fuzzy:
        query = FuzzyWord(fieldname, text, boost=boost, maxdist=fuzzy, prefixlength=1)
    else:
        query = PrefixWord(fieldname, text, boost=boost)
    query.typed, query.where = typed, where
    return query
