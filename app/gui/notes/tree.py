"""Items of the notes list: notes nested by title path, or search hits with snippets."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QTreeWidget,
    QTreeWidgetItem,
)

from app.core.notes import NoteSummary


def tree_items(summaries: list[NoteSummary]) -> list[QTreeWidgetItem]:
    """Top-level items with their children, keeping the given order at each level."""
    items: dict[int, QTreeWidgetItem] = {}
    for note in summaries:
        item = QTreeWidgetItem([note.title])
        item.setData(0, Qt.ItemDataRole.UserRole, note.id)
        item.setToolTip(0, f"{note.title}\nchanged {note.modified_at:%Y-%m-%d %H:%M}")
        items[note.id] = item
    roots = []
    for note in summaries:
        parent = items.get(note.parent_id) if note.parent_id is not None else None
        if parent is not None:
            parent.addChild(items[note.id])
        else:
            roots.append(items[note.id])
    return roots


def hit_items(hits: list[tuple[int, str, str]]) -> list[QTreeWidgetItem]:
    """Search results as a flat list in rank order, snippets as tooltips."""
    items = []
    for note_id, title, snippet in hits:
        item = QTreeWidgetItem([title])
        item.setData(0, Qt.ItemDataRole.UserRole, note_id)
        item.setToolTip(0, snippet)
        items.append(item)
    return items


def walk(tree: QTreeWidget) -> list[QTreeWidgetItem]:
    out: list[QTreeWidgetItem] = []
    stack = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount() - 1, -1, -1)]
    while stack:
        item = stack.pop()
        if item is None:  # never: indices are in range (the stubs say Optional)
            continue
        out.append(item)
        stack.extend(item.child(i) for i in range(item.childCount() - 1, -1, -1))
    return out

