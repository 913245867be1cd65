"""The offset mapping of the REFI-QDA reader, exact for every reading (no notebook)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.text import normalise_text
from app.qdpx.offsets import Reading, SourceText, Span, choose_reading

TOKENS = ["Wort", " ", "é", "e\u0301", "😀", "🇰🇿", "\r\n", "\n", "\ufeff", "ß", "\u05e9\u05dc"]


def _units(text: str, reading: Reading) -> int:
    if reading.newline == "crlf-one":
        text = text.replace("\r\n", "\n")
    elif reading.newline == "lf-two":
        text = text.replace("\n", "\r\n")
    return len(text.encode("utf-16-le")) // 2 if reading.utf16 else len(text)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=40), st.data())
def test_every_reading_maps_token_spans_onto_the_same_stored_text(tokens, data):
    """A span counted in any reading lands on the normalised text of the same tokens."""
    raw = "".join(tokens)
    text = SourceText(raw)
    assert text.stored == normalise_text(raw)
    first = data.draw(st.integers(0, len(tokens) - 1))
    last = data.draw(st.integers(first + 1, len(tokens)))
    before, inside = "".join(tokens[:first]), "".join(tokens[first:last])
    expected = normalise_text(inside)
    for reading in text.readings():
        if reading.end_inclusive:
            continue
        start = _units(before, reading)
        span = Span(start, start + _units(inside, reading))
        mapped = text.map(span, reading)
        if not expected:
            continue  # only dropped characters: no passage to find
        assert mapped is not None, reading
        assert text.stored[mapped[0]:mapped[1]] == expected, reading


def test_position_inside_a_surrogate_pair_is_no_position():
    """UTF-16 positions that split an emoji are refused, not rounded."""
    text = SourceText("a😀b")
    assert text.map(Span(0, 2), Reading(utf16=True)) is None
    assert text.map(Span(0, 3), Reading(utf16=True)) == (0, 2)


def test_end_inclusive_tool_is_recognised():
    """A tool whose endPosition is the last selected character is read so."""
    raw = "Tokayev met the envoy in Astana today"
    spans = [Span(raw.index(w), raw.index(w) + len(w) - 1) for w in ("Tokayev", "envoy",
                                                                     "Astana")]
    assert choose_reading(SourceText(raw), spans) == Reading(end_inclusive=True)


def test_standard_reading_wins_a_tie():
    """Plain ASCII text without line breaks: the standard reading, no guess."""
    raw = "plain words only"
    assert choose_reading(SourceText(raw), [Span(0, 5)]) == Reading()
