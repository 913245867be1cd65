"""SearchIndex lifecycle: writes, revisions, reset of damaged or outdated indexes,
lock contention and concurrent use."""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path

import pytest
from search_corpus import DOCS, TEXTS, ids
from whoosh import index as windex

from app.core.errors import NotebookError, NotebookLocked, SearchIndexError
from app.search import IndexDoc, SearchIndex
from app.search.index import INDEX_NAME, VERSION_FILE
from app.search.schema import to_fields


def _doc(article_id: int, rev: int, body: str = "Text") -> IndexDoc:
    return IndexDoc(article_id, rev, f"Titel {article_id}", body, "de", "FAZ", "2025")


def test_open_reports_reset_when_directory_is_new(tmp_path):
    """A new index is created empty and flagged so the caller feeds it."""
    ix = SearchIndex.open(tmp_path / "new")
    assert (ix.was_reset, ix.reset_reason, ix.doc_count()) == (True, "missing", 0)
    ix.close()


def test_open_keeps_documents_when_index_is_reopened(index, tmp_path):
    """A healthy index opens with its documents and no reset."""
    index.close()
    again = SearchIndex.open(tmp_path / "index")
    assert (again.was_reset, again.doc_count()) == (False, len(DOCS))
    assert ids(again, "Abkommen") == {1, 3}
    again.close()


def test_revisions_lists_every_document_when_written(index):
    """revisions() maps every indexed article id to its rev."""
    assert index.revisions() == {doc.article_id: 1 for doc in DOCS}


def test_write_replaces_document_when_id_is_written_again(empty_index):
    """An upsert replaces the article's previous entry and revision."""
    empty_index.write([_doc(1, 1, "alter Text")])
    empty_index.write([_doc(1, 2, "neuer Text")])
    assert empty_index.revisions() == {1: 2}
    assert ids(empty_index, "alter") == set()
    assert ids(empty_index, "neuer") == {1}


def test_write_keeps_last_when_batch_repeats_an_id(empty_index):
    """Within one batch the last document with an id wins."""
    empty_index.write([_doc(1, 1), _doc(1, 5)])
    assert empty_index.revisions() == {1: 5}


def test_write_removes_documents_when_deletes_are_given(index):
    """Deleted ids disappear from searches and revisions in the same commit."""
    index.write([_doc(7, 1)], deletes=[1, 3, 99])
    assert ids(index, "Abkommen") == set()
    assert set(index.revisions()) == {2, 4, 5, 6, 7}


def test_write_indexes_everything_when_bulk_is_used(empty_index):
    """A bulk write indexes all documents in one commit."""
    empty_index.write([_doc(i, 1, f"wort{i} gemeinsam") for i in range(1, 201)], bulk=True)
    assert empty_index.doc_count() == 200
    assert len(empty_index.search("gemeinsam", limit=500, text_of=lambda _i: "").hits) == 200


def test_write_stays_searchable_when_many_small_commits_merge(empty_index):
    """Single-document writes with periodic merges never lose or double-count documents.

    The open searcher is refreshed after each commit (the whoosh-reloaded
    ``refresh()`` bug counted merged segments twice)."""
    for i in range(1, 41):
        empty_index.write([_doc(i, i, "gemeinsam")])
        assert empty_index.doc_count() == i
        assert empty_index.search("gemeinsam", limit=1, text_of=lambda _i: "").total == i
    assert empty_index.revisions() == {i: i for i in range(1, 41)}


def test_clear_removes_everything_when_called(index):
    """clear() leaves an empty, usable index."""
    index.clear()
    assert index.doc_count() == 0
    index.write([_doc(1, 1, "wieder da")])
    assert ids(index, "wieder") == {1}


def test_write_raises_index_error_when_document_is_invalid(empty_index):
    """A failing write raises SearchIndexError and leaves the index unchanged."""
    empty_index.write([_doc(1, 1)])
    bad = IndexDoc(2, 1, "Titel", b"bytes", "de", "", "")  # type: ignore[arg-type]
    with pytest.raises(SearchIndexError):
        empty_index.write([bad])
    assert empty_index.revisions() == {1: 1}
    empty_index.write([_doc(3, 1)])
    assert set(empty_index.revisions()) == {1, 3}


def _fill_garbage(path: Path) -> None:
    path.write_bytes(b"\x00garbage\xff" * 50)


def test_open_resets_when_every_file_is_garbage(index, tmp_path):
    """Garbage in every index file gives a fresh empty index, flagged, not an error."""
    index.close()
    for path in (tmp_path / "index").iterdir():
        _fill_garbage(path)
    again = SearchIndex.open(tmp_path / "index")
    assert (again.was_reset, again.reset_reason, again.doc_count()) == (True, "damaged", 0)
    again.write([_doc(1, 1, "frisch")])
    assert ids(again, "frisch") == {1}
    again.close()


@pytest.mark.parametrize("pattern", ["_dossier_*.toc", "*.seg", "*"])
def test_open_resets_when_index_files_are_damaged(index, tmp_path, pattern):
    """A damaged table of contents or segment is detected on open."""
    index.close()
    damaged = [p for p in (tmp_path / "index").glob(pattern) if p.name != VERSION_FILE]
    assert damaged
    for path in damaged:
        _fill_garbage(path)
    again = SearchIndex.open(tmp_path / "index")
    assert again.was_reset and again.doc_count() == 0
    again.close()


def test_open_resets_when_files_are_deleted(index, tmp_path):
    """A segment file that vanished is detected on open."""
    index.close()
    for path in (tmp_path / "index").glob("*.seg"):
        path.unlink()
    again = SearchIndex.open(tmp_path / "index")
    assert again.was_reset and again.doc_count() == 0
    again.close()


def test_open_resets_when_schema_version_differs(index, tmp_path):
    """An index written by another schema version is recreated empty."""
    index.close()
    (tmp_path / "index" / VERSION_FILE).write_text(json.dumps({"schema_version": 0}))
    again = SearchIndex.open(tmp_path / "index")
    assert (again.was_reset, again.reset_reason, again.doc_count()) == (True, "schema", 0)
    again.close()
    third = SearchIndex.open(tmp_path / "index")
    assert third.was_reset is False
    third.close()


def test_open_resets_when_version_stamp_is_missing(index, tmp_path):
    """An index without a version stamp cannot be trusted and is recreated."""
    index.close()
    (tmp_path / "index" / VERSION_FILE).unlink()
    again = SearchIndex.open(tmp_path / "index")
    assert again.was_reset and again.doc_count() == 0
    again.close()


def test_open_raises_index_error_when_path_is_a_file(tmp_path):
    """An unusable location raises SearchIndexError."""
    (tmp_path / "file").write_text("x")
    with pytest.raises(SearchIndexError):
        SearchIndex.open(tmp_path / "file")


def test_write_raises_notebook_locked_when_another_writer_holds_the_lock(index, tmp_path):
    """Lock contention becomes NotebookLocked after the timeout, then clears."""
    other = windex.open_dir(str(tmp_path / "index"), indexname=INDEX_NAME).writer()
    try:
        with pytest.raises(NotebookLocked):
            index.write([_doc(9, 1)])
        with pytest.raises(NotebookLocked):
            index.clear()
    finally:
        other.cancel()
    index.write([_doc(9, 1)])
    assert 9 in index.revisions()


def test_search_sees_commits_when_writes_and_searches_run_in_threads(empty_index):
    """One writer thread and two search threads run together without errors."""
    errors: list[BaseException] = []
    done = threading.Event()
    texts = {i: f"gemeinsam wort{i}" for i in range(1, 31)}

    def writer() -> None:
        try:
            for i in range(1, 31):
                empty_index.write([IndexDoc(i, 1, "", texts[i], "de", "", "")])
        except BaseException as error:  # collected for the assertion
            errors.append(error)
        finally:
            done.set()

    def searcher() -> None:
        try:
            while not done.is_set():
                results = empty_index.search("gemeinsam", limit=50, text_of=texts.get)
                assert all(h.hit_spans for h in results.hits)
                empty_index.revisions()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=f) for f in (writer, searcher, searcher)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert empty_index.search("gemeinsam", limit=50, text_of=texts.get).total == 30


def test_search_is_unaffected_when_query_fails_after_write(index):
    """A query error does not break later searches (the lock is released)."""
    with pytest.raises(Exception):  # noqa: B017  (the type is tested elsewhere)
        index.search("(", text_of=TEXTS.get)
    assert ids(index, "Boeing") == {2}


def test_updated_document_is_found_once_after_refresh(tmp_path):
    """Re-indexing an article (an update deletes the old version) never shows it twice."""
    from app.search import IndexDoc, SearchIndex

    index = SearchIndex.open(tmp_path / "ix")
    texts = {1: "Trump trifft Tokajew", 2: "Trump trifft Mirziyoyev"}
    docs = [IndexDoc(article_id=i, rev=1, title=t, body=t, language="de", outlet="",
                     published="") for i, t in texts.items()]
    index.write(docs)
    assert index.search("Trump", text_of=texts.get).total == 2
    for rev in range(2, 6):
        index.write([IndexDoc(article_id=1, rev=rev, title="x", body=texts[1], language="de",
                              outlet="", published="")])
        result = index.search("Trump", text_of=texts.get)
        assert sorted(h.article_id for h in result.hits) == [1, 2]
        assert result.total == 2 and index.doc_count() == 2
    assert index.revisions() == {1: 5, 2: 1}
    index.close()


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes (to compare before and after)."""
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_open_refuses_and_keeps_files_when_folder_holds_other_files(tmp_path):
    """A folder of the user's own files is never cleared: opening refuses, naming it."""
    folder = tmp_path / "mine"
    (folder / "sub").mkdir(parents=True)
    (folder / "thesis.docx").write_bytes(b"my thesis")
    (folder / "notebook.db").write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    (folder / "sub" / "data.csv").write_text("a,b\n")
    before = _tree(folder)
    with pytest.raises(NotebookError, match=re.escape(str(folder))):
        SearchIndex.open(folder)
    assert _tree(folder) == before


def test_open_refuses_when_other_files_sit_beside_a_damaged_index(index, tmp_path):
    """Garbage index files plus a file of the user's: refused, every file kept."""
    index.close()
    folder = tmp_path / "index"
    for path in folder.glob("*.seg"):
        _fill_garbage(path)
    (folder / "notes.txt").write_text("keep me")
    before = _tree(folder)
    with pytest.raises(NotebookError, match=r"notes\.txt"):
        SearchIndex.open(folder)
    assert _tree(folder) == before


def test_open_read_only_changes_nothing_when_index_is_damaged(index, tmp_path):
    """A read-only open of a damaged index reads as empty and writes no file."""
    index.close()
    folder = tmp_path / "index"
    for path in folder.glob("*.seg"):
        _fill_garbage(path)
    before = _tree(folder)
    ro = SearchIndex.open(folder, read_only=True)
    assert (ro.reset_reason, ro.doc_count(), ro.entries()) == ("damaged", 0, [])
    with pytest.raises(SearchIndexError):
        ro.write([_doc(1, 1)])
    ro.close()
    assert _tree(folder) == before
    missing = SearchIndex.open(tmp_path / "absent", read_only=True)
    assert missing.reset_reason == "missing" and not (tmp_path / "absent").exists()
    missing.close()


def test_write_replaces_when_another_writer_filled_the_index_meanwhile(empty_index, tmp_path):
    """Emptiness is decided holding the index lock: a write that waited while another
    process filled the index replaces those documents instead of adding them again."""
    other = windex.open_dir(str(tmp_path / "index"), indexname=INDEX_NAME).writer()
    slow = SearchIndex.open(tmp_path / "index", lock_timeout=10)
    waiting = threading.Thread(target=slow.write, args=([_doc(i, 2) for i in (1, 2, 3)],))
    waiting.start()
    time.sleep(0.3)  # the write is now waiting for the lock
    try:
        for doc in (_doc(i, 1) for i in (1, 2, 3)):
            other.add_document(**to_fields(doc))
    finally:
        other.commit()
    waiting.join(30)
    assert sorted(slow.entries()) == [("article", i, 2) for i in (1, 2, 3)]
    slow.close()


def test_write_keeps_an_article_and_a_note_with_the_same_id_apart(empty_index):
    """Ids are unique per kind: writing or deleting note 1 leaves article 1 alone, and
    one query ranks both kinds together (or one kind, when asked)."""
    empty_index.write([_doc(1, 1, "gemeinsam Artikel"),
                       IndexDoc(1, 7, "Notiz", "gemeinsam Notiz", "de", "", "", kind="note")])
    assert sorted(empty_index.entries()) == [("article", 1, 1), ("note", 1, 7)]
    texts = {("article", 1): "gemeinsam Artikel", ("note", 1): "gemeinsam Notiz"}
    found = empty_index.search("gemeinsam", texts_by_ref=lambda refs: texts)
    assert sorted((h.kind, h.note_id) for h in found.hits) == [("article", 0), ("note", 1)]
    only = empty_index.search("gemeinsam", kinds=("note",), texts_by_ref=lambda refs: texts)
    assert [(h.kind, h.title) for h in only.hits] == [("note", "Notiz")]
    empty_index.write([], deletes=[("note", 1)])
    assert empty_index.entries() == [("article", 1, 1)]


def test_search_reads_the_toc_again_when_a_commit_removed_it(empty_index, monkeypatch):
    """A commit may delete the table of contents a search has just chosen as the latest
    (seen in CI with a writer and two searchers): the search reads the TOC again."""
    texts = {1: "gemeinsam wort1"}
    empty_index.write([IndexDoc(1, 1, "", texts[1], "de", "", "")])
    ix = empty_index._ix
    real = ix._read_toc
    calls: list[int] = []

    def gone_once() -> object:
        calls.append(1)
        if len(calls) == 1:
            raise FileNotFoundError(2, "No such file or directory", "_dossier_0.toc")
        return real()

    monkeypatch.setattr(ix, "_read_toc", gone_once)
    empty_index._searcher = None  # the next search opens a reader
    assert empty_index.search("gemeinsam", limit=5, text_of=texts.get).total == 1
    assert len(calls) == 2


def test_creating_a_fresh_index_collects_no_garbage(tmp_path, monkeypatch):
    """A full garbage collection is there to close the files Whoosh left open reading a
    damaged index. A missing index opened nothing, and a collection in a process holding
    many objects (a long session, a test worker) took seconds per notebook opened."""
    from app.search import index_files

    calls = []
    monkeypatch.setattr(index_files.gc, "collect", lambda *a: calls.append(a) or 0)
    SearchIndex.open(tmp_path / "fresh").close()
    assert calls == []
