"""app.search.write_speed: a tuned writer writes exactly what Whoosh's own writer writes
(with one rule of its own: blocks of few postings are stored uncompressed)."""

from __future__ import annotations

import random
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from search_corpus import DOCS
from whoosh import index as windex
from whoosh import writing
from whoosh.codec.whoosh3 import W3Codec, W3PostingsWriter
from whoosh.formats import Positions

from app.search import IndexDoc, SearchIndex, segment_postings, write_speed
from app.search.schema import build_schema, to_fields
from app.search.write_speed import COMPRESS_FROM, encode_positions, tune

WORDS = ["Regierung", "Flüchtlinge", "Abkommen", "Wien", "Graz", "Linz", "Budget", "Steuer",
         "Reform", "Wahl", "Minister", "Kanzler", "Partei", "Gewerkschaft", "Bank", "Schule",
         "Studie", "Internet"]


def _docs(count: int) -> list[IndexDoc]:
    """Articles with common words (blocks of many postings) and rare ones (few)."""
    rng = random.Random(7)
    docs = []
    for n in range(1, count + 1):
        words = [rng.choice(WORDS) for _ in range(40)] + [f"selten{n % 13}", f"einmalig{n}"]
        docs.append(IndexDoc(n, 1, f"Titel {rng.choice(WORDS)}", " ".join(words),
                             "de" if n % 3 else "en", "Der Standard", "2025-11-06"))
    return docs


def _build(directory: Path, docs: list[IndexDoc], tuned: bool, batches: int = 1) -> Any:
    directory.mkdir()
    ix = windex.create_in(directory, build_schema())
    size = len(docs) // batches + 1
    for start in range(0, len(docs), size):
        writer = ix.writer()
        if tuned:
            tune(writer)
        for doc in docs[start:start + size]:
            writer.add_document(**to_fields(doc))
        writer.commit(merge=False)
    if batches > 1:
        writer = ix.writer()
        if tuned:
            tune(writer)
        writer.commit(optimize=True)
    return ix


def _contents(ix: Any) -> dict[str, Any]:
    """Every term's postings (ids, weights, positions) and every field length."""
    out: dict[str, Any] = {}
    with ix.reader() as reader:
        for fieldname, text in reader.all_terms():
            postings = reader.postings(fieldname, text)
            items = []
            while postings.is_active():
                items.append((postings.id(), postings.weight(), postings.value()))
                postings.next()
            out[f"{fieldname}:{text!r}"] = items
        for docnum in range(reader.doc_count_all()):
            for fieldname in reader.indexed_field_names():
                out[f"len {docnum} {fieldname}"] = reader.doc_field_length(docnum, fieldname)
    return out


def test_tuned_writer_writes_same_postings_and_lengths_when_blocks_vary(tmp_path: Path):
    """Postings, positions and field lengths equal Whoosh's own writer's, for terms
    with blocks both under and over the compression threshold."""
    docs = _docs(300) + list(DOCS)
    plain = _contents(_build(tmp_path / "plain", docs, tuned=False))
    tuned = _contents(_build(tmp_path / "tuned", docs, tuned=True))
    counts = [len(items) for key, items in plain.items() if not key.startswith("len ")]
    assert min(counts) < COMPRESS_FROM < max(counts)
    assert tuned == plain


def test_tuned_writer_writes_same_index_when_segments_are_merged(tmp_path: Path):
    """A merge of several segments through a tuned writer gives Whoosh's result."""
    docs = _docs(120)
    plain = _contents(_build(tmp_path / "plain", docs, tuned=False, batches=3))
    tuned = _contents(_build(tmp_path / "tuned", docs, tuned=True, batches=3))
    assert tuned == plain


def test_search_index_finds_rare_and_common_words_when_written_tuned(tmp_path: Path):
    """SearchIndex (which tunes its writers) finds words of uncompressed small blocks
    and of compressed large ones, as phrases too."""
    index = SearchIndex.open(tmp_path / "ix")
    docs = _docs(60)
    index.write(docs, bulk=True)
    texts = {doc.article_id: doc.body for doc in docs}

    def total(query: str) -> int:
        return index.search(query, text_of=texts.get).total

    assert total("einmalig17") == 1
    assert total('="selten4"') == sum(1 for d in docs if "selten4 " in d.body + " ")
    assert total("Regierung") == sum(1 for d in docs if "Regierung" in d.title + d.body)
    index.close()


def test_word_positions_equal_tokenizer_positions_when_text_is_hostile():
    """word_positions gives the fused tokenizers' texts and positions, also for
    combining marks, inner dots, joiners, digits and repeated words."""
    from app.search.analysis import ENGLISH, EXACT, GERMAN

    text = ("Zoe\u0308 traf u.s. Vertreter 1.1 mal; Flüchtlinge, Fluechtlinge! "
            "\u0301a e\u200dmoji \u0928\u092e\u0938\u094d\u0924\u0947 STRASSE Straße Zoe\u0308")
    for analyzer in (GERMAN, ENGLISH, EXACT):
        expected: dict[str, list[int]] = {}
        for token in analyzer(text, positions=True, mode="index"):
            expected.setdefault(token.text, []).append(token.pos)
        assert analyzer.word_positions(text) == expected
        assert list(analyzer.word_positions(text)) == list(expected)


# --------------------------------------------------------------------------- byte for byte
class _ReferenceWriter(W3PostingsWriter):
    """Whoosh's postings writer with only Dossier's rule for small blocks (stored
    uncompressed under COMPRESS_FROM postings): what the grouped writer must equal."""

    def _write_block(self, last: bool = False) -> None:
        if len(self._ids) >= COMPRESS_FROM:
            super()._write_block(last)
            return
        level: int = getattr(self, "_compression")  # noqa: B009  (set by Whoosh, untyped)
        self._compression = 0
        try:
            super()._write_block(last)
        finally:
            self._compression = level


class _ReferenceCodec(W3Codec):
    def postings_writer(self, dbfile: Any, byteids: bool = False) -> Any:
        return _ReferenceWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                                compression=self._compression, inlinelimit=self._inlinelimit)


def _writer(ix: Any, grouped: bool) -> Any:
    """A writer of separate segment files (comparable by name), grouped or Whoosh's."""
    writer = ix.writer(compound=False)
    if grouped:
        assert tune(writer) is writer and hasattr(writer, "_dossier_postings")
    else:
        codec = writer.fieldwriter._codec
        writer.fieldwriter._codec = _ReferenceCodec(
            blocklimit=codec._blocklimit, compression=codec._compression,
            inlinelimit=codec._inlinelimit)
    return writer


def _segment_files(directory: Path) -> dict[str, list[bytes]]:
    """The live segments' files by kind (postings, terms, stored fields, each length
    column), oldest segment first; segment ids are random, so names are dropped."""
    ix = windex.open_dir(directory)
    files: dict[str, list[bytes]] = {}
    for segment in ix._segments():
        prefix = f"{segment.segment_id()}."
        for path in sorted(directory.glob(f"{prefix}*")):
            files.setdefault(path.name[len(prefix):], []).append(path.read_bytes())
    return files


def _long_docs() -> list[IndexDoc]:
    """Bodies long enough for lossy stored lengths (thousands of words) and terms of
    several blocks (over 128 postings)."""
    rng = random.Random(11)
    return [IndexDoc(1000 + n, 2, f"Lang {n}",
                     " ".join(rng.choice(WORDS) + str(rng.randrange(40))
                              for _ in range(rng.choice([50, 700, 5000]))), "de", "", "")
            for n in range(12)]


def _scenario(directory: Path, grouped: bool, steps: list[tuple[str, Any]]) -> None:
    directory.mkdir()
    ix = windex.create_in(directory, build_schema())
    for action, arg in steps:
        writer = _writer(ix, grouped)
        if action == "add":
            for doc in arg:
                writer.add_document(**to_fields(doc))
            writer.commit(merge=False)
        elif action == "delete":
            for key in arg:
                writer.delete_by_term("key", key)
            writer.commit(merge=False)
        elif action == "update_and_optimize":  # new documents, then every segment merged in
            for doc in arg:
                writer.update_document(**to_fields(doc))
            writer.commit(optimize=True)
        elif action == "merge_small":
            for doc in arg:
                writer.add_document(**to_fields(doc))
            writer.commit(mergetype=writing.MERGE_SMALL)


SCENARIOS: dict[str, list[tuple[str, Any]]] = {
    "one segment": [("add", _docs(300) + list(DOCS) + _long_docs())],
    "merged with deletions and updates": [
        ("add", _docs(150)), ("add", _long_docs()), ("add", list(DOCS)),
        ("delete", ["article:5", "article:77", "article:1003"]),
        ("update_and_optimize", [*_docs(160)[140:], DOCS[0]]),
    ],
    "small segments folded on commit": [
        *(("add", _docs(40)[k:k + 4]) for k in range(0, 40, 4)),
        ("merge_small", _long_docs()[:3]),
    ],
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_grouped_writer_writes_the_same_segment_files_as_whooshs(tmp_path: Path, name: str):
    """Every file of every segment (postings, term table, stored fields, lengths) is
    byte for byte what Whoosh's writer makes: new documents, merged segments with
    deleted documents, updates, several blocks per term and lossy stored lengths."""
    _scenario(tmp_path / "whoosh", False, SCENARIOS[name])
    _scenario(tmp_path / "grouped", True, SCENARIOS[name])
    expected = _segment_files(tmp_path / "whoosh")
    assert {"pst", "trm"} <= set(expected)
    assert _segment_files(tmp_path / "grouped") == expected


def test_a_document_that_fails_leaves_no_postings_behind(tmp_path: Path):
    """A document refused halfway (a bad date after its text fields were analysed)
    adds nothing: the next document takes its number and only its own words."""
    ix = windex.create_in(tmp_path, build_schema())
    writer = tune(ix.writer())
    writer.add_document(**to_fields(IndexDoc(1, 1, "Eins", "Regierung", "de", "", "")))
    with pytest.raises(ValueError):
        writer.add_document(**{**to_fields(IndexDoc(2, 1, "Zwei", "verloren", "de", "", "")),
                               "date_lo": "kein Datum"})
    writer.add_document(**to_fields(IndexDoc(3, 1, "Drei", "Abkommen", "de", "", "")))
    writer.commit()
    with ix.searcher() as searcher:
        assert list(searcher.lexicon("body_exact")) == [b"abkommen", b"regierung"]
        assert searcher.doc_count_all() == 2


@given(st.lists(st.integers(min_value=0, max_value=2**31 - 1), min_size=1, max_size=300,
                unique=True))
def test_positions_encode_as_whoosh_encodes_them(positions: list[int]):
    positions.sort()
    assert encode_positions(positions) == Positions().encode(positions)


def test_a_fold_through_the_interruptible_policy_streams_the_segments(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The indexer's folds hand Whoosh interruptible readers: their segments are still
    read term by term at flush (not copied into memory first), the result is Whoosh's,
    and an interrupt set meanwhile stops the fold inside the term copy."""
    from app.search import merging

    steps: list[tuple[str, Any]] = [("add", _docs(30)[k:k + 6]) for k in range(0, 30, 6)]
    results = {}
    for grouped in (False, True):
        directory = tmp_path / str(grouped)
        _scenario(directory, grouped, steps)
        ix = windex.open_dir(directory)
        writer = _writer(ix, grouped)
        writer.commit(mergetype=merging._merging(ix._segments()[:4], threading.Event()))
        results[grouped] = _segment_files(directory)
        if grouped:
            assert all(getattr(s, "func", None) is segment_postings._segment_terms
                       for s in writer._dossier_postings._sources)
    assert results[True] == results[False]

    # Set only once the flush has begun: the stop must come from inside the term copy.
    interrupt = threading.Event()
    flush = write_speed.write_postings

    def flush_after_setting(*args: Any) -> None:
        interrupt.set()
        flush(*args)

    monkeypatch.setattr(write_speed, "write_postings", flush_after_setting)
    ix = windex.open_dir(tmp_path / "True")
    before = [s.segment_id() for s in ix._segments()]
    writer = _writer(ix, True)
    with pytest.raises(merging.MergeInterrupted):
        writer.commit(mergetype=merging._merging(ix._segments(), interrupt))
    writer.cancel()
    assert [s.segment_id() for s in windex.open_dir(tmp_path / "True")._segments()] == before
