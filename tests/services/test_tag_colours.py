"""Default tag colours: distinct hues, black text readable on each, siblings differ."""

from __future__ import annotations

import colorsys
import itertools

import pytest

from app.core.palette import (
    MIN_CONTRAST_WITH_BLACK,
    TAG_PALETTE,
    contrast_with_black,
    default_tag_colour,
    relative_luminance,
)


def _hue(colour: str) -> float:
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return colorsys.rgb_to_hls(r, g, b)[0] * 360


def test_palette_keeps_black_text_readable_on_every_colour():
    """Every default colour gives black text WCAG AAA contrast (7:1), i.e. luminance >= 0.3."""
    for colour in TAG_PALETTE:
        assert contrast_with_black(colour) >= MIN_CONTRAST_WITH_BLACK, colour
        assert relative_luminance(colour) >= 0.30, colour


def test_palette_hues_are_clearly_distinct():
    """Any two default colours are at least 20 degrees apart on the colour wheel, and
    colours handed out one after the other at least 120 degrees."""
    for a, b in itertools.combinations(TAG_PALETTE, 2):
        gap = abs(_hue(a) - _hue(b)) % 360
        assert min(gap, 360 - gap) >= 20, (a, b)
    for a, b in itertools.pairwise((*TAG_PALETTE, TAG_PALETTE[0])):
        gap = abs(_hue(a) - _hue(b)) % 360
        assert min(gap, 360 - gap) >= 120, (a, b)


def test_relative_luminance_matches_wcag_reference_values():
    """Black is 0, white 1, and pure green 0.7152 (WCAG 2 definition)."""
    assert relative_luminance("#000000") == 0
    assert relative_luminance("#ffffff") == pytest.approx(1.0)
    assert relative_luminance("#00ff00") == pytest.approx(0.7152)
    assert contrast_with_black("#ffffff") == pytest.approx(21.0)


def test_default_colour_skips_colours_taken_by_neighbours():
    """The cycle's colour is used unless a sibling or the parent has it already."""
    assert default_tag_colour(0) == TAG_PALETTE[0]
    assert default_tag_colour(3) == TAG_PALETTE[3]
    assert default_tag_colour(0, [TAG_PALETTE[0].upper()]) == TAG_PALETTE[1]
    assert default_tag_colour(2, TAG_PALETTE) == TAG_PALETTE[2]  # all taken: cycle


def test_new_sibling_tags_get_distinct_palette_colours(notebook):
    """Ten children of one tag, created one by one, all get different default colours,
    none the parent's, each from the palette."""
    parent, _changes = notebook.tags.create("Themen")
    parent = parent.id
    for number in range(len(TAG_PALETTE) - 1):
        notebook.tags.create(f"Thema {number}", parent_id=parent)
    tags = notebook.tags.list()
    children = [t.colour for t in tags if t.parent_id == parent]
    parent_colour = next(t.colour for t in tags if t.id == parent)
    assert len(set(children)) == len(children) == len(TAG_PALETTE) - 1
    assert parent_colour not in children
    assert set(children) | {parent_colour} == set(TAG_PALETTE)


def test_new_tag_keeps_an_explicit_colour(notebook):
    """A colour given by the user is stored as given (lower case), not replaced."""
    tag, _changes = notebook.tags.create("Rot", colour="#FF0000")
    assert next(t.colour for t in notebook.tags.list() if t.id == tag.id) == "#ff0000"
