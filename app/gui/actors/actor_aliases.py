"""The aliases tab of the actors view (a mixin of
:class:`~app.gui.actors.actors_view.ActorsView`): the actor's spellings with language and
script, edited in place, added (a spelling it already has is refused in place) and
removed. Each row keeps the alias as listed: editing or removing it is a versioned write
(issue 13), so a colleague's correction made since opens the conflict dialog."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.actor_records import Actor
from app.gui.actors.forms import error_label, show_error
from app.gui.common.controller import NotebookController

if TYPE_CHECKING:
    from app.services import Notebook

log = logging.getLogger(__name__)


class AliasTab(QWidget):
    """Builds, shows and edits the Aliases tab of the current actor."""

    actor_id: int
    _controller: NotebookController

    @property
    def nb(self) -> Notebook:
        raise NotImplementedError

    def _build_aliases(self) -> QWidget:
        box = QWidget(self)
        self.aliases = QTableWidget(0, 3, box)
        self.aliases.setHorizontalHeaderLabels(["Spelling", "Language", "Script"])
        self.aliases.horizontalHeader().setStretchLastSection(True)
        self.aliases.itemChanged.connect(self._on_alias_edited)
        self.alias_input = QLineEdit(box)
        self.alias_input.setPlaceholderText("New spelling")
        self.alias_language = QLineEdit(box)
        self.alias_language.setPlaceholderText("e.g. de")
        self.alias_language.setMaximumWidth(70)
        self.alias_input.returnPressed.connect(self.add_alias)
        add, remove = QPushButton("Add", box), QPushButton("Remove", box)
        add.setObjectName("addAlias")
        remove.setObjectName("removeAlias")
        add.clicked.connect(self.add_alias)
        remove.clicked.connect(self.remove_alias)
        row = QHBoxLayout()
        for widget in (self.alias_input, self.alias_language, add, remove):
            row.addWidget(widget)
        self.alias_error = error_label(box)
        layout = QVBoxLayout(box)
        layout.addWidget(self.aliases)
        layout.addLayout(row)
        layout.addWidget(self.alias_error)
        return box

    def _show_aliases(self, actor: Actor | None) -> None:
        with QSignalBlocker(self.aliases):
            aliases = actor.aliases if actor else ()
            self.aliases.setRowCount(len(aliases))
            for row, alias in enumerate(aliases):
                for column, text in enumerate((alias.name, alias.language, alias.script)):
                    item = QTableWidgetItem(text)
                    item.setData(Qt.ItemDataRole.UserRole, alias.id)
                    item.setData(Qt.ItemDataRole.UserRole + 1, alias)  # as seen
                    if column == 2:
                        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                    self.aliases.setItem(row, column, item)

    def add_alias(self) -> None:
        """Add the typed spelling (with its language) to the current actor."""
        name, language = self.alias_input.text(), self.alias_language.text()
        if not self.actor_id or not name.strip():
            return
        actor_id, actors = self.actor_id, self.nb.actors
        spellings = {s.casefold() for s in actors.get(actor_id).spellings}
        if " ".join(name.split()).casefold() in spellings:
            show_error(self.alias_error, f"“{name.strip()}” is already a spelling of this actor")
            return
        show_error(self.alias_error, "")
        if self._controller.edit(lambda: actors.add_alias(actor_id, name, language), self):
            self.alias_input.clear()

    def remove_alias(self) -> None:
        """Remove the alias in the current row of the alias table."""
        item = self.aliases.item(self.aliases.currentRow(), 0)
        if item is not None:
            alias, actors = item.data(Qt.ItemDataRole.UserRole + 1), self.nb.actors
            self._controller.edit(lambda: actors.remove_alias(alias.id, seen=alias), self)

    def _on_alias_edited(self, item: QTableWidgetItem) -> None:
        alias, actors, text = item.data(Qt.ItemDataRole.UserRole + 1), self.nb.actors, \
            item.text()
        if item.column() == 0:
            self._controller.edit(lambda: actors.set_alias(alias.id, name=text, seen=alias),
                                  self)
        elif item.column() == 1:
            self._controller.edit(
                lambda: actors.set_alias(alias.id, language=text, seen=alias), self)
