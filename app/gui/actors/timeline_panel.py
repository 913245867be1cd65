"""The timeline dock: an actor filter, a Fit button and the status legend above the
:class:`~app.gui.actors.timeline_view.TimelineView`."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QLabel,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.changes import Changes
from app.gui.actors.timeline_view import STATUS_COLOURS, TimelineView
from app.gui.common.controller import NotebookController

log = logging.getLogger(__name__)


class TimelinePanel(QWidget):
    """Actor filter (any spelling of a party), Fit, legend, and the timeline."""

    def __init__(self, controller: NotebookController, view: TimelineView,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self.view = view
        self.actor = QComboBox(self)
        self.actor.setObjectName("timelineActor")
        self.actor.setEditable(True)
        self.actor.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.actor.setMinimumContentsLength(18)
        completer = self.actor.completer()
        if completer is not None:  # an editable combo box always has one
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.actor.currentIndexChanged.connect(self._on_actor_chosen)
        fit = QToolButton(self)
        fit.setObjectName("timelineFit")
        fit.setText("Fit")
        fit.setToolTip("Fit the whole time span to the width (Ctrl+wheel zooms)")
        fit.setAutoRaise(True)
        fit.clicked.connect(view.refit)
        # A toolbar: the legend's tail goes into its ">>" menu when the dock is narrow.
        bar = QToolBar(self)
        bar.setObjectName("timelineToolBar")
        bar.addWidget(QLabel(" Actor: ", self))
        bar.addWidget(self.actor)
        bar.addWidget(fit)
        bar.addSeparator()
        for status, colour in STATUS_COLOURS.items():
            legend = QLabel(f'&nbsp;<span style="color:{colour}">■</span>&nbsp;{status}', self)
            legend.setToolTip(f"Colour of the status “{status}”")
            bar.addWidget(legend)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(bar)
        layout.addWidget(view, 1)
        controller.changed.connect(self._on_changed)
        controller.notebookOpened.connect(self.fill_actors)
        self.fill_actors()

    def fill_actors(self, *_args: Any) -> None:
        """Offer every actor that is a party to an agreement, by name."""
        parties = {p.actor_id: p.actor_name for a in self._controller.nb.agreements.list()
                   for p in a.parties}
        current = self.view.actor_id
        with QSignalBlocker(self.actor):
            self.actor.clear()
            self.actor.addItem("All actors", None)
            for actor_id, name in sorted(parties.items(), key=lambda p: p[1].casefold()):
                self.actor.addItem(name, actor_id)
            index = self.actor.findData(current) if current is not None else 0
            self.actor.setCurrentIndex(max(index, 0))
        if current is not None and index < 0:
            self.view.set_actor(None)

    def select_actor(self, actor_id: int | None) -> bool:
        """Filter by ``actor_id`` (None: all); False if it is party to no agreement."""
        index = self.actor.findData(actor_id) if actor_id is not None else 0
        if index < 0:
            return False
        self.actor.setCurrentIndex(index)
        self.view.set_actor(actor_id)
        return True

    def _on_actor_chosen(self, index: int) -> None:
        data = self.actor.itemData(index)
        self.view.set_actor(int(data) if data is not None else None)

    def _on_changed(self, changes: Changes) -> None:
        if changes.actors or changes.deleted_actors or changes.agreements or \
                changes.deleted_agreements:
            self.fill_actors()
