"""Query limits and robustness: any input ends in a result or a one-line QuerySyntaxError."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.errors import QuerySyntaxError
from app.search import IndexDoc, SearchIndex, parse_query
from app.search.query_syntax import MAX_DEPTH, MAX_QUERY_LENGTH, MAX_TERMS


def _syntax_error(query: str) -> QuerySyntaxError:
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query(query)
    error = caught.value
    assert "\n" not in str(error) and error.query == query
    return error


def test_parse_query_refuses_deep_nesting_when_parentheses_pass_the_limit():
    """200 nested parentheses end in a one-line error at the first level too many."""
    error = _syntax_error("(" * 200 + "Tokajew" + ")" * 200)
    assert f"more than {MAX_DEPTH} levels" in str(error)
    assert error.position == MAX_DEPTH


def test_parse_query_accepts_nesting_when_depth_is_at_the_limit():
    """Exactly MAX_DEPTH levels of parentheses and NOT still parse."""
    assert parse_query("(" * MAX_DEPTH + "Tokajew" + ")" * MAX_DEPTH) is not None
    assert parse_query("NOT " * (MAX_DEPTH - 1) + "(Tokajew)") is not None


def test_parse_query_refuses_chain_of_nots_when_it_passes_the_limit():
    """NOT and - count as nesting levels."""
    assert "levels deep" in str(_syntax_error("NOT " * 300 + "Tokajew"))
    assert "levels deep" in str(_syntax_error("-(" * 100 + "Tokajew" + ")" * 100))


def test_parse_query_refuses_many_words_when_terms_pass_the_limit():
    """More than MAX_TERMS words (phrase words included) are refused."""
    words = [f"w{i}" for i in range(MAX_TERMS + 1)]
    error = _syntax_error(" ".join(words))
    assert f"more than {MAX_TERMS} search words" in str(error)
    assert error.position == len(" ".join(words[:-1])) + 1
    assert "search words" in str(_syntax_error('"' + " ".join(words) + '"'))
    assert parse_query(" ".join(words[:-1])) is not None


def test_parse_query_refuses_long_query_when_length_passes_the_limit():
    """A query of more than MAX_QUERY_LENGTH characters is refused before parsing."""
    error = _syntax_error(" ".join(["Tokajew"] * 1000))
    assert f"longer than {MAX_QUERY_LENGTH} characters" in str(error)
    assert error.position == MAX_QUERY_LENGTH


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("date:0000", "not a real date"),
        ("date:2025-00", "not a real date"),
        ("date:2025-11-00", "not a real date"),
        ("date:>9999-12", "no dates after 9999-12"),
        ("date:<0001", "no dates before 0001"),
        ("date:<0001-01-01", "no dates before 0001-01-01"),
    ],
)
def test_parse_query_raises_one_line_error_when_date_is_impossible(query, words):
    """Impossible dates and ranges past the calendar are syntax errors, not tracebacks."""
    error = _syntax_error(query)
    assert words in str(error) and error.position == 5


def test_parse_query_searches_last_month_when_date_is_at_calendar_end():
    """date:9999-12 and date:>=9999-12-31 are real (empty) periods."""
    assert parse_query("date:9999-12") is not None
    assert parse_query("date:>=9999-12-31") is not None
    assert parse_query("date:<=0001") is not None


# --------------------------------------------------------------------------- properties
_FRAGMENTS = st.sampled_from([
    "(", ")", '"', "AND", "OR", "NOT", "-", "+", "*", "~", "~2", "~9", "=", '="', "==",
    "title:", "date:", "date:2025", "date:2025-11..", "date:..", "date:>", "date:0000",
    "date:9999-12", "date:<0001", "tag:", "actor:", "source:", "lang:", "foo:", "http://x",
    "Flücht*", "F*", "*x", "Tokajew~", "~2", "a", "Abkommen", "ß", "\u0308", "🇦🇹", "\x00",
    "..", ":", "\\", "'", "\t", "\n", "1", "é",
])
_MALFORMED = st.lists(_FRAGMENTS, max_size=40).flatmap(
    lambda parts: st.sampled_from(["", " "]).map(lambda sep: sep.join(parts)))
_DEEP = st.tuples(st.integers(0, 300), st.integers(0, 300), st.sampled_from(["(", "NOT ", "-("]),
                  st.sampled_from(["a", "a OR b", '"a b"', "Fl*"])).map(
    lambda t: t[2] * t[0] + t[3] + ")" * t[1])
_LONG = st.tuples(st.integers(0, 1200), st.sampled_from(["w", "w*", '"a b"', "a OR", "(x)"])).map(
    lambda t: " ".join([t[1]] * t[0]))
QUERIES = st.one_of(st.text(max_size=300), _MALFORMED, _DEEP, _LONG)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=QUERIES)
def test_parse_query_raises_only_syntax_errors_when_input_is_random(query):
    """Random and grammar-generated malformed queries parse or raise QuerySyntaxError."""
    try:
        parse_query(query, expand=lambda _f, w: [w + "x"])
    except QuerySyntaxError as error:
        assert "\n" not in str(error)


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    """A few articles, so that queries run through Whoosh too."""
    directory: Path = tmp_path_factory.mktemp("limits") / "index"
    ix = SearchIndex.open(directory)
    ix.write([IndexDoc(i, 1, f"Titel {i}", f"Abkommen Flüchtling a b x{i}", "de", "FAZ",
                       "2025-11") for i in range(1, 30)])
    yield ix
    ix.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=st.one_of(_MALFORMED, _DEEP))
def test_search_raises_only_syntax_errors_when_input_is_malformed(small_index, query):
    """Searching malformed input returns results or raises QuerySyntaxError, nothing else."""
    try:
        small_index.search(query, limit=5, text_of=lambda _a: "Abkommen a b")
    except QuerySyntaxError as error:
        assert "\n" not in str(error)
