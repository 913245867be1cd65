"""Tag colours in the GUI: the services' palette, and text colour chosen by contrast."""

from __future__ import annotations

from PySide6.QtGui import QColor

from app.core.palette import TAG_PALETTE
from app.gui.common.colours import PALETTE, palette_colour, readable_text_colour, tint


def test_gui_palette_is_the_services_default_palette():
    """A tag without a stored colour is drawn in a colour the service would give."""
    assert PALETTE == TAG_PALETTE
    assert palette_colour(len(TAG_PALETTE) + 1) == TAG_PALETTE[1]


def test_chip_text_is_black_on_every_default_colour_and_its_tint():
    """Tag chips and highlight tints of default colours carry black text."""
    for colour in TAG_PALETTE:
        assert readable_text_colour(QColor(colour)) == QColor(0, 0, 0), colour
        assert readable_text_colour(tint(QColor(colour))) == QColor(0, 0, 0), colour


def test_chip_text_is_white_on_a_dark_user_colour():
    """A dark colour the user picked gets white text."""
    assert readable_text_colour(QColor("#000075")) == QColor(255, 255, 255)
    assert readable_text_colour(QColor("#800000")) == QColor(255, 255, 255)
