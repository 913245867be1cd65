"""The reader's bulk position map (app.gui.common.textpos): astral characters found with
bytes operations, many code points converted at once, line starts; and the marks a
reader builds from them landing on exactly the stored characters."""

from __future__ import annotations

import os
import random

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QTextDocument

from app.core.text import normalise_text
from app.gui.common.textpos import TextPositions, astral_indices, newline_ends
from app.gui.reader.view import ReaderView

# Any character but lone surrogates: astral ones (emoji, 𝔘, flags), combining marks,
# CR/LF, right-to-left and CJK scripts come up often enough with these weights.
_ANY = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=("Cs",)),
        st.sampled_from(["😀", "\U0001f1e9", "\U0001d518", "\U0010ffff", "\u0301", "\r", "\n",
                         "ש", "م", "漢", "\u200d", "\u2028", "\u2029", "ä", "Ø"]),
    ),
    max_size=80,
)


def _utf16_position(text: str, cp: int) -> int:
    """The reference: Qt position of code point ``cp`` is the UTF-16 length before it."""
    return len(text[:cp].encode("utf-16-le")) // 2


@settings(max_examples=300, deadline=None)
@given(text=_ANY)
def test_astral_indices_match_a_scan_for_any_text(text: str) -> None:
    """The bytes-based astral index equals a character-by-character scan."""
    assert astral_indices(text) == [i for i, c in enumerate(text) if ord(c) > 0xFFFF]


@settings(max_examples=300, deadline=None)
@given(text=_ANY)
def test_newline_ends_match_a_scan_for_any_text(text: str) -> None:
    """Block starts from line lengths equal the index after every ``\\n`` and U+2029."""
    assert newline_ends(text) == [i + 1 for i, c in enumerate(text) if c in "\n\u2029"]


@settings(max_examples=300, deadline=None)
@given(text=_ANY, data=st.data())
def test_bulk_conversion_matches_utf16_for_any_positions(text: str, data) -> None:
    """to_qt_many equals to_qt one by one and the UTF-16 length, clamped outside."""
    points = data.draw(st.lists(st.integers(-5, len(text) + 5), max_size=40))
    positions = TextPositions(text)
    bulk = positions.to_qt_many(points)
    assert bulk == [positions.to_qt(cp) for cp in points]
    assert bulk == [_utf16_position(text, min(max(cp, 0), len(text))) for cp in points]


@settings(max_examples=150, deadline=None)
@given(text=_ANY.map(normalise_text))
def test_block_starts_match_qt_blocks_for_any_stored_text(qapp, text: str) -> None:
    """For any normalised text, block_starts() are the positions of Qt's blocks."""
    document = QTextDocument()
    document.setPlainText(text)
    starts, block = [], document.begin()
    while block.isValid():
        starts.append(block.position())
        block = block.next()
    assert TextPositions(text).block_starts(text) == starts


_PIECES = ["Grüß Gott ", "😀", "👩\u200d👩\u200d👧", "🇩🇪", "x\u0301", "שלום עולם ",
           "مرحبا ", "漢字 ", "𝔘nicode ", "Wort ", "und ", "\r\n", "\n", "\n\n"]


def _mixed_text(seed: int, pieces: int) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(_PIECES) for _ in range(pieces))


def _qt_text(document: QTextDocument, start: int, end: int) -> str:
    """What the document holds between two Qt positions, rebuilt from UTF-16 units."""
    units = "".join(document.characterAt(i) for i in range(start, end))
    return units.encode("utf-16-le", "surrogatepass").decode("utf-16-le").replace(
        "\u2029", "\n")


def test_marks_hold_exactly_their_stored_characters_in_mixed_scripts(
        qtbot, controller, import_text) -> None:
    """200 highlights over emoji, combining marks, CRLF (stored as LF) and RTL text:
    each mark covers exactly the characters of its stored code-point span."""
    article = import_text("mixed.txt", _mixed_text(3, 600))
    text = controller.nb.articles.get(article.id).text
    assert "\r" not in text and "😀" in text
    rng = random.Random(5)
    spans = set()
    while len(spans) < 200:
        start = rng.randrange(len(text) - 1)
        spans.add((start, min(len(text), start + rng.randint(1, 40))))
    for start, end in spans:
        controller.nb.annotations.add(article.id, start, end)
    reader = ReaderView(controller)
    qtbot.addWidget(reader)
    reader.resize(600, 400)
    reader.show()
    reader.load_article(article.id)
    marks = reader.renderer.index.marks()
    assert len(marks) == len(spans)
    by_span = {reader.positions.span_from_qt(m.start, m.end): m for m in marks}
    assert set(by_span) == spans
    for (start, end), mark in by_span.items():
        assert _qt_text(reader.document(), mark.start, mark.end) == text[start:end]
