"""Tag colours: the default palette and the blending used to draw overlapping highlights.

Highlights are drawn as light tints of their tag colour so text stays readable; where
several overlap, their tints are averaged, which keeps each combination distinguishable
from either colour alone (the margin bar then says exactly which highlights are there).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QColor

from app.core.palette import TAG_PALETTE, contrast_with_black

PALETTE: tuple[str, ...] = TAG_PALETTE
"""The services' default tag colours (distinct hues, black text readable on each), for
tags stored without a colour of their own."""

DEFAULT_COLOUR = "#ffd54f"
"""Colour of a highlight that has neither its own colour nor a tagged colour."""

TINT_STRENGTH = 0.38
"""How much of the tag colour a highlight background keeps (the rest is white)."""


def palette_colour(index: int) -> str:
    """A palette colour for the ``index``-th tag (wraps around)."""
    return PALETTE[index % len(PALETTE)]


def valid_colour(name: str, fallback: str = DEFAULT_COLOUR) -> QColor:
    """``QColor(name)`` if it parses, else the fallback."""
    colour = QColor(name) if name else QColor()
    return colour if colour.isValid() else QColor(fallback)


def tint(colour: QColor, strength: float = TINT_STRENGTH) -> QColor:
    """A light version of ``colour``: mixed with white, keeping ``strength`` of it."""
    return QColor.fromRgbF(
        1.0 - strength * (1.0 - colour.redF()),
        1.0 - strength * (1.0 - colour.greenF()),
        1.0 - strength * (1.0 - colour.blueF()),
    )


def blend(colours: Sequence[QColor]) -> QColor:
    """Background for a text segment covered by ``colours``: the mean of their tints.

    The strength grows a little with the number of layers so a double overlap is
    visibly darker than either highlight alone.
    """
    if not colours:
        return QColor(255, 255, 255)
    strength = min(0.75, TINT_STRENGTH + 0.1 * (len(colours) - 1))
    tints = [tint(c, strength) for c in colours]
    n = len(tints)
    return QColor.fromRgbF(
        sum(t.redF() for t in tints) / n,
        sum(t.greenF() for t in tints) / n,
        sum(t.blueF() for t in tints) / n,
    )


def readable_text_colour(background: QColor) -> QColor:
    """Black or white, whichever has the higher WCAG contrast on ``background`` (tag
    chips, swatches): black on every default tag colour."""
    on_black = contrast_with_black(background.name())
    on_white = 21.0 / on_black  # (1.05) / (L + 0.05) = 21 / ((L + 0.05) / 0.05)
    return QColor(0, 0, 0) if on_black >= on_white else QColor(255, 255, 255)
