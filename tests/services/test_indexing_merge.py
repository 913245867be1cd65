"""The indexer keeps its index unfragmented: folds after drains, merges when idle, and
yields to new changes (issue 13, team freshness; issue 15, search speed).

Real Whoosh indexes in tmp_path, real threads. Documents are short (notes) because
Whoosh copies a segment term by term and articles would make these tests slow.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from app.search import IndexDoc, SearchIndex, merging
from app.search.merging import FOLD_FACTOR, fold_segments, idle_merge, quick_fold
from app.services import Notebook, indexing

INDEX_ONLY = pytest.mark.sqlite_only  # a Whoosh index alone: no notebook, no database

QUERIES = ["Zeile", "Wort1*", "Wort2 OR Wort3", '"Zeile 7"', "Zeile -Wort5", "Notiz~"]


def _wait(condition: Callable[[], bool], timeout: float = 20.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def _segments(index_dir: Path) -> int:
    """The folder's segment count, read beside the indexer thread."""
    index = SearchIndex.open(index_dir, read_only=True)
    try:
        return len(index.segments())
    finally:
        index.close()


def _doc(n: int, rev: int = 1) -> IndexDoc:
    return IndexDoc(n, rev, f"Notiz {n}", f"Zeile {n} Wort{n} Wort{n % 7}", "de", "", "",
                    kind="note")


def _fragmented(directory: Path, count: int = 24) -> SearchIndex:
    """An index written one document per commit, some replaced (deleted copies)."""
    index = SearchIndex.open(directory)
    for n in range(count):
        index.write([_doc(n)])
    for n in range(0, count, 5):
        index.write([_doc(n, rev=2)])
    return index


def _results(index: SearchIndex) -> dict[str, tuple[int, list[tuple[int, float]]]]:
    out = {}
    for query in QUERIES:
        found = index.search(query, limit=100, text_of=lambda _a: "")
        out[query] = (found.total, sorted((h.article_id, round(h.score, 9))
                                          for h in found.hits))
    return out


@pytest.mark.slow
def test_segments_stay_few_after_thirty_single_note_drains_in_the_background(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Thirty edits, each indexed by its own drain of the indexer thread, leave a few
    segments (the fold after each drain), not one per drain; no idle merge helps here."""
    monkeypatch.setattr(indexing, "IDLE_MERGE_SECONDS", 3600.0)
    with Notebook.open(tmp_path / "nb", index_dir=tmp_path / "ix", background=True) as nb:
        for n in range(30):
            nb.notes.create(f"Notiz {n}", f"Zeile {n} Wort{n}")
            assert _wait(lambda: nb.search.status().pending == 0)
        bound = 2 * (FOLD_FACTOR - 1) + 2  # two size levels of singles and folds, + 2
        assert _wait(lambda: _segments(tmp_path / "ix") <= bound), _segments(tmp_path / "ix")
        assert nb.search.search("Zeile").total == 30


def test_index_is_one_segment_after_the_indexer_was_idle(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When no change comes for IDLE_MERGE_SECONDS the indexer thread merges the index
    into one segment; searches find the same."""
    monkeypatch.setattr(indexing, "IDLE_MERGE_SECONDS", 0.3)
    with Notebook.open(tmp_path / "nb", index_dir=tmp_path / "ix", background=True) as nb:
        for n in range(6):
            nb.notes.create(f"Notiz {n}", f"Zeile {n} Wort{n}")
            assert _wait(lambda: nb.search.status().pending == 0)
        assert _wait(lambda: _segments(tmp_path / "ix") == 1)
        assert nb.search.search("Zeile").total == 6


def test_idle_merge_runs_when_many_segments_leave_no_quick_fold(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """From FORCE_FOLD_SEGMENTS on a fold is a quick fold of the smallest segments. When
    no two are small enough for one, the indexer retried it every 0.1 s for ever and the
    idle merge never came (36 segments an hour after a 600 s five-client run stopped)."""
    monkeypatch.setattr(indexing, "IDLE_MERGE_SECONDS", 0.3)
    monkeypatch.setattr(indexing, "FORCE_FOLD_SEGMENTS", 2)
    monkeypatch.setattr(merging, "QUICK_FOLD_DOCS", 1)  # no two segments fit one
    with Notebook.open(tmp_path / "nb", index_dir=tmp_path / "ix", background=True) as nb:
        for n in range(6):
            nb.notes.create(f"Notiz {n}", f"Zeile {n} Wort{n}")
            assert _wait(lambda: nb.search.status().pending == 0)
        assert _wait(lambda: _segments(tmp_path / "ix") == 1, timeout=10)
        assert nb.search.search("Zeile").total == 6


@INDEX_ONLY
def test_results_and_totals_identical_after_fold_and_idle_merge(tmp_path: Path) -> None:
    """Folding and merging change no total, hit or score."""
    index = _fragmented(tmp_path / "ix")
    before, count = _results(index), len(index.segments())
    assert fold_segments(index)
    assert len(index.segments()) < count
    assert _results(index) == before
    assert idle_merge(index)
    assert len(index.segments()) == 1 and index.segments()[0].deleted_count() == 0
    assert _results(index) == before
    index.close()


@pytest.mark.slow
@INDEX_ONLY
def test_fold_keeps_the_segment_count_logarithmic_over_many_commits(tmp_path: Path) -> None:
    """A fold after each of 70 single commits: never more than a few segments per size
    level (Whoosh's own MERGE_SMALL, every 16th commit, left 48 after a 120 s team run)."""
    index = SearchIndex.open(tmp_path / "ix")
    most = 0
    for n in range(70):
        index.write([_doc(n)])
        fold_segments(index)
        most = max(most, len(index.segments()))
    assert most <= 4 * (FOLD_FACTOR - 1) + 1
    assert index.search("Zeile", limit=1, text_of=lambda _a: "").total == 70
    index.close()


class _AfterChecks:
    """Says "interrupted" from its ``n``-th look on: stops a merge in its middle."""

    def __init__(self, n: int) -> None:
        self.n, self.looks = n, 0

    def is_set(self) -> bool:
        self.looks += 1
        return self.looks >= self.n


@INDEX_ONLY
def test_interrupted_merge_leaves_the_index_as_it_was(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A merge stopped between two copied segments, or in the middle of copying one,
    returns False and changes nothing; the next merge works."""
    monkeypatch.setattr(merging, "INTERRUPT_EVERY", 1)
    index = _fragmented(tmp_path / "ix")
    before, count = _results(index), len(index.segments())
    for n in (1, 2, 30):
        stop = _AfterChecks(n)
        assert not idle_merge(index, stop)
        assert stop.looks >= n  # it was asked, and stopped there
        assert len(index.segments()) == count
        assert _results(index) == before
    index.write([_doc(99)])  # the writer's lock was released
    assert idle_merge(index)
    assert len(index.segments()) == 1
    assert _results(index)["Zeile"][0] == before["Zeile"][0] + 1
    index.close()


@INDEX_ONLY
def test_quick_fold_ignores_a_wake_but_a_long_one_yields(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """``interrupt_long`` (a wake) stops only folds of more than QUICK_FOLD_DOCS."""
    woken = threading.Event()
    woken.set()
    index = SearchIndex.open(tmp_path / "ix")
    for n in range(FOLD_FACTOR):
        index.write([_doc(n)])
    assert fold_segments(index, None, woken)  # FOLD_FACTOR documents: quick
    monkeypatch.setattr(merging, "QUICK_FOLD_DOCS", 2)
    for n in range(FOLD_FACTOR, 3 * FOLD_FACTOR):
        index.write([_doc(n)])
    count = len(index.segments())
    assert not fold_segments(index, None, woken)
    assert len(index.segments()) == count
    woken.clear()
    assert fold_segments(index, None, woken)
    index.close()


@pytest.mark.slow
@INDEX_ONLY
def test_search_during_a_merge_in_another_thread_gives_the_same_results(
        tmp_path: Path) -> None:
    """Searches go on while another thread merges, with the same results before,
    during and after."""
    index = _fragmented(tmp_path / "ix", count=40)
    before = _results(index)
    done = threading.Event()
    merged: list[bool] = []

    def merge() -> None:
        try:
            merged.append(idle_merge(index))
        finally:
            done.set()

    thread = threading.Thread(target=merge)
    thread.start()
    during = 0
    while not done.is_set():
        assert _results(index) == before
        during += 1
    thread.join()
    assert merged == [True] and during >= 1
    assert _results(index) == before
    index.close()


def test_flush_from_another_thread_interrupts_a_long_idle_merge(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A drain asked for elsewhere (a notes search flushing) does not wait for the
    indexer's idle merge: the merge is told to stop and the drain runs after it."""
    started, stopped = threading.Event(), threading.Event()

    def long_merge(_index: SearchIndex, interrupt: merging.Interrupt) -> bool:
        started.set()  # stands for a merge of many large segments (tens of seconds)
        end = time.monotonic() + 30
        while time.monotonic() < end:
            if interrupt.is_set():
                stopped.set()
                return False
            time.sleep(0.005)
        return True

    monkeypatch.setattr(indexing, "idle_merge", long_merge)
    with Notebook.open(tmp_path / "nb", index_dir=tmp_path / "ix") as nb:
        for n, word in enumerate(["eins", "zwei"]):  # two commits: two segments to merge
            nb.notes.create(f"Notiz {n}", f"Zeile {word}")
            nb.search.flush()
        nb.notes.create("Notiz 2", "Zeile drei")
        indexer = nb.search._indexer  # the notebook's own, as its thread would run it
        result: list[bool] = []
        thread = threading.Thread(target=lambda: result.append(indexer.tidy(idle=True)))
        thread.start()
        assert started.wait(10)
        assert nb.search.flush() == 1
        assert stopped.is_set()
        thread.join(10)
        assert result == [False]  # not merged: the indexer tries again when idle
        assert nb.search.search("Zeile").total == 3


@INDEX_ONLY
def test_quick_fold_merges_only_the_smallest_segments(tmp_path: Path) -> None:
    """The fold made while changes keep coming takes the smallest segments up to
    QUICK_FOLD_DOCS documents and leaves the large one; results do not change."""
    index = SearchIndex.open(tmp_path / "ix")
    index.write([_doc(n) for n in range(40)], bulk=True)
    for n in range(40, 44):
        index.write([_doc(n)])
    before = _results(index)
    assert quick_fold(index)
    assert sorted(s.doc_count() for s in index.segments()) == [4, 40]
    assert _results(index) == before
    index.close()
