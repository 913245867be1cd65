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
import re
from bisect import bisect_left

from PySide6.QtGui import QTextDocument

log = logging.getLogger(__name__)

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class TextPositions:
    """Maps positions of one text both ways in O(log n) via a sorted astral index."""

    __slots__ = ("_astral", "_astral_qt", "_length")

    def __init__(self, text: str) -> None:
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]
        # Qt position of the k-th astral character: its code point index plus k.
        self._astral_qt = [cp + k for k, cp in enumerate(self._astral)]
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

    def block_starts(self, text: str) -> list[int]:
        """Qt position where each line (Qt block) of ``text`` begins."""
        return [0] + [self.to_qt(m.end()) for m in re.finditer("\n", text)]

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
