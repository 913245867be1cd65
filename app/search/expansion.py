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
from app.search.lexicon import items_with_prefix, remember, words_with_prefix
from app.search.matchers import Or

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
        """The expansion for one reader (a segment's, or the whole index's).

        A segment's expansion is kept on its reader (see :func:`_leaf_cache`) and so
        reused by every later query until the segment changes; the whole index's is
        the union of its segments' (the same words as scanning the merged lexicon,
        which Whoosh does in Python: seconds for a fuzzy word).
        """
        leaves = [leaf for leaf, _offset in ixreader.leaf_readers()]
        if leaves != [ixreader]:
            self._expand_leaves(leaves)
            return sorted(set().union(*(self._btexts(leaf) for leaf in leaves)))
        cache = _leaf_cache(ixreader)
        key = self._cache_key()
        if key not in cache:
            self._expand_leaves([ixreader])
        terms = cache[key]
        if len(terms) > MAX_EXPANSION:
            raise self._too_many()
        return list(terms)

    def _cache_key(self) -> tuple[Any, ...]:
        return (type(self).__name__, self.fieldname, self.text)

    def _expand_leaves(self, leaves: list[IndexReader]) -> None:
        """Expand over the segments whose reader does not know this word yet, storing
        each segment's words on its reader (at most ``MAX_EXPANSION + 1`` of them)."""
        key = self._cache_key()
        for leaf, terms in self._expand_each([r for r in leaves if key not in _leaf_cache(r)]):
            _leaf_cache(leaf)[key] = tuple(terms)

    def _expand_each(
        self, leaves: list[IndexReader]
    ) -> list[tuple[IndexReader, list[bytes]]]:
        return [(leaf, self._expand(leaf)) for leaf in leaves]

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
        # Whoosh asks segment by segment; expand over all segments at the first one
        top = searcher.get_parent() if searcher.has_parent() else searcher
        self._expand_leaves([leaf for leaf, _offset in top.reader().leaf_readers()])
        terms = [wq.Term(self.fieldname, t) for t in self._btexts(searcher.reader())]
        if not terms:
            return NullMatcher()
        if len(terms) == 1:
            return wq.Term(self.fieldname, terms[0].text, boost=self.boost).matcher(
                searcher, context
            )
        either = Or(terms, boost=self.boost)
        either.matcher_type = Or.ARRAY_MATCHER
        return either.matcher(searcher, context)


class PrefixWord(_Expansion, wq.Prefix):
    """Every index word that starts with ``text`` (a folded prefix)."""

    def _expand(self, ixreader: IndexReader) -> list[bytes]:
        found: list[bytes] = []
        for term, raw in items_with_prefix(ixreader, self.fieldname, self.text):
            found.append(term)
            remember(ixreader, self.fieldname, term, raw)  # scoring needs it next
            if len(found) > MAX_EXPANSION:
                break
        return found


class FuzzyWord(_Expansion, wq.FuzzyTerm):
    """Every index word within ``maxdist`` edits of ``text`` sharing its first
    ``prefixlength`` letters.

    Whoosh's ``terms_within`` computes each distance in Python (0.4 s for one
    fuzzy word at 10,000 articles); rapidfuzz does the same comparison in C.
    """

    def _cache_key(self) -> tuple[Any, ...]:
        return (*super()._cache_key(), self.maxdist, self.prefixlength)

    def _expand(self, ixreader: IndexReader) -> list[bytes]:
        return self._expand_each([ixreader])[0][1]

    def _expand_each(
        self, leaves: list[IndexReader]
    ) -> list[tuple[IndexReader, list[bytes]]]:
        """One distance computation per distinct word of all the segments (most words
        are in every segment), then each segment's share of the similar ones."""
        prefix = self.text[: self.prefixlength]
        # an edit changes a word's UTF-8 length by at most 4 bytes: longer and shorter
        # words are never cut out of the term table
        size, most = len(self.text.encode("utf-8")), 4 * self.maxdist
        lengths = (size - most, size + most)
        candidates = [words_with_prefix(leaf, self.fieldname, prefix, lengths) for leaf in leaves]
        distinct = list({t.decode("utf-8") for words in candidates for t in words})
        similar = {choice.encode("utf-8") for choice, _dist, _index in process.extract(
            self.text, distinct, scorer=Levenshtein.distance, score_cutoff=self.maxdist,
            limit=None)}
        return [(leaf, sorted(t for t in words if t in similar))
                for leaf, words in zip(leaves, candidates, strict=True)]


def _leaf_cache(reader: IndexReader) -> dict[tuple[Any, ...], tuple[bytes, ...]]:
    """Expansions kept on a segment's reader: a segment's words never change, and the
    index keeps a segment's reader only while the segment is unchanged (a new reader,
    with an empty cache, replaces it after any change), so nothing goes stale."""
    cache: dict[tuple[Any, ...], tuple[bytes, ...]] = reader.__dict__.setdefault(
        "_dossier_expansions", {})
    return cache


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
