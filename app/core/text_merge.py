"""Three-way merge of two edits of one text, line by line, down to the places that clash.

Two people corrected the same article (or note) from the same text, the ``base``:
``mine`` is this user's edit, ``theirs`` the one saved meanwhile. :func:`merge_regions`
cuts the text into regions: unchanged lines, lines only one side changed, lines both
changed the same way (all merged without asking) and **clashes**, where both changed
the same base lines differently. A clash keeps its three versions, so a person can
choose (:func:`resolve`); nothing is half-merged or dropped silently.

Changes that touch the same base lines, or insert at the same place, clash; a change
right after another one's lines does not. Overlapping changes chain: a clash spans
every change of either side that overlaps it.

Stdlib only: the regions travel from the services to the GUI.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

TextChoice = Literal["mine", "theirs", "both"]
"""How a clash is resolved: my lines, their lines, or mine followed by theirs."""

TEXT_CHOICES: tuple[TextChoice, ...] = ("mine", "theirs", "both")

Hunk = tuple[int, int, list[str]]
"""A change: base lines [start, end) become these lines."""


@dataclass(frozen=True, slots=True)
class MergeRegion:
    """Consecutive lines of the merge: the base's, and each side's version of them."""

    base: str
    mine: str
    theirs: str

    @property
    def is_clash(self) -> bool:
        """Both sides changed these lines, differently."""
        return self.mine != self.theirs and self.base not in (self.mine, self.theirs)

    @property
    def merged(self) -> str:
        """The lines without asking (a clash has none: see :func:`resolve`)."""
        return self.theirs if self.mine == self.base else self.mine


@dataclass(frozen=True, slots=True)
class TextClash:
    """An edit of a text that clashes with one saved since it began.

    Attributes:
        table, id: the record ("article", 12).
        title: its title, for the person choosing.
        regions: the whole text as regions (:func:`merge_regions`); at least one clashes.
        their_author, their_time: who saved the other version, and when (UTC).
    """

    table: str
    id: int
    title: str
    regions: tuple[MergeRegion, ...]
    their_author: str = ""
    their_time: dt.datetime | None = None

    @property
    def clashes(self) -> tuple[MergeRegion, ...]:
        return tuple(r for r in self.regions if r.is_clash)

    @property
    def theirs(self) -> str:
        """The stored text (the other version), which a resolved text is based on."""
        return "".join(r.theirs for r in self.regions)

    @property
    def mine(self) -> str:
        return "".join(r.mine for r in self.regions)

    @property
    def merged_without_asking(self) -> int:
        """How many changes (of either side) merged on their own."""
        return sum(1 for r in self.regions if not r.is_clash and r.merged != r.base)


def merge_regions(base: str, mine: str, theirs: str) -> tuple[MergeRegion, ...]:
    """``base`` cut into regions with both sides' versions; joining the regions' ``base``,
    ``mine`` or ``theirs`` gives back that whole text."""
    lines = base.splitlines(keepends=True)
    ours = _hunks(lines, mine.splitlines(keepends=True))
    other = _hunks(lines, theirs.splitlines(keepends=True))
    regions: list[MergeRegion] = []
    pos = i = j = 0
    while i < len(ours) or j < len(other):
        lo, hi, mine_group, their_group, i, j = _next_group(ours, other, i, j)
        if pos < lo:
            same = "".join(lines[pos:lo])
            regions.append(MergeRegion(same, same, same))
        span = lines[lo:hi]
        regions.append(MergeRegion("".join(span), _apply(span, lo, mine_group),
                                   _apply(span, lo, their_group)))
        pos = hi
    if pos < len(lines):
        rest = "".join(lines[pos:])
        regions.append(MergeRegion(rest, rest, rest))
    return tuple(regions)


def merge_lines(base: str, mine: str, theirs: str) -> str | None:
    """Both sides' changes, or None when any clash (only a person can merge them)."""
    if mine == theirs or theirs == base:
        return mine
    if mine == base:
        return theirs
    regions = merge_regions(base, mine, theirs)
    if any(r.is_clash for r in regions):
        return None
    return "".join(r.merged for r in regions)


def resolve(regions: Sequence[MergeRegion], choices: Sequence[TextChoice]) -> str:
    """The text with each clash resolved by the choice at its place (in order).

    Raises:
        ValueError: not exactly one choice per clash.
    """
    clashes = sum(1 for r in regions if r.is_clash)
    if len(choices) != clashes:
        raise ValueError(f"{len(choices)} choices for {clashes} clashes")
    out: list[str] = []
    picks = iter(choices)
    for region in regions:
        if not region.is_clash:
            out.append(region.merged)
            continue
        choice = next(picks)
        if choice == "mine":
            out.append(region.mine)
        elif choice == "theirs":
            out.append(region.theirs)
        else:
            out.append(_both(region.mine, region.theirs))
    return "".join(out)


def _both(first: str, second: str) -> str:
    """``first`` then ``second`` as separate lines (the first may lack its line end at
    the end of the text)."""
    if first and second and not first.endswith(("\n", "\r")):
        return first + "\n" + second
    return first + second


def _hunks(base: Sequence[str], other: Sequence[str]) -> list[Hunk]:
    matcher = difflib.SequenceMatcher(None, base, other, autojunk=False)
    return [(i1, i2, list(other[j1:j2])) for tag, i1, i2, j1, j2 in matcher.get_opcodes()
            if tag != "equal"]


def _touches(a: Hunk, lo: int, hi: int) -> bool:
    """A change touches the base lines [lo, hi) of another, or both start at the same
    line (two insertions there, or an insertion before the other's lines). Symmetric."""
    return (a[0] < hi and lo < a[1]) or a[0] == lo


def _next_group(ours: list[Hunk], other: list[Hunk], i: int, j: int,
                ) -> tuple[int, int, list[Hunk], list[Hunk], int, int]:
    """The earliest change and every change of either side chained to it by overlap;
    ``i`` and ``j`` are the first changes of each side not yet grouped."""
    sides, at = (ours, other), [i, j]
    groups: tuple[list[Hunk], list[Hunk]] = ([], [])
    first = 0 if j >= len(other) or (i < len(ours) and ours[i][0] <= other[j][0]) else 1
    groups[first].append(sides[first][at[first]])
    at[first] += 1
    grown = True
    while grown:  # a change joining the group may reach changes of the other side
        grown = False
        for s in (0, 1):
            while at[s] < len(sides[s]) and any(
                    _touches(sides[s][at[s]], h[0], h[1]) for h in groups[0] + groups[1]):
                groups[s].append(sides[s][at[s]])
                at[s] += 1
                grown = True
    chained = groups[0] + groups[1]
    lo, hi = min(h[0] for h in chained), max(h[1] for h in chained)
    return lo, hi, groups[0], groups[1], at[0], at[1]


def _apply(span: list[str], lo: int, hunks: list[Hunk]) -> str:
    """The base lines ``span`` (starting at base line ``lo``) with these changes made."""
    out: list[str] = []
    pos = lo
    for start, end, new in sorted(hunks, key=lambda h: (h[0], h[1])):
        out.extend(span[pos - lo:start - lo])
        out.extend(new)
        pos = end
    out.extend(span[pos - lo:])
    return "".join(out)
