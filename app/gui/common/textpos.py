"""The one conversion between code points (Dossier spans) and Qt's UTF-16 positions.

Dossier stores every span in code points of the normalised article text. Qt counts
UTF-16 units, so each astral character (emoji, 𝔘, each half of a flag) is two Qt
positions. Stored text is normalised at import (no ``\\r``, no U+FDD0/U+FDD1), so every
code point except astral ones is exactly one Qt position, including ``\\n`` (one block
separator). Hence code point ``i`` is Qt position ``i + (astral code points before i)``.
Nothing else in the GUI may do this arithmetic.
"""

from __future__ import annotations

import logging
import operator
from bisect import bisect_left
from collections.abc import Iterable
from itertools import accumulate

from PySide6.QtGui import QTextDocument

log = logging.getLogger(__name__)

_PLANE_TO_MARK = bytes([0] + [1] * 255)
"""Maps the plane byte of a UTF-32 code unit to 1 for astral code points, 0 otherwise."""


def astral_indices(text: str) -> list[int]:
    """Code-point indices of the astral characters of ``text``, ascending.

    Vectorised with bytes operations, no per-character Python: the third byte of each
    little-endian UTF-32 unit is the code point's plane, non-zero exactly for astral
    characters; splitting that byte string at them gives the runs between. A regular
    expression over the text took 3.5 ms of CPU on 500 KB with 4,500 emoji, this 2.7
    ms. Most texts have none: ASCII is known for free (``isascii``), and a text whose
    UTF-16 form is two bytes a character has none (0.3 ms against the regular
    expression's 3.9 ms on 500 KB of German).
    """
    if text.isascii() or len(text.encode("utf-16-le")) == 2 * len(text):
        return []
    planes = text.encode("utf-32-le")[2::4].translate(_PLANE_TO_MARK)
    runs = list(map(len, planes.split(b"\x01")))
    del runs[-1]  # the run after the last astral character
    # the k-th astral character follows runs[0..k] and the k astral characters before it
    return list(map(operator.add, accumulate(runs), range(len(runs))))


def newline_ends(text: str) -> list[int]:
    """Code-point index just after each line break of ``text`` where Qt starts a block,
    from the line lengths (C loops; no match object per line).

    Qt breaks blocks at ``\\n`` and at U+2029 (paragraph separator), which stored text
    may hold (normalising keeps it); U+2028 breaks a line within a block.
    """
    if "\u2029" in text:
        text = text.replace("\u2029", "\n")  # one separator for another: offsets stay
    lengths = list(map(len, text.split("\n")))
    del lengths[-1]
    return list(map(operator.add, accumulate(lengths), range(1, len(lengths) + 1)))


class TextPositions:
    """Maps positions of one text both ways in O(log n) via a sorted astral index."""

    __slots__ = ("_astral", "_astral_qt", "_length")

    def __init__(self, text: str) -> None:
        self._astral = astral_indices(text)
        # Qt position of the k-th astral character: its code point index plus k.
        self._astral_qt = list(map(operator.add, self._astral, range(len(self._astral))))
        self._length = len(text)

    @property
    def length(self) -> int:
        """Length of the text in code points."""
        return self._length

    @property
    def qt_length(self) -> int:
        """Length of the text in UTF-16 units (Qt positions)."""
        return self._length + len(self._astral)

    def to_qt(self, cp: int) -> int:
        """Qt position of code point ``cp`` (clamped to the text)."""
        cp = min(max(cp, 0), self._length)
        return cp + bisect_left(self._astral, cp)

    def from_qt(self, pos: int, *, round_up: bool = False) -> int:
        """Code point at Qt position ``pos`` (clamped to the text).

        A position between the two halves of a surrogate pair is rounded down to the
        astral character, or past it with ``round_up`` (use that for span ends).
        """
        pos = min(max(pos, 0), self.qt_length)
        before = bisect_left(self._astral_qt, pos)
        cp = pos - before
        if round_up and before and self._astral_qt[before - 1] == pos - 1:
            cp += 1
        return cp

    def to_qt_many(self, cps: Iterable[int]) -> list[int]:
        """Qt positions of many code points at once (clamped like :meth:`to_qt`).

        For opening long articles: thousands of span ends and line starts. Without
        astral characters (most texts) code points are Qt positions and nothing is
        looked up per position.
        """
        out = list(cps)
        if not out:
            return out
        length = self._length
        if min(out) < 0 or max(out) > length:
            out = [min(max(cp, 0), length) for cp in out]
        astral = self._astral
        if not astral:
            return out
        return [cp + bisect_left(astral, cp) for cp in out]

    def block_starts(self, text: str) -> list[int]:
        """Qt position where each Qt block of ``text`` begins (after ``\\n`` or U+2029)."""
        return [0, *self.to_qt_many(newline_ends(text))]

    def span_to_qt(self, start: int, end: int) -> tuple[int, int]:
        """Qt ``[start, end)`` of a code-point span."""
        return self.to_qt(start), self.to_qt(end)

    def span_from_qt(self, start: int, end: int) -> tuple[int, int]:
        """Code-point ``[start, end)`` of a Qt span; a split pair is widened, never cut."""
        return self.from_qt(start), self.from_qt(end, round_up=True)

    def matches(self, document: QTextDocument) -> bool:
        """True when ``document`` holds exactly as many Qt positions as the text maps to.

        ``characterCount()`` counts one trailing paragraph separator, hence the ``- 1``.
        A mismatch means the text was not normalised (a ``\\r``, U+2029, ...), and every
        highlight would drift: the caller logs it loudly.
        """
        ok = self.qt_length == document.characterCount() - 1
        if not ok:
            log.error(
                "position map mismatch: text maps to %d Qt positions, document has %d",
                self.qt_length,
                document.characterCount() - 1,
            )
        return ok
