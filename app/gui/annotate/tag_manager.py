"""Tag manager: the tag hierarchy with counts and colours, and the passages of a tag.

Rename in place (F2 or double click), change colour, re-parent by drag and drop or
"Move under…", merge several tags into one, delete with a confirmation that says how
many highlights lose the tag. Every edit goes through the controller, so it is undoable
and every other view follows. Every edit of a listed tag is a versioned write based on the
tag as listed (issue 13): a colleague's change of the same field made since (a rename,
colour or move), or any change of a tag being deleted or merged away, opens the conflict
dialog instead of being overwritten; a change of another field merges. Dialog questions
go through small ``_ask_*`` methods so tests can answer them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QColor, QDropEvent, QIcon, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.changes import Changes
from app.core.records import Passage, Tag
from app.gui.common.colours import palette_colour, valid_colour
from app.gui.common.controller import NotebookController

log = logging.getLogger(__name__)

ID_ROLE = Qt.ItemDataRole.UserRole
SPAN_ROLE = Qt.ItemDataRole.UserRole + 1
TOP_LEVEL = "(top level)"
QUOTE_CHARS = 160


def swatch(colour: QColor, size: int = 14) -> QIcon:
    """A square icon filled with ``colour``."""
    pixmap = QPixmap(size, size)
    pixmap.fill(colour)
    return QIcon(pixmap)


class TagTree(QTreeWidget):
    """Tag hierarchy; a drop asks for a re-parent instead of moving items itself.

    Signals:
        moveRequested(int, int): tag id to move, new parent id (0: top level).
    """

    moveRequested = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setColumnCount(2)
        self.setHeaderLabels(["Tag", "Highlights"])
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.header().setStretchLastSection(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)

    def dropEvent(self, event: QDropEvent) -> None:
        """Turn a drop into moveRequested; the tree is rebuilt from the notebook after."""
        dragged = self.currentItem()
        target = self.itemAt(event.position().toPoint())
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        if dragged is None:
            return
        position = self.dropIndicatorPosition()
        if target is None:
            parent_id = 0
        elif position == QAbstractItemView.DropIndicatorPosition.OnItem:
            parent_id = int(target.data(0, ID_ROLE))
        else:
            parent = target.parent()
            parent_id = int(parent.data(0, ID_ROLE)) if parent else 0
        self.moveRequested.emit(int(dragged.data(0, ID_ROLE)), parent_id)


class TagManagerDialog(QDialog):
    """Manage tags and browse the passages carrying one.

    Signals:
        openPassage(int, int, int): show article id at code-point span [start, end).
    """

    openPassage = Signal(int, int, int)

    def __init__(self, controller: NotebookController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Tags")
        self._controller = controller
        self._tags: dict[int, Tag] = {}
        self._items: dict[int, QTreeWidgetItem] = {}
        self._build_widgets()
        self._build_layout()
        controller.changed.connect(self._on_changed)
        controller.conflictSettled.connect(self._on_conflict_settled)
        self._build_shortcuts()
        self.reload()
        self.resize(760, 480)

    def _build_shortcuts(self) -> None:
        """Undo/redo work while this window has focus (the main window's shortcuts do not
        reach a separate top-level window)."""
        for keys, slot in (("Ctrl+Z", self._controller.undo),
                           ("Ctrl+Shift+Z", self._controller.redo)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(slot)

    def _build_widgets(self) -> None:
        self.tree = TagTree(self)
        self.tree.itemChanged.connect(self._on_item_changed)
        self.tree.itemSelectionChanged.connect(self._on_selection_changed)
        self.tree.moveRequested.connect(self.move_tag)
        self.passages = QListWidget(self)
        self.passages.setWordWrap(True)
        self.passages.setAlternatingRowColors(True)
        self.passages.itemActivated.connect(self._on_passage_activated)
        self.passages.itemDoubleClicked.connect(self._on_passage_activated)
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (
            ("new", "New\u2026", self.new_tag),
            ("rename", "Rename", self.rename_selected),
            ("colour", "Colour\u2026", self.change_colour),
            ("move", "Move under\u2026", self.move_selected),
            ("merge", "Merge\u2026", self.merge_selected),
            ("delete", "Delete\u2026", self.delete_selected),
        ):
            button = QPushButton(text, self)
            button.clicked.connect(slot)
            self.buttons[key] = button

    def _build_layout(self) -> None:
        row = QHBoxLayout()
        for button in self.buttons.values():
            row.addWidget(button)
        row.addStretch(1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.tree)
        splitter.addWidget(self.passages)
        splitter.setSizes([360, 400])
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(splitter, 1)
        layout.addWidget(close)

    # -- tree ------------------------------------------------------------------

    def reload(self) -> None:
        """Rebuild the tree from the notebook, keeping selection and expansion."""
        selected = set(self.selected_ids())
        is_first = not self._items
        expanded = {i for i, item in self._items.items() if item.isExpanded()}
        tags = self._controller.nb.tags.list()
        self._tags = {t.id: t for t in tags}
        with QSignalBlocker(self.tree):
            self.tree.clear()
            self._items = {}
            for tag in tags:  # sorted by path: parents come before children
                self._items[tag.id] = self._make_item(tag)
            for tag_id, item in self._items.items():
                item.setExpanded(is_first or tag_id in expanded)
                item.setSelected(tag_id in selected)
        self._on_selection_changed()
        self._update_buttons()

    def _make_item(self, tag: Tag) -> QTreeWidgetItem:
        parent = self._items.get(tag.parent_id) if tag.parent_id else None
        item = QTreeWidgetItem(parent) if parent is not None else QTreeWidgetItem(self.tree)
        item.setText(0, tag.name)
        item.setText(1, f"{tag.highlight_count:,}")
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        item.setData(0, ID_ROLE, tag.id)
        item.setIcon(0, swatch(valid_colour(tag.colour or palette_colour(tag.id))))
        item.setToolTip(0, tag.description or tag.path)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsDragEnabled
                      | Qt.ItemFlag.ItemIsDropEnabled)
        return item

    def item_for(self, tag_id: int) -> QTreeWidgetItem | None:
        return self._items.get(tag_id)

    def selected_ids(self) -> list[int]:
        """Ids of the selected tags, in tree order."""
        return [int(item.data(0, ID_ROLE)) for item in self.tree.selectedItems()]

    def select_tag(self, tag_id: int) -> None:
        """Select exactly one tag and make it current."""
        item = self._items.get(tag_id)
        if item is not None:
            self.tree.clearSelection()
            self.tree.setCurrentItem(item)
            item.setSelected(True)

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches_tags or changes.touches_highlights or changes.touches_articles:
            self.reload()

    def _on_conflict_settled(self, _error: object, origin: object) -> None:
        """An edit of this dialog met a colleague's edit and the user settled it: list
        the tags as stored now (the tree may still show the typed name), so the next
        edit is based on what the user has now seen."""
        if origin is self:
            self.reload()

    def _update_buttons(self) -> None:
        count = len(self.selected_ids())
        for key in ("rename", "colour", "move", "delete"):
            self.buttons[key].setEnabled(count == 1)
        self.buttons["merge"].setEnabled(count >= 2)

    # -- passages --------------------------------------------------------------

    def _on_selection_changed(self) -> None:
        self._update_buttons()
        ids = self.selected_ids()
        self.passages.clear()
        if len(ids) == 1:
            self._fill_passages(self._controller.nb.annotations.passages_with_tag(ids[0]))

    def _fill_passages(self, passages: Sequence[Passage]) -> None:
        for passage in passages:
            h = passage.highlight
            quote = h.exact if len(h.exact) <= QUOTE_CHARS else h.exact[:QUOTE_CHARS] + "\u2026"
            item = QListWidgetItem(f"{passage.article_title}\n\u201c{quote}\u201d")
            item.setData(ID_ROLE, h.article_id)
            item.setData(SPAN_ROLE, (h.start, h.end))
            self.passages.addItem(item)

    def _on_passage_activated(self, item: QListWidgetItem) -> None:
        start, end = item.data(SPAN_ROLE)
        self.openPassage.emit(int(item.data(ID_ROLE)), int(start), int(end))

    # -- edits -----------------------------------------------------------------

    def _edit(self, mutation: Callable[[], Any]) -> Any:
        return self._controller.edit(mutation, self)

    def _on_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        tag_id = int(item.data(0, ID_ROLE))
        name = item.text(0).strip()
        tag = self._tags.get(tag_id)
        if column != 0 or tag is None or name == tag.name:
            return
        nb = self._controller.nb
        if not name or self._edit(lambda: nb.tags.rename(tag_id, name, seen=tag)) is None:
            with QSignalBlocker(self.tree):
                item.setText(0, tag.name)

    def rename_selected(self) -> None:
        """Start in-place editing of the selected tag's name."""
        ids = self.selected_ids()
        if len(ids) == 1:
            self.tree.editItem(self._items[ids[0]], 0)

    def new_tag(self) -> None:
        """Create a tag under the selected one (or at the top level)."""
        ids = self.selected_ids()
        parent_id = ids[0] if len(ids) == 1 else None
        name = self._ask_text("New tag", "Name:")
        if name:
            nb = self._controller.nb
            made = self._edit(lambda: nb.tags.create(name, parent_id=parent_id))
            if made is not None:
                self.reload()
                self.select_tag(made[0].id)

    def change_colour(self) -> None:
        """Pick a new colour for the selected tag."""
        ids = self.selected_ids()
        if len(ids) != 1:
            return
        tag = self._tags[ids[0]]
        colour = self._ask_colour(valid_colour(tag.colour or palette_colour(tag.id)))
        if colour:
            nb = self._controller.nb
            self._edit(lambda: nb.tags.set_colour(tag.id, colour, seen=tag))

    def move_selected(self) -> None:
        """Ask for a new parent of the selected tag ("Move under…")."""
        ids = self.selected_ids()
        if len(ids) != 1:
            return
        tag = self._tags[ids[0]]
        options = [TOP_LEVEL] + [t.path for t in self._tags.values()
                                 if t.id != tag.id and not t.path.startswith(tag.path + "/")]
        choice = self._ask_choice("Move tag", f"Move \u201c{tag.path}\u201d under:", options)
        if choice is None:
            return
        target = next((t.id for t in self._tags.values() if t.path == choice), 0)
        self.move_tag(tag.id, target)

    def move_tag(self, tag_id: int, parent_id: int) -> None:
        """Re-parent a tag (``parent_id`` 0: top level); refused moves change nothing."""
        tag = self._tags.get(tag_id)
        if tag is None or tag_id == parent_id or (tag.parent_id or 0) == parent_id:
            self.reload()
            return
        nb = self._controller.nb
        self._edit(lambda: nb.tags.set_parent(tag_id, parent_id or None, seen=tag))
        self.reload()

    def merge_selected(self) -> None:
        """Merge the selected tags into one of them, chosen by the user."""
        ids = self.selected_ids()
        if len(ids) < 2:
            return
        paths = [self._tags[i].path for i in ids]
        choice = self._ask_choice("Merge tags", "Merge the selected tags into:", paths)
        if choice is None:
            return
        target = ids[paths.index(choice)]
        sources = [i for i in ids if i != target]
        shown = [self._tags[i] for i in sources]  # as listed, before the question
        nb = self._controller.nb
        self._edit(lambda: nb.tags.merge(sources, target, seen=shown))

    def delete_selected(self) -> None:
        """Delete the selected tag after a confirmation naming the highlights affected."""
        ids = self.selected_ids()
        if len(ids) != 1:
            return
        tag = self._tags[ids[0]]
        affected = len(self._controller.nb.annotations.passages_with_tag(tag.id))
        children = [t for t in self._tags.values() if t.path.startswith(tag.path + "/")]
        text = (f"Delete the tag \u201c{tag.path}\u201d?\n"
                f"{affected:,} highlight{'s' if affected != 1 else ''} will lose it")
        if children:
            text += f" (including {len(children):,} sub-tag{'s' if len(children) != 1 else ''})"
        text += ".\nYou can undo this."
        if self._ask_confirm("Delete tag", text):
            nb = self._controller.nb
            self._edit(lambda: nb.tags.delete(tag.id, seen=tag))

    # -- questions (overridden in tests) ---------------------------------------

    def _ask_text(self, title: str, label: str) -> str | None:
        text, ok = QInputDialog.getText(self, title, label)
        return text.strip() if ok and text.strip() else None

    def _ask_choice(self, title: str, label: str, options: list[str]) -> str | None:
        choice, ok = QInputDialog.getItem(self, title, label, options, 0, False)
        return choice if ok else None

    def _ask_colour(self, initial: QColor) -> str | None:
        colour = QColorDialog.getColor(initial, self, "Tag colour")
        return colour.name() if colour.isValid() else None

    def _ask_confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes
