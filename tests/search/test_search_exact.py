"""Exact search: every page and total equal a brute-force evaluation of every document.

The oracle evaluates the parsed syntax tree over each generated document in plain
Python (its own definition of what a word, phrase, wildcard, fuzzy word, AND, OR and
NOT match, from the analysed tokens of each field) and orders the matches by Whoosh's
unpruned score of every matching document (``UnlimitedCollector``), ties by document
number. The page of :meth:`SearchIndex.search` must be exactly that list's slice, and
the total its length, for any offset and limit.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import index as windex

from app.search import IndexDoc, SearchIndex, analysis, parse_query
from app.search.index import INDEX_NAME
from app.search.query_syntax import Bool, DateRange, Node, Not, Phrase, Word, parse_syntax

GERMAN = [
    "Abkommen", "Abkommens", "Vertrag", "Verträge", "Vertrages", "kritische", "kritischen",
    "kritischer", "Mineralien", "Minister", "Ministerin", "Regierung", "Regierungen",
    "Flüchtling", "Flüchtlinge", "Fluechtlinge", "Bank", "Banken", "Tokajew", "Wien",
]
ENGLISH = [
    "takeover", "bid", "bids", "agreement", "agreements", "minister", "ministers", "bank",
    "banks", "critical", "minerals", "government", "Tokayev", "Vienna",
]
OTHER = ["Zebra", "Tokajev", "Abkomen", "ministre", "Vertrg"]
ALIASES = {"tokajew": ["Tokayev"], "tokayev": ["Tokajew"]}
PAGE_SIZES = (1, 3, 20, 1000)


def _expand(_field: str, word: str) -> list[str]:
    return ALIASES.get(analysis.fold(word), [])


def _documents(seed: int = 10, count: int = 300) -> list[IndexDoc]:
    rng = random.Random(seed)
    docs = []
    for article_id in range(1, count + 1):
        language = rng.choices(["de", "en", "fr"], weights=[50, 35, 15])[0]
        own = GERMAN if language == "de" else ENGLISH if language == "en" else GERMAN + ENGLISH
        words = [rng.choice(own if rng.random() < 0.9 else GERMAN + ENGLISH + OTHER)
                 for _ in range(rng.randint(2, 10))]
        title = " ".join(rng.choice(own) for _ in range(rng.randint(0, 3)))
        docs.append(IndexDoc(article_id, 1, title, " ".join(words), language, "", ""))
    return docs


DOCS = _documents()
_RUNS = {" ".join(d.body.split()[i : i + n]) for d in DOCS[:60] for n in (2, 3)
         for i in range(len(d.body.split()) - n + 1)}
PHRASES = [*sorted(_RUNS), "kritischer Mineralien", "takeover bids", "Abkommen Vertrag",
           "Mineralien kritische"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SearchIndex, Any]]:
    """The generated documents in an index (several segments, like a real notebook),
    and a plain Whoosh searcher of the same index for the oracle's scores."""
    directory = tmp_path_factory.mktemp("exact") / "index"
    ix = SearchIndex.open(directory)
    for start in range(0, len(DOCS), 100):
        ix.write(DOCS[start : start + 100])
    with windex.open_dir(str(directory), indexname=INDEX_NAME).searcher() as searcher:
        yield ix, searcher
    ix.close()


# --------------------------------------------------------------------------- the oracle
def _fields(doc: IndexDoc) -> dict[str, list[str]]:
    """Each text field's tokens, as the schema's analyzers make them."""
    fields = {}
    for kind, analyzer in (("exact", analysis.EXACT), ("de", analysis.GERMAN),
                           ("en", analysis.ENGLISH)):
        fields[f"title_{kind}"] = analysis.analyze(analyzer, doc.title)
        own = kind == "exact" or doc.language == kind
        fields[f"body_{kind}"] = analysis.analyze(analyzer, doc.body) if own else []
    return fields


FIELDS = {doc.article_id: _fields(doc) for doc in DOCS}
ANALYZERS = {"exact": analysis.EXACT, "de": analysis.GERMAN, "en": analysis.ENGLISH}


def _contains(tokens: list[str], run: list[str]) -> bool:
    return any(tokens[i : i + len(run)] == run for i in range(len(tokens) - len(run) + 1))


def _distance(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        previous, row[0] = row[0], i
        for j, cb in enumerate(b, start=1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ca != cb))
    return row[-1]


@lru_cache(maxsize=4096)
def _analysed(kind: str, text: str) -> list[str]:
    return analysis.analyze(ANALYZERS[kind], text)


def _words_match(fields: dict[str, list[str]], text: str, exact: bool) -> bool:
    """Words in order in one field, as exact forms or (unless ``exact``) as stems."""
    kinds = ("exact",) if exact else ("exact", "de", "en")
    for kind in kinds:
        run = _analysed(kind, text)
        if run and any(_contains(fields[f"{base}_{kind}"], run) for base in ("title", "body")):
            return True
    return False


def _leaf_matches(fields: dict[str, list[str]], node: Word | Phrase) -> bool:
    exact_words = fields["title_exact"] + fields["body_exact"]
    if isinstance(node, Word) and node.prefix:
        stem = analysis.fold(node.text)
        return any(t.startswith(stem) for t in exact_words)
    spellings = [node.text]
    if not node.exact and not (isinstance(node, Word) and node.fuzzy):
        spellings += _expand("text", node.text)
    if isinstance(node, Word) and node.fuzzy:
        spellings += _expand("text", node.text)
        target = analysis.fold(node.text)
        if any(t[:1] == target[:1] and _distance(t, target) <= node.fuzzy for t in exact_words):
            return True
    return any(_words_match(fields, s, node.exact) for s in spellings)


def _oracle(node: Node, every: set[int]) -> set[int]:
    if isinstance(node, Bool):
        parts = [_oracle(child, every) for child in node.children]
        return set.intersection(*parts) if node.op == "and" else set.union(*parts)
    if isinstance(node, Not):
        return every - _oracle(node.child, every)
    assert not isinstance(node, DateRange)
    return {a for a in every if _leaf_matches(FIELDS[a], node)}


def _expected(searcher: Any, query: str) -> list[int]:
    """Article ids the oracle matches, ordered by Whoosh's full scoring (ties: docnum)."""
    matched = _oracle(parse_syntax(query), {d.article_id for d in DOCS})
    everything = searcher.search(parse_query(query, expand=_expand), limit=None)
    scored = {int(hit["id"]): (hit.score, hit.docnum) for hit in everything}
    assert set(scored) == matched, f"Whoosh matches differ from the oracle for {query!r}"
    return sorted(matched, key=lambda a: (-scored[a][0], scored[a][1]))


# --------------------------------------------------------------------------- queries
_WORDS = st.sampled_from(GERMAN + ENGLISH + OTHER)
_LEAVES = st.one_of(
    _WORDS,
    _WORDS.map(lambda w: "=" + w),
    st.tuples(_WORDS, st.integers(2, 6)).map(lambda t: t[0][: t[1]] + "*"),
    st.tuples(_WORDS, st.sampled_from(["~", "~1", "~2"])).map("".join),
    st.sampled_from(PHRASES).map(lambda p: f'"{p}"'),
    st.sampled_from(PHRASES).map(lambda p: f'="{p}"'),
)


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(children, children).map(lambda t: f"{t[0]} {t[1]}"),
        st.tuples(children, children).map(lambda t: f"({t[0]} OR {t[1]})"),
        st.tuples(children, children).map(lambda t: f"({t[0]} AND {t[1]})"),
        children.map(lambda c: f"NOT {c}"),
        children.map(lambda c: f"-({c})"),
    )


QUERIES = st.recursive(_LEAVES, _combine, max_leaves=5)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=QUERIES, offset=st.integers(0, 60), limit=st.sampled_from(PAGE_SIZES))
def test_search_page_and_total_equal_brute_force_for_any_paging(generated, query, offset,
                                                                limit):
    """Each page and total equal the oracle's ranked list, whatever offset and limit."""
    ix, searcher = generated
    expected = _expected(searcher, query)
    results = ix.search(query, offset=offset, limit=limit, text_of=lambda _a: "",
                        expand=_expand)
    assert results.total == len(expected)
    assert [h.article_id for h in results.hits] == expected[offset : offset + limit]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(word=_WORDS, edits=st.sampled_from(["~", "~2"]))
def test_search_fuzzy_finds_superset_when_plain_word_finds_articles(generated, word, edits):
    """A fuzzy word finds at least every article the plain word finds (aliases included)."""
    ix, _searcher = generated

    def found(query: str) -> set[int]:
        hits = ix.search(query, limit=1000, text_of=lambda _a: "", expand=_expand).hits
        return {h.article_id for h in hits}

    assert found(word + edits) >= found(word)


# --------------------------------------------------------------------------- regressions
def _ids(ix: SearchIndex, query: str, **kwargs: Any) -> list[int]:
    return [h.article_id for h in ix.search(query, text_of=lambda _a: "", **kwargs).hits]


@pytest.mark.parametrize("query", ["=Abkommen", "Abkommen Vertrag", "Bank OR Wien"])
def test_search_counts_every_match_when_page_is_small(generated, query):
    """Whoosh's collector let union matchers drop branches whose best score could not
    enter a full page ("Bank OR Wien": 18 hits with a page of 1, 107 with 20, 197 with
    1,000): the total and the page no longer depend on the page size."""
    ix, searcher = generated
    expected = _expected(searcher, query)
    for limit in (1, 3, 20, 1000):
        results = ix.search(query, limit=limit, text_of=lambda _a: "", expand=_expand)
        assert results.total == len(expected)
        assert [h.article_id for h in results.hits] == expected[:limit]


def test_search_excludes_first_match_when_excluded_word_comes_earlier(empty_index):
    """Whoosh's AndNot returned a segment's first positive match even when the
    excluded word matched it, if the excluded word's first document came before."""
    empty_index.write([
        IndexDoc(1, 1, "", "Vertrag", "de", "", ""),
        IndexDoc(2, 1, "", "Abkommen und Vertrag", "de", "", ""),
        IndexDoc(3, 1, "", "Abkommen", "de", "", ""),
    ])
    assert _ids(empty_index, "Abkommen -Vertrag") == [3]
    assert _ids(empty_index, "NOT (Abkommen -Vertrag)") == [1, 2]
