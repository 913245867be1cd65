"""Analyzers, folding and the schema's pickling."""

from __future__ import annotations

import pickle

from app.search import analysis
from app.search.schema import IndexDoc, build_schema, tag_keys, to_fields


def test_german_stem_meets_umlaut_spellings_when_ue_is_written_out():
    """The words "Fluechtlinge", "Flüchtlinge" and "Flüchtling" index as the same term."""
    forms = {analysis.stemmed("de", w) for w in ("Fluechtlinge", "Flüchtlinge", "Flüchtling")}
    assert forms == {"fluchtling"}


def test_german_analyzer_stems_genitive_when_indexing_abkommens():
    """The words "Abkommens" and "Abkommen" analyse to the same German term."""
    assert analysis.analyze(analysis.GERMAN, "Abkommens") == analysis.analyze(
        analysis.GERMAN, "Abkommen"
    )


def test_english_analyzer_stems_plural_and_past_when_indexing():
    """English plurals and past tenses reduce to their stem."""
    assert analysis.analyze(analysis.ENGLISH, "agreements signed") == analysis.analyze(
        analysis.ENGLISH, "agreement sign"
    )


def test_fold_strips_accents_and_case_when_given_mixed_text():
    """Folding lower-cases, strips accents, maps ß to ss and drops combining marks."""
    assert analysis.fold("ÉCOLE Straße Zoe\u0308 Øre") == "ecole strasse zoe ore"


def test_exact_analyzer_keeps_word_forms_when_folding():
    """The exact analyzer folds but does not stem."""
    assert analysis.analyze(analysis.EXACT, "Flüchtlinge KÖLN") == ["fluchtlinge", "koln"]


def test_tokenizer_offsets_are_code_points_when_text_has_emoji_and_marks():
    """Token offsets index the Python str, keeping combining marks inside words."""
    text = "👩‍👩‍👧 Maq\u0307am 🇰🇿 Tokajew"
    spans = [(t.startchar, t.endchar) for t in analysis.EXACT(text, chars=True)]
    assert [text[s:e] for s, e in spans] == ["Maq\u0307am", "Tokajew"]


def test_name_analyzer_splits_dots_when_outlet_is_a_domain():
    """Outlet "EURACTIV.com" gives the words "euractiv" and "com"."""
    assert analysis.analyze(analysis.NAME, "EURACTIV.com") == ["euractiv", "com"]


def test_schema_analyzers_work_when_unpickled():
    """The schema survives pickling (it is stored in the index) and still stems."""
    schema = pickle.loads(pickle.dumps(build_schema()))
    tokens = [t.text for t in schema["body_de"].analyzer("Fluechtlinge")]
    assert tokens == ["fluchtling"]


def test_tag_keys_cover_every_sub_path_when_tag_is_nested():
    """A nested tag path yields all whole-segment sub-paths."""
    keys = tag_keys(["Wirtschaft/Energie/Öl"])
    assert set(keys) == {
        "Wirtschaft",
        "Wirtschaft/Energie",
        "Wirtschaft/Energie/Öl",
        "Energie",
        "Energie/Öl",
        "Öl",
    }


def test_to_fields_puts_body_in_language_field_when_language_is_german():
    """A German body goes to body_de (and body_exact), not body_en."""
    fields = to_fields(IndexDoc(1, 1, "T", "Text", "de", "O", "2025-11"))
    assert "body_de" in fields and "body_en" not in fields
    assert (fields["date_lo"], fields["date_hi"]) == (20251101, 20251130)


def test_to_fields_skips_date_when_published_is_invalid():
    """A malformed published date is not indexed instead of failing the write."""
    fields = to_fields(IndexDoc(1, 1, "T", "Text", "xx", "O", "2025-13"))
    assert "date_lo" not in fields and "body_de" not in fields


def test_fused_analyzers_give_the_same_tokens_as_the_filter_chains():
    """StemFoldTokenizer/FoldTokenizer match the readable filter chains token for token."""
    from app.search import analysis

    text = ("Die Flüchtlinge und Fluechtlinge, FLÜCHTLING; Abkommens-Verhandlungen über "
            "1.1 Mrd. Dollar 😀 Zoe\u0308 straße ÆON naïve running runs")
    pairs = ((analysis.GERMAN, analysis.german_analyzer()),
             (analysis.ENGLISH, analysis.english_analyzer()),
             (analysis.EXACT, analysis.exact_analyzer()))
    for fused, chain in pairs:
        for kwargs in ({}, {"positions": True, "chars": True}):
            got = [(t.text, getattr(t, "pos", None), getattr(t, "startchar", None))
                   for t in fused(text, **kwargs)]
            want = [(t.text, getattr(t, "pos", None), getattr(t, "startchar", None))
                    for t in chain(text, **kwargs)]
            assert got == want
