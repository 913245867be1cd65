"""app.search.write_speed: a tuned writer writes exactly what Whoosh's own writer writes."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from search_corpus import DOCS
from whoosh import index as windex

from app.search import IndexDoc, SearchIndex
from app.search.schema import build_schema, to_fields
from app.search.write_speed import COMPRESS_FROM, tune

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
