"""The three-way line merge of notes (issue 13): both sides' changes survive when they do
not touch the same lines; overlapping changes are refused (None), never half-merged."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.services import merge_lines

Edit = tuple[int, int, list[str]]  # base lines [start, end) become these lines


def _apply(base: list[str], edits: list[Edit]) -> list[str]:
    out, pos = [], 0
    for start, end, lines in sorted(edits, key=lambda e: e[0]):
        out += base[pos:start] + lines
        pos = end
    return out + base[pos:]


@st.composite
def _disjoint_edits(draw: st.DrawFn) -> tuple[list[str], list[Edit], list[Edit]]:
    """Base lines (all distinct) and two sets of edits, each edit on its own region;
    regions are separated by at least one untouched line, so no two edits overlap."""
    size = draw(st.integers(2, 30))
    base = [f"base {i}\n" for i in range(size)]
    cuts = sorted(draw(st.sets(st.integers(0, size), min_size=2, max_size=12)))
    regions = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False)]
    regions = [(a, b) for a, b in regions if b - a >= 0]
    mine: list[Edit] = []
    theirs: list[Edit] = []
    last_end = -2
    for n, (start, end) in enumerate(regions):
        if start <= last_end:  # keep an untouched line between regions
            continue
        count = draw(st.integers(0 if end > start else 1, 3))
        side = draw(st.sampled_from(["mine", "theirs"]))
        new = [f"{side} {n}.{k}\n" for k in range(count)]
        (mine if side == "mine" else theirs).append((start, end, new))
        last_end = end
    return base, mine, theirs


@settings(max_examples=200, deadline=None)
@given(_disjoint_edits())
def test_merge_keeps_both_sides_changes_when_they_do_not_overlap(
        case: tuple[list[str], list[Edit], list[Edit]]) -> None:
    """merge(base, a, b) is base with a's and b's edits both applied."""
    base, mine, theirs = case
    text = "".join(base)
    merged = merge_lines(text, "".join(_apply(base, mine)), "".join(_apply(base, theirs)))
    assert merged == "".join(_apply(base, mine + theirs))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet="abc\n", max_size=8), max_size=6),
       st.text(alphabet="xyz", min_size=1, max_size=5))
def test_merge_with_one_side_unchanged_takes_the_other(lines: list[str], extra: str) -> None:
    """When one side did not change the text, the merge is the other side."""
    base = "\n".join(lines)
    changed = base + extra
    assert merge_lines(base, changed, base) == changed
    assert merge_lines(base, base, changed) == changed


def test_overlapping_changes_are_refused() -> None:
    """Both rewrite the same line: no merge (the caller keeps a conflict copy)."""
    base = "one\ntwo\nthree\n"
    assert merge_lines(base, "one\nTWO\nthree\n", "one\n2\nthree\n") is None


def test_insertions_at_the_same_place_are_refused_unless_equal() -> None:
    """Two different lines added at the same place overlap; the same line twice is one."""
    base = "one\ntwo\n"
    assert merge_lines(base, "one\nA\ntwo\n", "one\nB\ntwo\n") is None
    assert merge_lines(base, "one\nA\ntwo\n", "one\nA\ntwo\n") == "one\nA\ntwo\n"


def test_same_change_on_both_sides_is_applied_once() -> None:
    """Both sides fixed the same typo and each changed another line: one fix, both lines."""
    base = "a\nTypo\nc\nd\ne\n"
    mine = "a\nTypo fixed\nc\nD\ne\n"
    theirs = "a\nTypo fixed\nc\nd\nE\n"
    assert merge_lines(base, mine, theirs) == "a\nTypo fixed\nc\nD\nE\n"
