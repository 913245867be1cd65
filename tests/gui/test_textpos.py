"""Tests for app.gui.common.textpos: code points <-> Qt UTF-16 positions."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QTextCursor, QTextDocument

from app.core.text import normalise_text
from app.gui.common.textpos import TextPositions

FAMILY = "\U0001f469\u200d\U0001f469\u200d\U0001f467"  # 👩‍👩‍👧: 5 code points, 8 Qt units
FLAG = "\U0001f1e9\U0001f1ea"  # 🇩🇪: two regional indicators
VECTORS = [
    "",
    "😀",
    "😀\n😀",
    "e\u0301",
    "„Grüß Gott“ 😀.",
    f"Familie {FAMILY} zu Hause",
    f"Flagge {FLAG}!",
    "שלום עולם and مرحبا بالعالم",
    "a\u00a0b\u2028c\td",
]


def _document(text: str) -> QTextDocument:
    document = QTextDocument()
    document.setPlainText(text)
    return document


def _qt_selected(document: QTextDocument, start: int, end: int) -> str:
    """Text Qt holds between two Qt positions, rebuilt from UTF-16 (not selectedText)."""
    units = "".join(document.characterAt(i) for i in range(start, end))
    return units.encode("utf-16-le", "surrogatepass").decode("utf-16-le")


@pytest.mark.parametrize("text", VECTORS)
def test_mapped_end_matches_document_for_vectors(qapp, text: str) -> None:
    """The mapped end of each test vector equals characterCount() - 1."""
    positions = TextPositions(text)
    assert positions.to_qt(len(text)) == positions.qt_length
    assert positions.matches(_document(text))


@pytest.mark.parametrize("text", VECTORS)
def test_round_trip_every_code_point_for_vectors(text: str) -> None:
    """from_qt(to_qt(i)) == i for every code point boundary."""
    positions = TextPositions(text)
    assert [positions.from_qt(positions.to_qt(i)) for i in range(len(text) + 1)] == list(
        range(len(text) + 1)
    )


def test_astral_characters_count_two_qt_units() -> None:
    """An emoji moves later positions by one extra Qt unit each."""
    positions = TextPositions("a😀b😀c")
    assert [positions.to_qt(i) for i in range(6)] == [0, 1, 3, 4, 6, 7]


def test_family_and_flag_lengths_in_qt_units() -> None:
    """A ZWJ family is 8 Qt units and a flag 4."""
    assert TextPositions(FAMILY).qt_length == 8
    assert TextPositions(FLAG).qt_length == 4


def test_from_qt_inside_surrogate_pair_rounds_to_character() -> None:
    """A Qt position between the halves of a pair maps to that character (or past it)."""
    positions = TextPositions("x😀y")
    assert positions.from_qt(2) == 1
    assert positions.from_qt(2, round_up=True) == 2
    assert positions.span_from_qt(2, 2) == (1, 2)


def test_positions_clamp_outside_the_text() -> None:
    """Negative and too-large positions clamp to the text bounds."""
    positions = TextPositions("😀a")
    assert positions.to_qt(-3) == 0 and positions.to_qt(99) == 3
    assert positions.from_qt(-1) == 0 and positions.from_qt(99) == 2


def test_unnormalised_text_is_detected_as_mismatch(qapp) -> None:
    """Text with CRLF (never stored) is reported as not matching the document."""
    assert not TextPositions("a\r\nb").matches(_document("a\r\nb"))


@pytest.mark.parametrize("text", [v for v in VECTORS if v])
def test_span_of_every_substring_lands_on_same_characters(qapp, text: str) -> None:
    """Every code-point span maps to Qt positions holding exactly those characters."""
    document = _document(text)
    positions = TextPositions(text)
    for start in range(len(text)):
        for end in range(start + 1, len(text) + 1):
            qs, qe = positions.span_to_qt(start, end)
            expected = text[start:end].replace("\n", "\u2029")
            assert _qt_selected(document, qs, qe) == expected


_TEXT = st.text(
    alphabet=st.characters(
        exclude_categories=("Cs",), exclude_characters="\r\x00\ufeff\ufdd0\ufdd1\u2029"
    ),
    max_size=60,
).map(normalise_text)


@settings(max_examples=60, deadline=None)
@given(text=_TEXT)
def test_round_trip_property_for_any_text(text: str) -> None:
    """For any normalised text, every code point survives to_qt then from_qt."""
    positions = TextPositions(text)
    for i in range(len(text) + 1):
        assert positions.from_qt(positions.to_qt(i)) == i


@settings(max_examples=60, deadline=None)
@given(text=_TEXT.filter(bool), data=st.data())
def test_cursor_selection_maps_to_selected_code_points(qapp, text: str, data) -> None:
    """A QTextCursor selection made at mapped positions converts back to the same span."""
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    document = _document(text)
    positions = TextPositions(text)
    assert positions.matches(document)
    cursor = QTextCursor(document)
    cursor.setPosition(positions.to_qt(start))
    cursor.setPosition(positions.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
    assert positions.span_from_qt(cursor.selectionStart(), cursor.selectionEnd()) == (start, end)
    expected = text[start:end].replace("\n", "\u2029")
    assert _qt_selected(document, cursor.selectionStart(), cursor.selectionEnd()) == expected


@pytest.mark.parametrize("text", VECTORS)
def test_block_starts_match_document_blocks(qapp, text: str) -> None:
    """block_starts() gives the Qt position of every block of the document."""
    document = _document(text)
    starts = []
    block = document.begin()
    while block.isValid():
        starts.append(block.position())
        block = block.next()
    assert TextPositions(text).block_starts(text) == starts
