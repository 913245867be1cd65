"""A tag shown as a removable chip in the inspector: its colour, its path, and an × button."""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QToolButton,
    QWidget,
)

from app.core.records import Tag
from app.gui.common.colours import palette_colour, readable_text_colour, valid_colour
from app.gui.common.elided import ElidedLabel

log = logging.getLogger(__name__)


class TagChip(QFrame):
    """A tag name on its colour with a remove button."""

    removeRequested = Signal(int)

    def __init__(self, tag: Tag, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tag_id = tag.id
        colour = valid_colour(tag.colour or palette_colour(tag.id))
        text = readable_text_colour(colour)
        self.setStyleSheet(
            f"TagChip {{ background: {colour.name()}; border-radius: 4px; }}"
            f" QLabel, QToolButton {{ color: {text.name()}; }}"
        )
        label = ElidedLabel(tag.path, self)
        self.remove_button = QToolButton(self)
        self.remove_button.setText("\u00d7")
        self.remove_button.setAutoRaise(True)
        self.remove_button.setToolTip(f"Remove tag \u201c{tag.path}\u201d from this highlight")
        self.remove_button.clicked.connect(self._on_remove)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.addWidget(label, 1)
        layout.addWidget(self.remove_button)

    def _on_remove(self) -> None:
        self.removeRequested.emit(self.tag_id)
