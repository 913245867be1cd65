"""Re-anchoring highlights after an article's text changed (pure: no database).

Given the old text, the new text (both normalised: NFC, ``\\n`` line ends) and the
highlights' spans and quote selectors, decide for each highlight where it goes:

1. **Through the diff.** diff-match-patch compares the texts (line mode first, then
   characters; semantic clean-up aligns edits to word boundaries). A highlight whose
   words the diff leaves alone keeps them: its span is mapped through the diff and its
   quote is identical (*unchanged* if the span did not move either, else *moved*). A
   highlight the diff touches keeps what survives of its words plus the text inserted
   between them (it shrinks or grows), if that still resembles its quote (rapidfuzz
   ratio >= :data:`KEEP`).
2. **Exact quote search** in the text new in this revision, nearest the old place
   (a paragraph that moved shows in the diff as deleted here and inserted there).
3. **Fuzzy search** of the quote in that new text near the old place, scored on quote,
   prefix and suffix (quotes of at least :data:`FUZZY_MIN_LENGTH` code points).

Otherwise the highlight is **orphaned**: it keeps its old quote and context and a
zero-width place where its words were, for review. A highlight never lands on words
that were elsewhere in the old text: that would move it onto other words. Orphans from
earlier edits go through steps 2 and 3 again, so restoring their words re-attaches them.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from diff_match_patch import diff_match_patch
from rapidfuzz import fuzz

from app.core.revisions import Anchor, DiffSegment, Outcome, SegmentKind

KEEP = 60.0
"""Minimum ratio (0-100) of the old quote to its surviving, edited words to keep them."""
CONTEXT_MIN = 50.0
"""Minimum context score for an exact quote found in new text, unless the quote is long."""
DISTINCT_LENGTH = 20
"""Quotes this long are distinctive enough to be re-found without matching context."""
FUZZY_MIN = 85.0
FUZZY_MIN_LENGTH = 8
FUZZY_WINDOW = 20_000
"""Code points of new text either side of the old place that the fuzzy step searches."""
SLIDE_WINDOW = 256
"""Code points an edit may slide sideways to fall on a word boundary."""
DIFF_TIMEOUT = 5.0
"""Seconds diff-match-patch may spend before settling for a coarser diff."""

_EQUAL, _INSERT, _DELETE = 0, 1, -1
_KINDS: dict[int, SegmentKind] = {_EQUAL: "equal", _INSERT: "insert", _DELETE: "delete"}


@dataclass(frozen=True, slots=True)
class _Segment:
    """One diff run in both coordinate systems: old ``[o0, o1)``, new ``[n0, n1)``."""

    op: int
    o0: int
    o1: int
    n0: int
    n1: int


class _Differ(diff_match_patch):  # type: ignore[misc]  # the library has no types
    """diff-match-patch whose word-boundary alignment slides an edit at most
    :data:`SLIDE_WINDOW` code points.

    The library slides an edit one character at a time, copying the whole equality
    beside it at each step: inserting a copy of the 250 KB that follow it took 0.4 s.
    Within the window the result is the library's own.
    """

    def diff_cleanupSemanticLossless(self, diffs: list[tuple[int, str]]) -> None:
        pointer = 1
        while pointer < len(diffs) - 1:
            (op1, left), (op, edit), (op2, right) = diffs[pointer - 1:pointer + 2]
            if op1 != _EQUAL or op2 != _EQUAL or op == _EQUAL or not left or not right:
                pointer += 1
                continue
            head = left[:-SLIDE_WINDOW] if len(left) > SLIDE_WINDOW else ""
            tail = right[SLIDE_WINDOW:]
            mini = [(_EQUAL, left[len(head):]), (op, edit), (_EQUAL, right[:SLIDE_WINDOW])]
            super().diff_cleanupSemanticLossless(mini)
            a = mini[0][1] if mini[0][0] == _EQUAL else ""
            b = mini[-1][1] if mini[-1][0] == _EQUAL else ""
            moved = next(text for kind, text in mini if kind != _EQUAL)
            items = [(_EQUAL, head + a)] if head + a else []
            items.append((op, moved))
            if b + tail:
                items.append((_EQUAL, b + tail))
            diffs[pointer - 1:pointer + 2] = items
            pointer += 2 if head + a else 1


class TextDiff:
    """The diff of two texts, with positions mapped from the old text to the new."""

    def __init__(self, old: str, new: str) -> None:
        self.old, self.new = old, new
        dmp = _Differ()
        dmp.Diff_Timeout = DIFF_TIMEOUT
        diffs = dmp.diff_main(old, new)
        dmp.diff_cleanupSemantic(diffs)
        self.segments = _segments(diffs)
        self._ends = [s.o1 for s in self.segments]
        self.inserted = _inserted_regions(self.segments)

    def runs(self) -> list[DiffSegment]:
        """The diff as equal/insert/delete runs of text, for a viewer."""
        out: list[DiffSegment] = []
        for s in self.segments:
            text = self.new[s.n0:s.n1] if s.op == _INSERT else self.old[s.o0:s.o1]
            out.append(DiffSegment(_KINDS[s.op], text))
        return out

    def position(self, p: int) -> int:
        """Where old position ``p`` is in the new text (a deleted place: where the
        deletion was)."""
        i = bisect.bisect_right(self._ends, p)
        if i >= len(self.segments):
            return len(self.new)
        s = self.segments[i]
        return s.n0 + (p - s.o0) if s.op == _EQUAL else s.n0

    def image(self, start: int, end: int) -> tuple[bool, int, int]:
        """``(touched, new_start, new_end)`` of old ``[start, end)``.

        Untouched: no deletion overlaps the span and no insertion falls strictly inside
        it (an insertion at its edge is outside its words). The image spans what
        survives of the span plus insertions inside it, or is empty (``new_start ==
        new_end``).
        """
        touched, first, last = False, -1, -1
        i = bisect.bisect_right(self._ends, start)
        previous_cut = False
        while i < len(self.segments):
            s = self.segments[i]
            if s.o0 > end or (s.o0 == end and not (s.op == _INSERT and previous_cut)):
                break
            piece: tuple[int, int] | None = None
            if s.op == _EQUAL:
                a, b = max(start, s.o0), min(end, s.o1)
                if a < b:
                    piece = (s.n0 + a - s.o0, s.n0 + b - s.o0)
                previous_cut = False
            elif s.op == _DELETE:
                touched = touched or (s.o0 < end and s.o1 > start)
                previous_cut = s.o0 < end and s.o1 > start
            elif s.o0 < end or previous_cut:  # strictly inside, or replacing its last words
                touched, piece = True, (s.n0, s.n1)
            if piece is not None:
                first = piece[0] if first < 0 else first
                last = piece[1]
            i += 1
        if first < 0:
            at = self.position(start)
            return touched, at, at
        return touched, first, last


def _segments(diffs: Iterable[tuple[int, str]]) -> list[_Segment]:
    out: list[_Segment] = []
    o = n = 0
    for op, text in diffs:
        size = len(text)
        if op == _EQUAL:
            out.append(_Segment(op, o, o + size, n, n + size))
            o, n = o + size, n + size
        elif op == _DELETE:
            out.append(_Segment(op, o, o + size, n, n))
            o += size
        else:
            out.append(_Segment(op, o, o, n, n + size))
            n += size
    return out


def _inserted_regions(segments: Sequence[_Segment]) -> list[tuple[int, int]]:
    """Ranges of the new text that the diff says are new (adjacent runs merged)."""
    out: list[tuple[int, int]] = []
    for s in segments:
        if s.op != _INSERT:
            continue
        if out and out[-1][1] == s.n0:
            out[-1] = (out[-1][0], s.n1)
        else:
            out.append((s.n0, s.n1))
    return out


def reanchor(old: str, new: str, anchors: Sequence[Anchor],
             diff: TextDiff | None = None) -> list[Outcome]:
    """Where each highlight goes when ``old`` becomes ``new`` (both stored form).

    Returns one outcome per anchor, in the anchors' order; none is dropped.
    """
    diff = diff or TextDiff(old, new)
    return [_place(diff, a) for a in anchors]


def _place(diff: TextDiff, a: Anchor) -> Outcome:
    if not a.is_orphaned and diff.old[a.start:a.end] == a.exact:
        touched, start, end = diff.image(a.start, a.end)
        if not touched and start < end:
            if (start, end) == (a.start, a.end):
                return Outcome(a.id, "unchanged", start, end, "diff")
            return Outcome(a.id, "moved", start, end, "diff")
        if start < end and fuzz.ratio(a.exact, diff.new[start:end]) >= KEEP:
            return Outcome(a.id, "moved", start, end, "diff")
    near = diff.position(min(max(a.start, 0), len(diff.old)))
    found = _exact(diff, a, near) or _fuzzy(diff, a, near)
    if found is not None:
        return Outcome(a.id, "moved", found[0], found[1], found[2])
    return Outcome(a.id, "orphaned", near, near, "")


def _context_score(text: str, a: Anchor, start: int, end: int) -> float:
    """How well the text around ``[start, end)`` matches the anchor's prefix and suffix
    (0-100; empty context on both sides counts as a match)."""
    prefix = text[max(0, start - len(a.prefix)):start]
    suffix = text[end:end + len(a.suffix)]
    if not a.prefix and not a.suffix:
        return 100.0
    scores = [fuzz.ratio(want, got) for want, got in ((a.prefix, prefix), (a.suffix, suffix))
              if want]
    return sum(scores) / len(scores)


def _exact(diff: TextDiff, a: Anchor, near: int) -> tuple[int, int, str] | None:
    """The exact quote in new text: best context, then nearest the old place."""
    if not a.exact:
        return None
    best: tuple[float, int, int] | None = None  # (context score, -distance, start)
    for r0, r1 in diff.inserted:
        at = diff.new.find(a.exact, r0, r1)
        while at >= 0:
            key = (_context_score(diff.new, a, at, at + len(a.exact)), -abs(at - near), at)
            best = key if best is None or key[:2] > best[:2] else best
            at = diff.new.find(a.exact, at + 1, r1)
    if best is None:
        return None
    if best[0] < CONTEXT_MIN and len(a.exact) < DISTINCT_LENGTH:
        return None
    return best[2], best[2] + len(a.exact), "exact"


def _fuzzy(diff: TextDiff, a: Anchor, near: int) -> tuple[int, int, str] | None:
    """The quote, approximately, in new text near the old place."""
    if len(a.exact) < FUZZY_MIN_LENGTH:
        return None
    best: tuple[float, int, int] | None = None
    for r0, r1 in diff.inserted:
        lo, hi = max(r0, near - FUZZY_WINDOW), min(r1, near + FUZZY_WINDOW)
        if hi - lo < FUZZY_MIN_LENGTH:
            continue
        found = fuzz.partial_ratio_alignment(a.exact, diff.new[lo:hi], score_cutoff=FUZZY_MIN)
        if found is None:
            continue
        start, end = _trimmed(diff.new, lo + found.dest_start, lo + found.dest_end)
        if start >= end:
            continue
        score = 0.8 * found.score + 0.2 * _context_score(diff.new, a, start, end)
        if best is None or score > best[0]:
            best = (score, start, end)
    return None if best is None else (best[1], best[2], "fuzzy")


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without whitespace at its edges."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
