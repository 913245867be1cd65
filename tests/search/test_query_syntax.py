"""The query language: features parse, malformed input raises a clear one-line error."""

from __future__ import annotations

import pytest
from whoosh import query as wq

from app.core.errors import QuerySyntaxError
from app.search import parse_query
from app.search.expansion import FuzzyWord, PrefixWord


def _leaves(q: wq.Query) -> list[wq.Query]:
    return list(q.leaves()) if not q.is_leaf() else [q]


def test_parse_query_searches_all_text_fields_when_word_is_plain():
    """A plain word becomes terms in the German, English, exact and title fields."""
    fields = {leaf.fieldname for leaf in _leaves(parse_query("Abkommen"))}
    assert fields == {"title_de", "title_en", "title_exact", "body_de", "body_en", "body_exact"}


def test_parse_query_uses_and_when_words_are_juxtaposed():
    """Two words without an operator must both match."""
    assert isinstance(parse_query("Boeing Tokajew"), wq.And)


def test_parse_query_uses_or_when_or_is_written():
    """Upper-case OR joins alternatives."""
    assert isinstance(parse_query("Boeing OR Tokajew"), wq.Or)


def test_parse_query_treats_lowercase_or_as_word():
    """Lower-case "or" is an ordinary word, not an operator."""
    assert isinstance(parse_query("Boeing or Tokajew"), wq.And)


def test_parse_query_builds_andnot_when_minus_or_not_is_used():
    """-word and NOT word exclude documents."""
    assert isinstance(parse_query("Boeing -Tokajew"), wq.AndNot)
    assert isinstance(parse_query("Boeing NOT Tokajew"), wq.AndNot)


def test_parse_query_matches_everything_else_when_query_is_only_negative():
    """A query of only exclusions subtracts from every document."""
    q = parse_query("-Tokajew")
    assert isinstance(q, wq.AndNot) and isinstance(q.a, wq.Every)


def test_parse_query_uses_stemmed_phrases_when_text_is_quoted():
    """Quoted words become a phrase in every text field, stemmed ones included.

    (Formerly only the unstemmed fields: "kritischer Mineralien" missed
    "kritischen Mineralien"; exact forms are now written ="...".)"""
    leaves = _leaves(parse_query('"Europäische Union"'))
    assert {type(leaf) for leaf in leaves} == {wq.Phrase}
    words = {leaf.fieldname: leaf.words for leaf in leaves}
    assert set(words) == {"title_de", "title_en", "title_exact", "body_de", "body_en", "body_exact"}
    assert words["body_exact"] == ["europaische", "union"]
    assert words["body_de"] == ["europa", "union"]


def test_parse_query_uses_exact_fields_only_when_equals_sign_is_given():
    """="..." and =word search the unstemmed fields only and take no aliases."""
    leaves = _leaves(parse_query('="Europäische Union"', expand=lambda _f, _w: ["EU"]))
    assert {leaf.fieldname for leaf in leaves} == {"title_exact", "body_exact"}
    assert leaves[0].words == ["europaische", "union"]
    word = _leaves(parse_query("=Abkommens", expand=lambda _f, _w: ["Vertrag"]))
    assert {(leaf.fieldname, leaf.text) for leaf in word} == {
        ("title_exact", "abkommens"), ("body_exact", "abkommens")}


def test_parse_query_sets_slop_when_phrase_has_tilde():
    """Query "a b"~3 allows three words in between."""
    leaf = _leaves(parse_query('"Europäische Union"~3'))[0]
    assert leaf.slop == 4


def test_parse_query_builds_prefix_when_word_ends_with_star():
    """Flücht* becomes a prefix query on the folded form."""
    leaves = _leaves(parse_query("Flücht*"))
    assert all(isinstance(leaf, PrefixWord) and leaf.text == "flucht" for leaf in leaves)


def test_parse_query_builds_fuzzy_term_when_word_ends_with_tilde():
    """Tokajew~ is one edit, Tokajew~2 two, more is capped at two."""

    def fuzzy(query: str) -> list[FuzzyWord]:
        return [leaf for leaf in _leaves(parse_query(query)) if isinstance(leaf, FuzzyWord)]

    assert {leaf.maxdist for leaf in fuzzy("Tokajew~")} == {1}
    assert {leaf.maxdist for leaf in fuzzy("Tokajew~2")} == {2}
    assert {leaf.maxdist for leaf in fuzzy("Tokajew~7")} == {2}


def test_parse_query_groups_when_parentheses_are_used():
    """(a OR b) c is an AND of an OR and a word."""
    q = parse_query("(Boeing OR Airbus) Astana")
    assert isinstance(q, wq.And) and isinstance(q.subqueries[0], wq.Or)


def test_parse_query_applies_field_to_group_when_field_precedes_parentheses():
    """title:(a OR b) searches both words in the title only."""
    fields = {leaf.fieldname for leaf in _leaves(parse_query("title:(Boeing OR Airbus)"))}
    assert fields == {"title_de", "title_en", "title_exact"}


def test_parse_query_builds_phrase_when_source_has_several_words():
    """source:"Der Standard" is a phrase in the source field."""
    q = parse_query('source:"Der Standard"')
    assert isinstance(q, wq.Phrase) and q.fieldname == "source" and q.words == ["der", "standard"]


def test_parse_query_accepts_aliases_when_field_is_outlet_or_language():
    """outlet: and language: are accepted for source: and lang:."""
    assert parse_query("outlet:FAZ") == parse_query("source:FAZ")
    assert parse_query("language:de") == parse_query("lang:de")


def test_parse_query_keeps_words_when_field_value_is_an_operator():
    """title:AND searches the word "and" instead of failing."""
    assert {leaf.fieldname for leaf in _leaves(parse_query("title:AND"))} >= {"title_exact"}


def test_parse_query_builds_numeric_ranges_when_date_range_is_given():
    """date:2025-11..2026-01 covers 1 Nov 2025 to 31 Jan 2026."""
    q = parse_query("date:2025-11..2026-01")
    ranges = {leaf.fieldname: (leaf.start, leaf.end) for leaf in _leaves(q)}
    assert ranges == {"date_hi": (20251101, None), "date_lo": (None, 20260131)}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("date:2025", {"date_hi": (20250101, None), "date_lo": (None, 20251231)}),
        ("date:>=2025-11-06", {"date_hi": (20251106, None)}),
        ("date:>2025-11", {"date_hi": (20251201, None)}),
        ("date:<=2025-11", {"date_lo": (None, 20251130)}),
        ("date:<2025", {"date_lo": (None, 20241231)}),
        ("date:..2025-02", {"date_lo": (None, 20250228)}),
    ],
)
def test_parse_query_builds_period_bounds_when_date_is_partial(query, expected):
    """Partial dates are periods; comparisons use their first or last day.

    An article matches when its period overlaps the range (its first day is on
    or before the range's end, its last day on or after the range's start); the
    bounds were on the opposite fields when the whole period had to lie inside."""
    ranges = {leaf.fieldname: (leaf.start, leaf.end) for leaf in _leaves(parse_query(query))}
    assert ranges == expected


def test_parse_query_ors_aliases_when_expand_returns_spellings():
    """Spellings from expand() are alternatives of the word."""
    calls = []

    def expand(field, word):
        calls.append((field, word))
        return ["Tokayev", "tokajew"]

    q = parse_query("Tokajew", expand=expand)
    exact = {leaf.text for leaf in _leaves(q) if leaf.fieldname == "body_exact"}
    assert exact == {"tokajew", "tokayev"}
    assert calls == [("text", "Tokajew")]


@pytest.mark.parametrize(
    ("query", "words", "position"),
    [
        ('"Europäische Union', "unclosed quote", 0),
        ("(Boeing OR Airbus", "unclosed (", 0),
        ("Boeing)", "unmatched )", 6),
        ("Boeing AND", "AND needs a search term after it", 7),
        ("OR Boeing", "OR needs a search term before it", 0),
        ("Boeing OR", "OR needs a search term after it", 7),
        ("Boeing NOT", "NOT needs a search term after it", 7),
        ("Boeing AND OR Airbus", "AND needs a search term after it", 7),
        ("foo:bar", 'unknown field "foo:"', 0),
        ("title:", "title: needs a value", 0),
        ("x title: Boeing", "title: needs a value", 2),
        ("date:2025-13", "not a real date", 5),
        ("date:2025-11-31", "not a real date", 5),
        ("date:2026..2025", "ends before it starts", 5),
        ("date:..", "needs at least one end", 5),
        ("*", "a lone *", 0),
        ("Boeing *", "a lone *", 7),
        ("F*", "too short", 0),
        ("Fl*cht", "only allowed at the end", 2),
        ("~2", "~ needs a word", 0),
        ("()", "empty parentheses", 0),
        ('""', "empty quotes", 0),
        ("Wirtschafts-Minist*", "more than one word", 0),
    ],
)
def test_parse_query_raises_one_line_error_when_query_is_malformed(query, words, position):
    """Malformed input raises QuerySyntaxError naming the problem and where it is."""
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query(query)
    message = str(caught.value)
    assert words in message and "\n" not in message
    assert caught.value.position == position
    assert f"at character {position + 1}" in message
    assert caught.value.query == query


@pytest.mark.parametrize("query", ["", "   ", "\n"])
def test_parse_query_asks_for_input_when_query_is_empty(query):
    """An empty query is an error telling the user to type something."""
    with pytest.raises(QuerySyntaxError, match="type something to search"):
        parse_query(query)


def test_parse_query_raises_when_query_has_no_searchable_words():
    """Punctuation alone is reported, not searched."""
    with pytest.raises(QuerySyntaxError, match="nothing searchable"):
        parse_query("!!! –")


def test_parse_query_treats_url_as_words_when_scheme_is_followed_by_slashes():
    """http://... is not mistaken for an unknown field."""
    assert parse_query("http://example.com") is not None
