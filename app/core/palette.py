"""Default tag colours: clearly distinct hues, each light enough for black text.

A highlight is drawn as a tint of its tag colour under black text, and tag chips show
the name in black on the full colour; so every palette colour must keep black text
readable on itself (WCAG contrast ratio against black of at least
:data:`MIN_CONTRAST_WITH_BLACK`). The hues are ordered so that colours given one after
the other are far apart on the colour wheel, and a new tag's colour avoids those its
siblings (and its parent) already have.
"""

from __future__ import annotations

from collections.abc import Iterable

TAG_PALETTE: tuple[str, ...] = (
    "#d0a41e",  # amber       45°
    "#63b1e9",  # sky        205°
    "#ef8e96",  # rose       355°
    "#1cc42a",  # green      125°
    "#ee86d4",  # orchid     315°
    "#1bbfa3",  # teal       170°
    "#ea956b",  # apricot     20°
    "#a2a2f2",  # periwinkle 240°
    "#85ba1b",  # lime        80°
    "#ca94f0",  # lilac      275°
)
"""Relative luminance 0.40 each (contrast 9:1 with black); hues at least 20° apart, and
at least 130° between one colour and the next."""

MIN_CONTRAST_WITH_BLACK = 7.0
"""WCAG AAA for normal text: what every default colour gives black text."""


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a ``#rrggbb`` colour (0 black .. 1 white)."""
    value = colour.lstrip("#")
    if len(value) != 6:
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    channels = [int(value[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_black(colour: str) -> float:
    """WCAG contrast ratio of black text on ``colour`` (1 .. 21)."""
    return (relative_luminance(colour) + 0.05) / 0.05


def default_tag_colour(count: int, taken: Iterable[str] = ()) -> str:
    """The colour for a new tag: cycling through :data:`TAG_PALETTE` from the
    ``count``-th colour (the number of tags so far), skipping colours in ``taken``
    (its siblings' and parent's), so neighbours in the tree differ. With every colour
    taken, the cycle's own colour."""
    used = {c.lower() for c in taken}
    size = len(TAG_PALETTE)
    for step in range(size):
        colour = TAG_PALETTE[(count + step) % size]
        if colour not in used:
            return colour
    return TAG_PALETTE[count % size]
