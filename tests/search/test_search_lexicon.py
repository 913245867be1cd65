"""Reading a segment's words by prefix in chunks (app.search.lexicon) gives exactly
Whoosh's ``expand_prefix`` words, and term infos equal to Whoosh's look-ups."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.search import IndexDoc, SearchIndex, lexicon

BODIES = ["Flüchtlinge Flüchtling Fluechtlinge Flugzeug fliegen", "Regierung Regierungen Rat",
          "Wahl Wahlen Wahlkampf wählen zzz", "a " + "x" * 300 + " " + "Langwort" * 40]
PREFIXES = ["", "f", "fl", "fluc", "regierung", "w", "wahl", "x", "zzz", "zzzz", "ä", "q",
            "langwort"]


@pytest.fixture(scope="module")
def segments(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[object]]:
    """Two segments of a real index."""
    ix = SearchIndex.open(Path(tmp_path_factory.mktemp("lex")) / "index")
    ix.write([IndexDoc(i, 1, "Titel", b, "de", "", "") for i, b in enumerate(BODIES, 1)])
    ix.write([IndexDoc(9, 1, "Wahl", "Wahlrecht Flucht", "de", "", "")])
    leaves = [leaf for leaf, _offset in ix._current().reader().leaf_readers()]
    assert len(leaves) == 2
    yield leaves
    ix.close()


@pytest.mark.parametrize("chunk", [7, 64, 65536])
@pytest.mark.parametrize("field", ["body_exact", "title_exact", "body_de", "tag"])
def test_words_with_prefix_equal_expand_prefix_for_any_chunk_size(segments, monkeypatch,
                                                                  chunk, field):
    """Every prefix gives Whoosh's words in Whoosh's order, whatever the chunk size
    (records longer than a chunk included)."""
    monkeypatch.setattr(lexicon, "CHUNK", chunk)
    for leaf in segments:
        for prefix in PREFIXES:
            expected = list(leaf.expand_prefix(field, prefix))
            assert list(lexicon.words_with_prefix(leaf, field, prefix)) == expected


def test_remembered_term_info_equals_whoosh_term_info(segments):
    """The term infos read with the words equal Whoosh's own look-ups."""
    leaf = segments[0]
    for word, raw in lexicon.items_with_prefix(leaf, "body_exact", "fl"):
        mine = lexicon.W3TermInfo.from_bytes(raw)
        theirs = leaf.term_info("body_exact", word)
        assert (mine.doc_frequency(), mine.weight(), mine.extent() if not mine.is_inlined()
                else mine.inlined_postings()) == (
            theirs.doc_frequency(), theirs.weight(),
            theirs.extent() if not theirs.is_inlined() else theirs.inlined_postings())
