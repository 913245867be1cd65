"""Bulk scoring (app.search.bulk) gives Whoosh's scores, bit for bit, for every match.

The reference is Whoosh's own unpruned search of the same parsed query on the same
searcher (``UnlimitedCollector``: every matching document with its score). The index
has several segments, deleted documents (updated articles) and notes beside articles,
so the bulk path meets everything a real notebook index has.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from whoosh import collectors
from whoosh import query as wq

from app.search import IndexDoc, SearchIndex, bulk, parse_query, postings
from app.search.ranking import ranked

WORDS = ["Regierung", "Regierungen", "Minister", "Ministerin", "Abkommen", "Abkommens",
         "Wien", "Graz", "Europäische", "Union", "kritischer", "Mineralien", "Flüchtlinge",
         "Fluechtlinge", "Bank", "Banken", "government", "agreement", "agreements", "Vienna"]

QUERIES = [
    "Regierung", "Minister*", "Mini*", "Regierung~", "Wien~2", '"Europäische Union"',
    '="Europäische Union"', '"kritischer Mineralien" Wien', "Wien OR Graz OR Abkommen",
    "Wien Graz", "Wien Graz Bank", "Bank AND NOT Wien", "-Regierung", "Abkommen -Wien",
    "title:Minister", "government OR agreement", "(Wien OR Graz) AND (Bank OR Union)",
    "Zebra", "Zebra*", '"Union Europäische"', "lang:de Wien", "Wien date:2025-11",
]


def _docs(seed: int, start: int, count: int) -> list[IndexDoc]:
    rng = random.Random(seed)
    docs = []
    for article_id in range(start, start + count):
        language = rng.choice(["de", "de", "en", "fr"])
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 40)))
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 4)))
        docs.append(IndexDoc(article_id, 1, title, body, language, "", "2025-11"))
    return docs


@pytest.fixture(scope="module")
def segmented(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    """Five segments, a tenth of the articles updated (deleted in their old
    segment), and a few notes."""
    ix = SearchIndex.open(tmp_path_factory.mktemp("bulk") / "index")
    for k in range(5):
        ix.write(_docs(k, 1 + 60 * k, 60), bulk=k == 0)
    ix.write([IndexDoc(d.article_id, 2, d.title, d.body + " Wien", d.language, "", "")
              for d in _docs(99, 1, 300)[::10]])
    ix.write([IndexDoc(n, 1, "Notiz", "Regierung Wien Abkommen", "de", "", "", kind="note")
              for n in range(1, 6)])
    assert len(ix.segments()) > 3 and any(s.deleted_count() for s in ix.segments())
    yield ix
    ix.close()


def _whoosh_scores(searcher: object, q: wq.Query) -> dict[int, float]:
    collector = collectors.UnlimitedCollector()
    searcher.search_with_collector(q, collector)  # type: ignore[attr-defined]
    return dict(collector.results().items())


@pytest.mark.parametrize("query", QUERIES)
def test_bulk_scores_equal_whoosh_scores_for_every_match(segmented, query):
    """Every matching document and its score equal Whoosh's unpruned search."""
    searcher = segmented._current()
    q = parse_query(query)
    total, found = bulk.bulk_ranked(searcher, q, 0, 10_000)
    expected = _whoosh_scores(searcher, q)
    assert {d: s for s, d in found} == expected
    assert total == len(expected)


@pytest.mark.parametrize("query", QUERIES[:8])
@pytest.mark.parametrize(("offset", "limit"), [(0, 1), (0, 20), (7, 5), (0, 10_000)])
def test_bulk_page_equals_whoosh_page_for_any_paging(segmented, query, offset, limit):
    """Pages and totals (ties by document number) equal Whoosh's exact collector's."""
    searcher = segmented._current()
    q = parse_query(query)
    total, found = bulk.bulk_ranked(searcher, q, offset, limit)
    w_total, hits = ranked(searcher, q, offset, limit)
    assert total == w_total
    assert found == [(h.score, h.docnum) for h in hits]


def test_bulk_keeps_only_the_filtered_kinds(segmented):
    """A ``kinds`` filter counts and ranks only documents of those kinds."""
    searcher = segmented._current()
    q = parse_query("Regierung Wien")
    notes = wq.Or([wq.Term("kind", "note")])
    total, found = bulk.bulk_ranked(searcher, q, 0, 50, notes)
    w_total, hits = ranked(searcher, q, 0, 50, notes)
    assert total == w_total == 5
    assert found == [(h.score, h.docnum) for h in hits]


@pytest.mark.parametrize("kinds", [["article"], ["article", "note"], ["note"], ["actor"]])
@pytest.mark.parametrize("query", ["Regierung", "Wien OR Graz", "-Regierung", "Mini*"])
def test_bulk_kind_filters_equal_whoosh_with_deleted_documents(segmented, kinds, query):
    """The filter the search service puts on every search (documents of these kinds),
    read from the kind's postings: Whoosh's total and page, updated articles' old
    versions never counted."""
    searcher = segmented._current()
    q = parse_query(query)
    only = wq.Or([wq.Term("kind", k) for k in kinds])
    total, found = bulk.bulk_ranked(searcher, q, 0, 10_000, only)
    w_total, hits = ranked(searcher, q, 0, 10_000, only)
    assert total == w_total
    assert found == [(h.score, h.docnum) for h in hits]


def test_bulk_results_unchanged_when_postings_cache_is_tiny(segmented, monkeypatch):
    """Evicting cached postings (a bound of one term) changes no score or total."""
    q = parse_query("Wien OR Graz OR Mini*")
    searcher = segmented._current()
    before = bulk.bulk_ranked(searcher, q, 0, 100)
    segmented.drop_caches()
    monkeypatch.setattr(postings, "CACHED_POSTINGS", 1)
    searcher = segmented._current()
    assert bulk.bulk_ranked(searcher, q, 0, 100) == before
    for reader, _offset in searcher.reader().leaf_readers():
        assert len(reader.__dict__.get("_dossier_postings", ())) <= 1


def test_search_finds_new_version_once_after_update(tmp_path: Path):
    """An updated article (old posting deleted, not yet merged away) is found once,
    with its new text, by the bulk path the service uses."""
    ix = SearchIndex.open(tmp_path / "index")
    ix.write([IndexDoc(1, 1, "Alt", "Regierung Wien", "de", "", "")])
    ix.write([IndexDoc(2, 1, "Zwei", "Graz", "de", "", "")])
    ix.search("Regierung", text_of=lambda _a: "")  # postings of the old version cached
    ix.write([IndexDoc(1, 2, "Neu", "Regierung Graz", "de", "", "")])
    assert bulk.supports(ix._current())
    assert ix.search("Regierung", text_of=lambda _a: "").total == 1
    assert ix.search("Wien", text_of=lambda _a: "").total == 0
    assert ix.search("Graz", text_of=lambda _a: "").total == 2
    ix.close()


def test_bulk_scores_follow_new_commit_when_segment_caches_are_kept(tmp_path: Path):
    """After a commit the old segments keep their cached postings and frequencies,
    and the scores (idf and average lengths of the whole index) are still Whoosh's."""
    ix = SearchIndex.open(tmp_path / "index")
    ix.write(_docs(1, 1, 80), bulk=True)
    q = parse_query("Wien OR Minister* OR Regierung~")
    bulk.bulk_ranked(ix._current(), q, 0, 20)
    ix.write(_docs(2, 81, 3))
    searcher = ix._current()
    kept = [r for r, _o in searcher.reader().leaf_readers() if "_dossier_terms" in r.__dict__]
    assert kept  # the first segment's reader was reused with its caches
    total, found = bulk.bulk_ranked(searcher, q, 0, 10_000)
    assert {d: s for s, d in found} == _whoosh_scores(searcher, q)
    assert total == len(found)
    ix.close()


@given(st.lists(st.integers(0, 30), max_size=8, unique=True),
       st.lists(st.integers(0, 30), max_size=8, unique=True), st.integers(1, 4))
def test_two_word_phrase_check_equals_whoosh_spans(first, second, slop):
    """The shortcut for two-word phrases decides as Whoosh's SpanNear2 does."""
    from types import SimpleNamespace

    from app.search import bulk_phrases

    near = SimpleNamespace(slop=slop, mindist=1, ordered=True,
                           ms=[bulk_phrases._Positions(sorted(first)),
                               bulk_phrases._Positions(sorted(second))])
    assert bulk_phrases._two_near(sorted(first), sorted(second), slop) == \
        bool(bulk_phrases._get_spans(near))


def test_cached_phrase_matches_follow_updates_and_equal_whoosh(tmp_path: Path):
    """A phrase's matches kept on a segment's reader: paging again reuses them, and
    after an update deletes a matching article the search no longer counts it (the
    segment gets a new reader), with Whoosh's scores throughout."""
    ix = SearchIndex.open(tmp_path / "index")
    ix.write(_docs(3, 1, 120), bulk=True)
    q = parse_query('"Europäische Union" OR "kritischer Mineralien"')
    before = bulk.bulk_ranked(ix._current(), q, 0, 10_000)
    assert before[0] > 3
    assert bulk.bulk_ranked(ix._current(), q, 0, 10_000) == before  # from the cache
    segment = ix._current().reader().leaf_readers()[0][0]
    assert segment.__dict__["_dossier_phrases"]
    gone = ix._current().stored_fields(before[1][0][1])["id"]
    ix.write([IndexDoc(int(gone), 2, "Neu", "nichts mehr davon", "de", "", "")])
    searcher = ix._current()
    total, found = bulk.bulk_ranked(searcher, q, 0, 10_000)
    assert total == before[0] - 1
    assert {d: s for s, d in found} == _whoosh_scores(searcher, q)
    ix.close()
