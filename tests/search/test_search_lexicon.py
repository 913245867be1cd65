"""Reading a segment's words by prefix in one go (app.search.lexicon) gives exactly
Whoosh's ``expand_prefix`` words, and term infos equal to Whoosh's look-ups."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.search import IndexDoc, SearchIndex, lexicon
from app.search.expansion import FuzzyWord

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


@pytest.mark.parametrize("field", ["body_exact", "title_exact", "body_de", "tag"])
def test_words_with_prefix_equal_expand_prefix(segments, field):
    """Every prefix gives Whoosh's words in Whoosh's order (records longer than 64 KB
    and a prefix past the last word included)."""
    for leaf in segments:
        for prefix in PREFIXES:
            expected = list(leaf.expand_prefix(field, prefix))
            assert list(lexicon.words_with_prefix(leaf, field, prefix)) == expected


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="aäflrwxzgnüucht", max_size=5))
def test_any_prefix_gives_whooshs_words(segments, prefix):
    """Random prefixes over the letters of the words, in every field."""
    for leaf in segments:
        for field in ("body_exact", "body_de"):
            expected = list(leaf.expand_prefix(field, prefix))
            assert list(lexicon.words_with_prefix(leaf, field, prefix)) == expected


@pytest.mark.parametrize(("prefix", "after"), [
    (b"ab", b"ac"), (b"a\xff", b"b"), (b"a\xff\xff", b"b"), (b"\xff", None), (b"", None),
    (b"\x00\x05", b"\x00\x06"), (b"\x00\xff", b"\x01")])
def test_successor_bounds_every_key_with_the_prefix(prefix, after):
    assert lexicon._successor(prefix) == after


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


def _levenshtein(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


SPELLINGS = "kurz kürz kurzé k€rz k😀rz kuurz kurzzz kur ku kürzeste k k😀😀😀rz 😀urz kä"


@pytest.fixture(scope="module")
def spelled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[object]]:
    """Words whose UTF-8 lengths differ from their lengths in letters."""
    ix = SearchIndex.open(Path(tmp_path_factory.mktemp("fuzzy")) / "index")
    ix.write([IndexDoc(1, 1, "", SPELLINGS, "de", "", "")])
    yield [leaf for leaf, _offset in ix._current().reader().leaf_readers()]
    ix.close()


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="kurzé€😀ä", min_size=1, max_size=6), st.integers(1, 2))
def test_fuzzy_expansion_equals_edit_distance_over_every_word(spelled, text, maxdist):
    """A fuzzy word expands to exactly the words within ``maxdist`` edits that share
    its first letter, though words are picked by byte length before any is compared."""
    for leaf in spelled:
        word = FuzzyWord("body_exact", text, maxdist=maxdist, prefixlength=1)
        every = [w.decode() for w in leaf.expand_prefix("body_exact", text[:1])]
        expected = sorted(w.encode() for w in every if _levenshtein(text, w) <= maxdist)
        assert word._expand(leaf) == expected
