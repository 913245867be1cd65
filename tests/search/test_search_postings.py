"""Reading posting lists for bulk scoring (app.search.postings): a block's ids and
weights read without unpickling its values equal the whole unpickled block, and a
term's postings equal what Whoosh's own posting reader gives."""

from __future__ import annotations

import pickle
import random
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from app.search import IndexDoc, SearchIndex, postings
from app.search.lexicon import term_info

DOC_NUMBERS = st.integers(0, 2**31 - 1)
FLOATS = st.floats(allow_nan=False)


ANYTHING = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-2**40, 2**40), FLOATS, st.binary(max_size=6),
              st.text(max_size=4)),
    lambda inner: st.one_of(st.lists(inner, max_size=5).map(tuple), st.lists(inner, max_size=4)),
    max_leaves=12)
"""Any value a block's third item could hold."""


@st.composite
def whoosh_blocks(draw: st.DrawFn) -> tuple[bytes, int]:
    """A block in the form Whoosh 3's posting writer pickles (``W3PostingsWriter``,
    and ours, byte for byte): ``(id deltas, weights, values)``, the weights None, one
    float or a tuple of floats; the values here anything at all (positions are bytes,
    other formats None), so no value can be mistaken for a weight."""
    count = draw(st.integers(1, 140))
    deltas = tuple(draw(st.lists(DOC_NUMBERS, min_size=count, max_size=count)))
    weights = draw(st.one_of(st.none(), FLOATS,
                             st.lists(FLOATS, min_size=count, max_size=count).map(tuple)))
    values = draw(st.one_of(
        st.none(), st.lists(st.binary(max_size=12), min_size=count, max_size=count).map(tuple),
        ANYTHING))
    return pickle.dumps((deltas, weights, values), 2), count


@given(whoosh_blocks())
def test_ids_and_weights_of_a_whoosh_block_are_read_without_its_values(block):
    data, count = block
    assert postings._ids_weights(data, count) == pickle.loads(data)[:2]


@given(whoosh_blocks(), st.integers(0, 200))
def test_a_block_whose_count_disagrees_is_unpickled_whole(block, count):
    """A block header's count that disagrees with the block (a damaged file) sends the
    block to the unpickler: the fast read gives what it gives, or nothing."""
    data, _count = block
    found = postings._ids_weights(data, count)
    assert found is None or found == pickle.loads(data)[:2]


def _updated_index(tmp_path: Path, seed: int, count: int, longest: int,
                   every: int) -> SearchIndex:
    """``count`` articles of random words (40 rare ones and a frequent one: short,
    inlined lists and long, many-block ones), then every ``every``-th updated (its old
    version deleted in the first segment)."""
    rng = random.Random(seed)
    words = [f"w{k}" for k in range(40)] + ["häufig"] * 30
    ix = SearchIndex.open(tmp_path / "index")
    bodies = [" ".join(rng.choice(words) for _ in range(rng.randint(1, longest)))
              for _ in range(count)]
    ix.write([IndexDoc(i, 1, "Titel", body, "de", "", "") for i, body in enumerate(bodies, 1)],
             bulk=True)
    ix.write([IndexDoc(i, 2, "Neu", "häufig neu", "de", "", "")
              for i in range(1, count + 1, every)])
    return ix


def test_postings_equal_whooshs_posting_reader(tmp_path: Path):
    """Every term of every field: ids, weights and length bytes equal Whoosh's
    reader, with long lists (many blocks), deleted documents and inlined lists."""
    ix = _updated_index(tmp_path, seed=5, count=699, longest=60, every=7)
    checked = 0
    for leaf, _offset in ix._current().reader().leaf_readers():
        for field in ("body_exact", "body_de", "title_exact"):
            lengths = np.frombuffer(postings.length_column(leaf, field), np.uint8)
            for word in leaf.lexicon(field):
                found = postings.postings(leaf, field, word)
                m = leaf.postings(field, word)
                ids, weights = [], []
                while m.is_active():
                    if not leaf.is_deleted(m.id()):
                        ids.append(m.id())
                        weights.append(m.weight())
                    m.next()
                assert found.ids.tolist() == ids
                assert found.weights.astype(np.float64).tolist() == weights
                assert found.lens.tolist() == lengths[ids].tolist()
                assert term_info(leaf, field, word) is not None
                checked += len(ids)
    assert checked > 15_000
    ix.close()


def test_words_read_together_equal_words_read_alone(tmp_path: Path):
    """A wildcard's words read as one batch (deleted documents dropped across the
    batch, inlined and multi-block lists mixed, absent words) equal each read alone."""
    ix = _updated_index(tmp_path, seed=8, count=400, longest=30, every=3)
    for leaf, _offset in ix._current().reader().leaf_readers():
        asked = [*sorted(set(leaf.lexicon("body_exact"))), b"fehlt", b"zzz"]
        together = postings.postings_of(leaf, "body_exact", asked)
        leaf.__dict__.pop("_dossier_postings")
        for word, batch in zip(asked, together, strict=True):
            alone = postings.postings(leaf, "body_exact", word)
            leaf.__dict__.pop("_dossier_postings")
            assert batch.ids.tolist() == alone.ids.tolist(), word
            assert batch.weights.tolist() == alone.weights.tolist(), word
            assert batch.lens.tolist() == alone.lens.tolist(), word
    assert any(leaf.deleted_docs_set for leaf, _o in ix._current().reader().leaf_readers())
    ix.close()
