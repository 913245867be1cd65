"""Merging segments and caching readers and expansions never change what a search returns.

The same generated documents as the exact-search tests, written as a notebook writes
them (several bulk commits, then single-article commits: many segments), searched with
the index's caches warm, with them dropped, and on a merged copy.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from test_search_exact import DOCS, QUERIES, _expand
from whoosh import index as windex

from app.search import IndexDoc, SearchIndex, merge_segments
from app.search.index import INDEX_NAME
from app.search.merging import needs_merge


def _write_like_a_notebook(ix: SearchIndex, docs: list[IndexDoc]) -> None:
    bulk, singles = docs[:-6], docs[-6:]
    for start in range(0, len(bulk), 100):
        ix.write(bulk[start : start + 100], bulk=True)
    for doc in singles:
        ix.write([doc])


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SearchIndex, SearchIndex]]:
    """(segmented index, merged copy of it) holding the generated documents."""
    base = tmp_path_factory.mktemp("merge")
    segmented = SearchIndex.open(base / "segmented")
    _write_like_a_notebook(segmented, list(DOCS))
    shutil.copytree(base / "segmented", base / "merged")
    merged = SearchIndex.open(base / "merged")
    assert merge_segments(merged, full=True)
    assert len(merged.segments()) == 1 and len(segmented.segments()) > 3
    yield segmented, merged
    segmented.close()
    merged.close()


def _all(ix: SearchIndex, query: str) -> tuple[int, dict[int, float]]:
    results = ix.search(query, limit=len(DOCS), text_of=lambda _a: "", expand=_expand)
    return results.total, {h.article_id: round(h.score, 9) for h in results.hits}


def _page(ix: SearchIndex, query: str, offset: int = 0) -> list[tuple[int, float]]:
    hits = ix.search(query, offset=offset, limit=20, text_of=lambda _a: "",
                     expand=_expand).hits
    return [(h.article_id, h.score) for h in hits]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=QUERIES)
def test_search_results_equal_when_caches_dropped_or_segments_merged(pair, query):
    """Totals, matches and scores are identical with warm caches, cold caches and
    after a full merge; a page is identical with and without caches (ties keep index
    order, which a merge may change, so a merged page is compared by its scores)."""
    segmented, merged = pair
    warm_page, warm_all = _page(segmented, query), _all(segmented, query)
    segmented.drop_caches()
    cold_page, cold_all = _page(segmented, query), _all(segmented, query)
    merged_page, merged_all = _page(merged, query), _all(merged, query)
    assert warm_all == cold_all == merged_all
    assert warm_page == cold_page
    assert [s for _a, s in merged_page] == [s for _a, s in warm_page]


def test_search_after_small_merge_equals_search_before(tmp_path: Path):
    """Folding the small segments into one (the large ones kept) changes no total or score."""
    ix = SearchIndex.open(tmp_path / "index")
    _write_like_a_notebook(ix, list(DOCS))
    queries = ["Abkommen", "Minis*", "Tokajew~", '"kritische Mineralien"', "Bank OR Wien",
               "Regierung -Vertrag", "NOT Zebra"]
    before = {q: _all(ix, q) for q in queries}
    count = len(ix.segments())
    assert merge_segments(ix)
    assert count == 9 and len(ix.segments()) == 4  # three bulk segments + merged singles
    assert {q: _all(ix, q) for q in queries} == before
    ix.close()


def test_merge_drops_replaced_copies_and_keeps_totals(tmp_path: Path):
    """After articles are replaced (deleted copies stay in their segments), a full merge
    leaves one segment without deletions and every query finds the same articles."""
    ix = SearchIndex.open(tmp_path / "index")
    _write_like_a_notebook(ix, list(DOCS))
    ix.write([IndexDoc(doc.article_id, 2, doc.title, doc.body + " Zebra", doc.language, "", "")
              for doc in DOCS[:30]])
    before = {q: _all(ix, q)[1].keys() for q in ("Zebra", "Bank*", "Abkommen OR Wien")}
    assert needs_merge(ix)
    assert merge_segments(ix, full=True)
    assert not needs_merge(ix)
    assert {q: _all(ix, q)[1].keys() for q in before} == before
    assert sorted(ix.revisions().items()) == sorted(
        (d.article_id, 2 if i < 30 else 1) for i, d in enumerate(DOCS))
    ix.close()


def test_search_finds_new_and_loses_old_words_after_cached_expansion(empty_index):
    """Expansions cached from earlier queries follow writes: a new word matching a
    cached prefix or fuzzy word is found, a replaced article's old word is not."""
    ix = empty_index
    ix.write([IndexDoc(1, 1, "", "Flüchtlinge in Wien", "de", "", ""),
              IndexDoc(2, 1, "", "Kurz sprach", "de", "", "")])
    assert _ids(ix, "Flücht*") == {1} and _ids(ix, "Kurz~") == {2}
    ix.write([IndexDoc(3, 1, "", "Flüchtlingswelle und Kurs", "de", "", "")])
    assert _ids(ix, "Flücht*") == {1, 3} and _ids(ix, "Kurz~") == {2, 3}
    ix.write([IndexDoc(1, 2, "", "Wien allein", "de", "", "")])
    assert _ids(ix, "Flücht*") == {3}
    assert merge_segments(ix, full=True)
    assert _ids(ix, "Flücht*") == {3} and _ids(ix, "Kurz~") == {2, 3}


def test_merge_yields_when_another_writer_holds_the_index(index, tmp_path: Path):
    """An idle merge does not wait for the index's writer: it returns False at once, and
    searching goes on meanwhile."""
    index.write([IndexDoc(9, 1, "", "noch ein Artikel", "de", "", "")])
    writer = windex.open_dir(str(index.directory), indexname=INDEX_NAME).writer()
    try:
        assert not merge_segments(index, full=True)
        assert index.search("Artikel", text_of=lambda _a: "").total == 1
    finally:
        writer.cancel()
    assert merge_segments(index, full=True)
    assert index.search("Artikel", text_of=lambda _a: "").total == 1


def test_merge_of_one_clean_segment_does_nothing(empty_index):
    """Nothing to merge: False, and no commit is made."""
    empty_index.write([IndexDoc(1, 1, "", "Wien", "de", "", "")], bulk=True)
    assert not merge_segments(empty_index)
    assert not merge_segments(empty_index, full=True)


def _ids(ix: SearchIndex, query: str) -> set[int]:
    hits: Any = ix.search(query, limit=100, text_of=lambda _a: "").hits
    return {h.article_id for h in hits}
