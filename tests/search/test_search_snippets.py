"""Snippets and hit spans: code points, emoji, combining marks, long texts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from search_corpus import DOCS

from app.search.snippets import (
    ELLIPSIS,
    MAX_HIT_SPANS,
    MatchTerms,
    hit_spans,
    make_snippet,
)


def _terms(*exact: str, de: tuple[str, ...] = ()) -> MatchTerms:
    return MatchTerms(de=frozenset(de), exact=frozenset(exact))


def test_hit_spans_count_code_points_when_text_has_astral_emoji():
    """Spans after emoji (two UTF-16 units, one code point) are code-point offsets."""
    text = "👩‍👩‍👧 and 🇰🇿 before Tokajew 😀 spoke"
    spans = hit_spans(text, "en", _terms("tokajew"))
    assert [text[s:e] for s, e in spans] == ["Tokajew"]
    assert spans == ((text.index("Tokajew"), text.index("Tokajew") + 7),)


def test_hit_spans_include_combining_marks_when_word_is_decomposed():
    """A word with a combining mark (no precomposed form) is spanned whole."""
    text = "Das Maq\u0307am liegt dort."
    spans = hit_spans(text, "de", _terms("maqam"))
    assert [text[s:e] for s, e in spans] == ["Maq\u0307am"]


def test_hit_spans_match_stems_when_language_is_german():
    """German stems mark inflected forms, written-out umlauts included."""
    text = "Fluechtlinge und ein Flüchtling, kein Flug."
    spans = hit_spans(text, "de", _terms(de=("fluchtling",)))
    assert [text[s:e] for s, e in spans] == ["Fluechtlinge", "Flüchtling"]


def test_hit_spans_ignore_stems_when_language_has_no_stemmer():
    """Stemmed terms do not apply to an article in another language."""
    assert hit_spans("Fluechtlinge", "fr", _terms(de=("fluchtling",))) == ()


def test_hit_spans_stop_at_cap_when_text_repeats_a_word():
    """At most MAX_HIT_SPANS spans, the first ones in text order."""
    text = "wort " * (MAX_HIT_SPANS + 50)
    spans = hit_spans(text, "de", _terms("wort"))
    assert len(spans) == MAX_HIT_SPANS and spans[0] == (0, 4)


def test_snippet_is_whole_text_when_text_is_short():
    """A short text is returned whole, line breaks as spaces, marks in place."""
    text = "Erste Zeile\nAbkommen unterzeichnet."
    spans = hit_spans(text, "de", _terms("abkommen"))
    snippet = make_snippet(text, spans)
    assert snippet.text == "Erste Zeile Abkommen unterzeichnet."
    assert [snippet.text[s:e] for s, e in snippet.marks] == ["Abkommen"]


def test_snippet_centres_on_hits_when_text_is_long():
    """A long text is cut around the hit, on whitespace, with ellipses."""
    text = "vorher " * 100 + "Das Abkommen wurde unterzeichnet." + " nachher" * 100
    spans = hit_spans(text, "de", _terms("abkommen"))
    snippet = make_snippet(text, spans)
    assert snippet.text.startswith(ELLIPSIS) and snippet.text.endswith(ELLIPSIS[::-1])
    assert len(snippet.text) <= 200 + 2 * len(ELLIPSIS)
    assert [snippet.text[s:e] for s, e in snippet.marks] == ["Abkommen"]
    inner = snippet.text[len(ELLIPSIS) : -len(ELLIPSIS)]
    assert inner.split(" ")[0] in ("vorher", "Das") and inner.split(" ")[-1] in (
        "nachher",
        "unterzeichnet.",
    )


def test_snippet_prefers_distinct_terms_when_hits_are_spread():
    """The window with more distinct query words wins over repeated single words."""
    text = ("Boeing " * 20) + ("x " * 200) + "Boeing kauft Tokajew" + (" y" * 200)
    spans = hit_spans(text, "de", _terms("boeing", "tokajew"))
    snippet = make_snippet(text, spans)
    assert "Tokajew" in [snippet.text[s:e] for s, e in snippet.marks]


def test_snippet_marks_stay_right_when_text_has_emoji_and_marks():
    """Marks index the snippet string in code points around emoji and combining marks."""
    text = ("🙂 " * 150) + "👩‍👩‍👧 Maq\u0307am trifft Tokajew 🇰🇿" + (" 😀" * 150)
    spans = hit_spans(text, "de", _terms("maqam", "tokajew"))
    snippet = make_snippet(text, spans)
    assert [snippet.text[s:e] for s, e in snippet.marks] == ["Maq\u0307am", "Tokajew"]


def test_snippet_never_splits_a_character_when_cut_has_no_whitespace():
    """Without whitespace to cut at, the cut still avoids joiners and combining marks."""
    family = "👩\u200d👩\u200d👧"
    text = family * 120 + "—Tokajew—" + "e\u0301" * 150
    spans = hit_spans(text, "de", _terms("tokajew"))
    snippet = make_snippet(text, spans)
    body = snippet.text.removeprefix(ELLIPSIS).removesuffix(ELLIPSIS[::-1])
    assert body.startswith(family) and body.endswith("e\u0301")
    assert [snippet.text[s:e] for s, e in snippet.marks] == ["Tokajew"]


def test_snippet_starts_at_beginning_when_there_are_no_hits():
    """Without body hits (e.g. a title match) the snippet is the text's start."""
    text = "Anfang des Textes. " * 30
    snippet = make_snippet(text, ())
    assert snippet.text.startswith("Anfang") and snippet.marks == ()
    assert len(snippet.text) <= 200 + len(ELLIPSIS)


def test_snippet_is_empty_when_text_is_empty():
    """An empty article gives an empty snippet."""
    assert make_snippet("", ()) == make_snippet("", ())
    assert make_snippet("", ()).text == ""


_PIECES = ["Übersee", "über", "Uebersee", "u.s.", "U.S.", "1.1", "Öl", "Oel", "Ärger",
           "Aerger", "Émile", "naïve", "Zoe\u0308", "😀Über", "x\u0301yz", "Straße", "Strasse",
           "Regierung", "Regierungen", "Токаев", "Flüchtlinge", "Fluechtlinge", "end.Start",
           " ", ", ", ".", "\n", "-", "„", "“"]


def _reference_spans(text, language, terms):
    from app.search import analysis

    wanted = {"de": terms.de, "en": terms.en}.get(language, frozenset())
    return tuple((s, e) for s, e, w in analysis.iter_words(text)
                 if analysis.fold(w) in terms.exact
                 or (wanted and analysis.stemmed(language, w) in wanted))[:500]


@given(st.lists(st.sampled_from(_PIECES), max_size=40), st.sampled_from(_PIECES[:23]))
def test_fast_hit_spans_equal_analysing_every_word(pieces, query_word):
    """The first-letter prefilter finds exactly the hits a full analysis finds."""
    from app.search import analysis
    from app.search.snippets import MatchTerms, hit_spans

    text = "".join(pieces)
    word = query_word.strip(".,„“ 😀")
    terms = MatchTerms(de=frozenset({analysis.stemmed("de", word)}),
                       exact=frozenset({analysis.fold(word)}))
    assert hit_spans(text, "de", terms) == _reference_spans(text, "de", terms)


def test_hit_spans_are_empty_when_query_has_only_excluded_words(index):
    """A query of only ``-word`` marks nothing in the texts of its hits."""
    text = {d.article_id: d.body for d in DOCS}
    results = index.search("-Tokajew", text_of=text.get)
    assert results.total > 0
    assert all(hit.hit_spans == () and hit.snippet_marks == () for hit in results.hits)
    assert hit_spans("Präsident Tokajew", "de", MatchTerms()) == ()


@given(st.text(alphabet="aäeEuÜz1_.\u0301\u200d\u200c -😀", max_size=40),
       st.sets(st.sampled_from(["a", "e", "u", "z", "1", "_"]), min_size=1, max_size=3))
def test_words_starting_equal_filtering_every_word(text, firsts):
    """The first-letter regex finds exactly the words of ``iter_words`` whose folded
    form starts with one of the letters (marks, joiners and inner dots included)."""
    from app.search import analysis

    wanted = frozenset(firsts)
    expected = [(s, e, w) for s, e, w in analysis.iter_words(text)
                if analysis.fold(w[:1])[:1] in wanted or analysis.fold(w)[:1] in wanted]
    assert list(analysis.iter_words_starting(text, wanted)) == expected
