"""What a selection's positions count, decided per source, and their mapping to Dossier.

The standard counts Unicode code points of the plain text (section 10.2), but real files
differ: NVivo for Windows writes UTF-16 code units and counts CRLF as two, ATLAS.ti counts
CRLF as one, some tools make ``endPosition`` the last character instead of the one after,
and a text given inline in the XML has lost its CRs (XML turns CRLF into LF) although the
tool counted them. A :class:`Reading` is one such convention. For each source every
plausible reading maps all its selections onto the stored text (code points of the
normalised text, :func:`app.core.text.normalise_text`: dropped BOM/NULs, CRLF and CR as
LF, NFC), and the reading that puts most selection edges on word boundaries and matches
most quoted ``name`` texts wins; ties go to the standard's reading.

Positions are mapped exactly through each step (units -> raw code points -> dropped and
merged characters -> NFC) with sorted lists of the few characters that count differently,
so a long text costs a few bisections per selection, not a pass over the text.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from app.core.text import normalise_text

_DROPPED_RE = re.compile("[\x00\ufeff\ufdd0\ufdd1]")  # as normalise_text drops them
_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")
NAME_MATCH = 3
"""Score of a selection whose quoted name equals its text (strong evidence)."""
NAME_PREFIX = 2
"""Score of a truncated quoted name ("The first words…") that starts the text."""
SAMPLE = 200
"""Selections per source scored to choose a reading (the rest follow the same tool)."""
OUTSIDE = -6
"""Score of a selection a reading puts outside the text or inside a character."""


@dataclass(frozen=True, slots=True)
class Reading:
    """One convention for counting positions in a source's plain text.

    Attributes:
        utf16: positions count UTF-16 code units (astral characters count two).
        newline: ``"as-is"`` (every character of the file counts once), ``"crlf-one"``
            (CRLF counts as one) or ``"lf-two"`` (each LF counts as a CRLF would: the
            tool saw CRLF where the text we got has LF).
        end_inclusive: ``endPosition`` is the last selected character, not the one after.
    """

    utf16: bool = False
    newline: str = "as-is"
    end_inclusive: bool = False

    def describe(self) -> str:
        """``"UTF-16 units, CRLF as two"`` and the like, for the import report."""
        parts = ["UTF-16 code units" if self.utf16 else "code points"]
        parts.append({"as-is": "", "crlf-one": "CRLF counted as one",
                      "lf-two": "line breaks counted as CRLF (two)"}[self.newline])
        if self.end_inclusive:
            parts.append("end position inclusive")
        return ", ".join(p for p in parts if p)


STANDARD = Reading()


@dataclass(frozen=True, slots=True)
class Span:
    """A selection's raw positions and its quoted text (``""`` when none is given)."""

    start: int
    end: int
    quote: str = ""


class _Units:
    """Positions in a reading's units -> code points of the raw text.

    Only characters whose weight is not one are listed: ``starts[k]`` is the unit
    offset where the k-th of them begins, ``points[k]`` its code-point index.
    """

    def __init__(self, raw: str, reading: Reading) -> None:
        weights: dict[int, int] = {}
        if reading.utf16:
            weights.update((m.start(), 2) for m in _ASTRAL_RE.finditer(raw))
        self.line_breaks: frozenset[int] = frozenset()  # LFs the tool saw as CRLF
        if reading.newline == "crlf-one":
            weights.update((i, 0) for i in _crlf_starts(raw))
        elif reading.newline == "lf-two":
            self.line_breaks = frozenset(_lf_positions(raw))
            weights.update((i, 2) for i in self.line_breaks)
        self.points = sorted(weights)
        self.weights = [weights[p] for p in self.points]
        self.starts: list[int] = []
        shift = 0
        for point, weight in zip(self.points, self.weights, strict=True):
            self.starts.append(point + shift)
            shift += weight - 1
        self.length = len(raw) + shift

    def to_point(self, unit: int) -> int | None:
        """The code point at unit offset ``unit``; None if it falls inside a character."""
        k = bisect_right(self.starts, unit) - 1
        if k < 0:
            return unit
        offset = unit - self.starts[k]
        if offset == 0:
            return self.points[bisect_left(self.starts, unit)]
        if offset < self.weights[k]:  # inside: an astral character's surrogates, or
            # between the CR and LF the tool counted (before the line break, as below)
            return self.points[k] if self.points[k] in self.line_breaks else None
        return self.points[k] + 1 + (offset - self.weights[k])


def _crlf_starts(raw: str) -> list[int]:
    """Indices of the CR of each CRLF pair."""
    out, at = [], raw.find("\r\n")
    while at >= 0:
        out.append(at)
        at = raw.find("\r\n", at + 2)
    return out


def _lf_positions(raw: str) -> list[int]:
    """Indices of every LF not preceded by a CR."""
    out, at = [], raw.find("\n")
    while at >= 0:
        if at == 0 or raw[at - 1] != "\r":
            out.append(at)
        at = raw.find("\n", at + 1)
    return out


class _Normalised:
    """Code points of the raw text -> code points of the stored (normalised) text.

    The same steps as :func:`normalise_text`, each with the sorted list of positions it
    removes: dropped characters (BOM, NUL ...), then the LF of each CRLF (which merges
    into its CR; lone CRs become LF in place), then NFC composition.
    """

    def __init__(self, raw: str) -> None:
        self.dropped = [m.start() for m in _DROPPED_RE.finditer(raw)]
        kept = _without(raw, self.dropped)
        self.merged = [i + 1 for i in _crlf_starts(kept)]
        merged = _without(kept, self.merged).replace("\r", "\n")
        self.text = normalise_text(raw)
        self.nfc = None if unicodedata.is_normalized("NFC", merged) else _NfcMap(merged)

    def to_stored(self, point: int, is_end: bool) -> int:
        kept = point - bisect_left(self.dropped, point)
        # bisect_right: a point between a CR and its LF is before the line break, as it
        # is in the tool's text (the line ends with the CR)
        merged = kept - bisect_right(self.merged, kept)
        return merged if self.nfc is None else self.nfc.to_stored(merged, is_end)


def _without(text: str, gone: Sequence[int]) -> str:
    """``text`` without the characters at the (sorted) indices ``gone``."""
    if not gone:
        return text
    keep, last = [], 0
    for index in gone:
        keep.append(text[last:index])
        last = index + 1
    keep.append(text[last:])
    return "".join(keep)


class _NfcMap:
    """Positions before NFC -> after, through segments that compose independently."""

    def __init__(self, text: str) -> None:
        self.before: list[int] = []
        self.after: list[int] = []
        self.same: list[bool] = []
        segment, start, done = "", 0, 0
        for index, ch in enumerate(text):
            if segment and unicodedata.combining(ch) == 0 and _separate(segment, ch):
                done = self._close(segment, start, done)
                segment, start = "", index
            segment += ch
        if segment:
            self._close(segment, start, done)
        self.before.append(len(text))
        self.after.append(len(unicodedata.normalize("NFC", text)))

    def _close(self, segment: str, start: int, done: int) -> int:
        composed = unicodedata.normalize("NFC", segment)
        self.before.append(start)
        self.after.append(done)
        self.same.append(len(composed) == len(segment))
        return done + len(composed)

    def to_stored(self, point: int, is_end: bool) -> int:
        k = bisect_right(self.before, point) - 1
        if k >= len(self.same) or self.before[k] == point or self.same[k]:
            return self.after[min(k, len(self.after) - 1)] + point - self.before[k]
        return self.after[k + 1] if is_end else self.after[k]  # inside a composed segment


def _separate(segment: str, ch: str) -> bool:
    """True if ``ch`` starts a new NFC segment after ``segment`` (does not compose)."""
    nfc = unicodedata.normalize
    return nfc("NFC", segment + ch) == nfc("NFC", segment) + nfc("NFC", ch)


class SourceText:
    """A source's raw text, its stored form, and the mapping of one reading onto it."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self._norm = _Normalised(raw)
        self.stored = self._norm.text
        self._units: dict[Reading, _Units] = {}

    def readings(self) -> list[Reading]:
        """The readings that differ on this text, the standard's first."""
        astral = _ASTRAL_RE.search(self.raw) is not None
        newlines = ["as-is"]
        if "\r\n" in self.raw:
            newlines.append("crlf-one")
        elif "\n" in self.raw and "\r" not in self.raw:
            newlines.append("lf-two")
        return [Reading(utf16, newline, inclusive)
                for inclusive in (False, True)
                for newline in newlines
                for utf16 in ((False, True) if astral else (False,))]

    def map(self, span: Span, reading: Reading) -> tuple[int, int] | None:
        """``[start, end)`` in code points of the stored text, or None if the reading
        puts the span outside the text, inside a character, or makes it empty."""
        units = self._units.get(reading)
        if units is None:
            units = self._units[reading] = _Units(self.raw, reading)
        end = span.end + 1 if reading.end_inclusive else span.end
        if not 0 <= span.start < end <= units.length:
            return None
        first, last = units.to_point(span.start), units.to_point(end)
        if first is None or last is None:
            return None
        start, stop = self._norm.to_stored(first, False), self._norm.to_stored(last, True)
        return (start, stop) if start < stop else None


def _is_word(ch: str) -> bool:
    return ch.isalnum()


def _on_boundary(text: str, at: int) -> bool:
    """True if ``at`` does not cut a word (letters/digits on both sides)."""
    return at <= 0 or at >= len(text) or not (_is_word(text[at - 1]) and _is_word(text[at]))


def _quote_score(quote: str, found: str) -> int:
    if not quote:
        return 0
    if " ".join(quote.split()) == " ".join(found.split()):
        return NAME_MATCH
    trimmed = quote.rstrip(".… \n")
    if len(trimmed) >= 4 and trimmed != quote and " ".join(found.split()).startswith(
            " ".join(trimmed.split())):
        return NAME_PREFIX
    return 0


def score(text: SourceText, spans: Sequence[Span], reading: Reading) -> int:
    """How well ``reading`` fits: word boundaries kept, quoted names matched."""
    total = 0
    stored = text.stored
    for span in spans:
        mapped = text.map(span, reading)
        if mapped is None:
            total += OUTSIDE
            continue
        start, end = mapped
        total += _on_boundary(stored, start) + _on_boundary(stored, end)
        total += _quote_score(span.quote, stored[start:end])
    return total


def choose_reading(text: SourceText, spans: Sequence[Span]) -> Reading:
    """The reading that fits ``spans`` best on this text (the standard's on a tie).

    At most :data:`SAMPLE` selections are scored (evenly spread), and the first reading
    that fits all of them perfectly ends the search.
    """
    candidates = text.readings()
    if len(candidates) == 1 or not spans:
        return STANDARD
    sample = spans if len(spans) <= SAMPLE else spans[:: len(spans) // SAMPLE + 1]
    perfect = sum(2 + (NAME_MATCH if s.quote else 0) for s in sample)
    best, best_score = STANDARD, score(text, sample, STANDARD)
    for reading in candidates[1:]:
        if best_score >= perfect:
            break
        value = score(text, sample, reading)
        if value > best_score:
            best, best_score = reading, value
    return best


def normalise_quote(name: str) -> str:
    """A selection's ``name`` as Dossier would store that text (for comparisons)."""
    return normalise_text(name)
