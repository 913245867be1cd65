"""The two ways an exported selection can count its positions.

Dossier stores ``[start, end)`` in code points of the normalised text (LF line ends).
The REFI-QDA standard (section 10.2) counts code points too, so the standard export
writes the stored text and its offsets unchanged. NVivo for Windows instead reads a
text with CRLF line ends and counts UTF-16 code units (an astral character such as an
emoji is two units, CRLF is two); ``--nvivo-offsets`` writes the text with CRLF and the
offsets in those units, so NVivo puts every selection on the same words.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_SHIFTS = re.compile("[\n\U00010000-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class Layout:
    """A stored text as written into the file, and how its offsets are counted there.

    Attributes:
        stored: the text as Dossier stores it (offsets count its code points).
        written: the text as the file holds it.
        shifts: code-point offsets in ``stored`` after which one more unit is counted
            (NVivo: each LF, for its CR, and each astral character); empty for the
            standard.
    """

    stored: str
    written: str
    shifts: tuple[int, ...] = ()
    is_crlf: bool = False

    def position(self, offset: int) -> int:
        """A stored code-point offset as an offset in the written text's unit."""
        if not self.shifts:
            return offset
        return offset + bisect.bisect_left(self.shifts, offset)

    def quote(self, start: int, end: int) -> str:
        """The words of stored ``[start, end)`` as the file holds them."""
        words = self.stored[start:end]
        return words.replace("\n", "\r\n") if self.is_crlf else words


def standard(text: str) -> Layout:
    """The text as stored and offsets in its code points (the standard)."""
    return Layout(text, text)


def nvivo(text: str) -> Layout:
    """The text with CRLF line ends and offsets in its UTF-16 code units.

    A position on an LF stays before the CR that joins it (the shift counts only
    characters strictly before the position).
    """
    shifts = tuple(m.start() for m in _SHIFTS.finditer(text))
    return Layout(text, text.replace("\n", "\r\n"), shifts, is_crlf=True)


def utf16_slice(text: str, start: int, end: int) -> str:
    """``text[start:end]`` counted in UTF-16 code units (what NVivo reads)."""
    data = text.encode("utf-16-le", "surrogatepass")
    return data[2 * start:2 * end].decode("utf-16-le", "surrogatepass")
