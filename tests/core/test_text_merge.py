"""The three-way line merge down to the places that clash (issue 13: text corrections by
two people). Every region keeps the base's and both sides' lines, so nothing is lost;
a clash is exactly where both changed the same lines differently."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.text_merge import merge_lines, merge_regions, resolve

LINES = st.lists(st.sampled_from(["a\n", "b\n", "c\n", "d\n", "e", "ä\n", "😀\n", "x\r\n"]),
                 max_size=10).map("".join)


@settings(max_examples=300, deadline=None)
@given(LINES, LINES, LINES)
def test_regions_give_back_each_whole_text(base: str, mine: str, theirs: str) -> None:
    """Joining the regions' base, mine or theirs lines gives that whole text back."""
    regions = merge_regions(base, mine, theirs)
    assert "".join(r.base for r in regions) == base
    assert "".join(r.mine for r in regions) == mine
    assert "".join(r.theirs for r in regions) == theirs


@settings(max_examples=300, deadline=None)
@given(LINES, LINES, LINES)
def test_a_merge_is_refused_exactly_when_a_region_clashes(base: str, mine: str,
                                                         theirs: str) -> None:
    regions = merge_regions(base, mine, theirs)
    clashes = [r for r in regions if r.is_clash]
    merged = merge_lines(base, mine, theirs)
    if mine in (base, theirs) or theirs == base:
        assert merged == (theirs if mine == base else mine)
    else:
        assert (merged is None) == bool(clashes)
    if clashes:  # choosing one side everywhere it clashes keeps the other's other changes
        assert resolve(regions, ["mine"] * len(clashes)) == "".join(
            r.mine if r.is_clash else r.merged for r in regions)


@settings(max_examples=200, deadline=None)
@given(LINES, LINES)
def test_when_only_one_side_changed_nothing_clashes(base: str, changed: str) -> None:
    for mine, theirs in ((base, changed), (changed, base)):
        regions = merge_regions(base, mine, theirs)
        assert not any(r.is_clash for r in regions)
        assert "".join(r.merged for r in regions) == changed


def test_a_clash_spans_every_change_chained_to_it() -> None:
    """Mine changes lines 2-3, theirs 3-4: one place, lines 2-4, each side's version."""
    base = "1\n2\n3\n4\n5\n"
    mine = "1\nzwei\ndrei\n4\n5\n"
    theirs = "1\n2\nthree\nfour\n5\n"
    regions = merge_regions(base, mine, theirs)
    clashes = [r for r in regions if r.is_clash]
    assert [(c.base, c.mine, c.theirs) for c in clashes] == [
        ("2\n3\n4\n", "zwei\ndrei\n4\n", "2\nthree\nfour\n")]
    assert resolve(regions, ["theirs"]) == theirs
    assert resolve(regions, ["both"]) == "1\nzwei\ndrei\n4\n2\nthree\nfour\n5\n"


def test_separate_changes_merge_and_one_clash_is_asked() -> None:
    base = "Titel\nEins.\nZwei.\nDrei.\nVier.\n"
    mine = "Titel!\nEins.\nZwo.\nDrei.\nVier.\n"
    theirs = "Titel\nEins.\nZwei!\nDrei.\nVier, fünf.\n"
    regions = merge_regions(base, mine, theirs)
    assert sum(r.is_clash for r in regions) == 1
    assert resolve(regions, ["mine"]) == "Titel!\nEins.\nZwo.\nDrei.\nVier, fünf.\n"


def test_both_keeps_two_lines_when_the_text_ends_without_a_line_end() -> None:
    regions = merge_regions("a\nb", "a\nB", "a\nbee")
    assert resolve(regions, ["both"]) == "a\nB\nbee"


def test_insertions_at_one_place_clash_unless_equal() -> None:
    assert [r.is_clash for r in merge_regions("a\nb\n", "a\nX\nb\n", "a\nY\nb\n")] == [
        False, True, False]
    assert not any(r.is_clash for r in merge_regions("a\nb\n", "a\nX\nb\n", "a\nX\nb\n"))


def test_resolve_wants_one_choice_per_clash() -> None:
    regions = merge_regions("a\n", "b\n", "c\n")
    with pytest.raises(ValueError):
        resolve(regions, [])
