"""The network dock: filters and buttons above the :class:`NetworkView`.

Filters (actor kind, agreement type, status, a date range of partial dates) only hide
nodes, so the picture does not move when they change. "Fit" shows every shown node,
"Layout" lays out again (keeping or forgetting the nodes the user dragged), "Export…"
writes the picture as PNG or SVG.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.actor_records import ACTOR_KINDS, AGREEMENT_TYPES, STATUSES
from app.core.dates import parse_partial_date
from app.core.errors import ValidationError
from app.gui.actors.network_view import NetworkFilter, NetworkView

log = logging.getLogger(__name__)

INVALID_STYLE = "QLineEdit { background: #fde2e2; }"


class NetworkPanel(QWidget):
    """Filter bar, layout and export buttons, and the network drawing."""

    def __init__(self, view: NetworkView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.kind = self._combo("networkKind", "All actor kinds", ACTOR_KINDS)
        self.type = self._combo("networkType", "All agreement types", AGREEMENT_TYPES)
        self.status = self._combo("networkStatus", "Any status", STATUSES)
        self.date_from = self._date("networkFrom", "From (2024, 2024-05)")
        self.date_to = self._date("networkTo", "To (2025-11)")
        self.busy = QLabel("  Laying out…", self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._toolbar())
        layout.addWidget(view, 1)
        self._busy_action.setVisible(view.is_laying_out)
        view.layoutStarted.connect(self._on_layout_started)
        view.layoutFinished.connect(self._on_layout_finished)

    def _combo(self, name: str, any_text: str, values: tuple[str, ...]) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        combo.addItem(any_text, "")
        for value in values:
            combo.addItem(value, value)
        combo.currentIndexChanged.connect(self.apply)
        return combo

    def _date(self, name: str, placeholder: str) -> QLineEdit:
        field = QLineEdit(self)
        field.setObjectName(name)
        field.setPlaceholderText(placeholder)
        field.setClearButtonEnabled(True)
        field.setMaximumWidth(130)
        field.editingFinished.connect(self.apply)
        field.textChanged.connect(self._on_date_typed)
        return field

    def _toolbar(self) -> QToolBar:
        """Buttons, then filters; what does not fit a narrow dock goes into the toolbar's
        ">>" menu instead of widening the window."""
        bar = QToolBar(self)
        bar.setObjectName("networkToolBar")
        for button in self._buttons():
            bar.addWidget(button)
        bar.addSeparator()
        for widget in (self.kind, self.type, self.status, self.date_from, self.date_to):
            bar.addWidget(widget)
        self._busy_action = bar.addWidget(self.busy)
        return bar

    def _buttons(self) -> tuple[QToolButton, ...]:
        fit = self._button("networkFit", "Fit", "Show every node", self.view.refit)
        relayout = self._button("networkLayout", "Layout", "Lay out the network again", None)
        menu = QMenu(relayout)
        menu.addAction("Lay Out Again, Keep Moved Nodes", self.view.relayout)
        menu.addAction("Reset All Positions", self._reset_positions)
        relayout.setMenu(menu)
        relayout.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        export = self._button("networkExport", "Export…", "Save the picture as PNG or SVG",
                              self.choose_export)
        return fit, relayout, export

    def _button(self, name: str, text: str, tip: str, slot: object) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName(name)
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        if callable(slot):
            button.clicked.connect(slot)
        return button

    # -- filters --------------------------------------------------------------------------
    def current_filter(self) -> NetworkFilter:
        """The filter the widgets describe (an invalid date counts as no bound)."""
        return NetworkFilter(kind=self.kind.currentData() or "",
                             type=self.type.currentData() or "",
                             status=self.status.currentData() or "",
                             date_from=_partial(self.date_from.text()),
                             date_to=_partial(self.date_to.text()))

    def apply(self, *_args: object) -> None:
        self.view.apply_filter(self.current_filter())

    def _on_date_typed(self, text: str) -> None:
        field = self.sender()
        if not isinstance(field, QLineEdit):
            return
        problem = _date_problem(text)
        field.setStyleSheet(INVALID_STYLE if problem else "")
        field.setToolTip(problem)
        if not text:
            self.apply()

    def _on_layout_started(self) -> None:
        self._busy_action.setVisible(True)

    def _on_layout_finished(self) -> None:
        self._busy_action.setVisible(False)

    def _reset_positions(self) -> None:
        self.view.relayout(keep_pinned=False)

    # -- export ---------------------------------------------------------------------------
    def choose_export(self) -> Path | None:
        """Ask where to save the picture (PNG or SVG by the chosen filter) and write it."""
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)
        path, chosen = QFileDialog.getSaveFileName(
            self, "Export Network Picture", str(Path(folder) / "network.png"),
            "PNG image (*.png);;SVG drawing (*.svg)")
        if not path:
            return None
        return self.export_to(Path(path), svg="SVG" in chosen or path.lower().endswith(".svg"))

    def export_to(self, path: Path, svg: bool) -> Path:
        """Write the picture to ``path`` and say so in the window's status bar."""
        suffix = ".svg" if svg else ".png"
        if path.suffix.lower() != suffix:
            path = path.with_suffix(suffix)
        written = self.view.export_svg(path) if svg else self.view.export_png(path)
        window = self.window()
        status = getattr(window, "statusBar", None)
        if callable(status):
            status().showMessage(f"Network picture written to {written}", 8000)
        log.info("network exported to %s", written)
        return written


def _partial(text: str) -> str | None:
    try:
        return parse_partial_date(text) if text.strip() else None
    except ValidationError:
        return None


def _date_problem(text: str) -> str:
    try:
        if text.strip():
            parse_partial_date(text)
    except ValidationError as exc:
        return str(exc)
    return ""
