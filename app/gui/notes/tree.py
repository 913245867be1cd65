"""Items of the notes list: notes nested by title path, or search hits with snippets; and
the note as the list showed it, the base of a versioned rename or move (issue 13)."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QTreeWidget,
    QTreeWidgetItem,
)

from app.core.notes import Note, NoteSummary


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



TOP_LEVEL = "(top level)"
"""The move target that takes a note out of any parent."""


def move_targets(summaries: list[NoteSummary], note_id: int) -> list[tuple[str, int | None]]:
    """Where a note can be moved: the top level, then every note but itself and the notes
    under it (a cycle), each labelled by its path of titles ("Parent / Child"), sorted."""
    parent_of: dict[int, int | None] = {n.id: n.parent_id for n in summaries}
    title_of: dict[int, str] = {n.id: n.title for n in summaries}

    def path(nid: int) -> list[int]:
        chain, seen = [nid], {nid}
        while (up := parent_of.get(chain[-1])) is not None and up not in seen:
            chain.append(up)
            seen.add(up)
        return chain

    targets = [(" / ".join(title_of[i] for i in reversed(chain)), n.id)
               for n in summaries if note_id not in (chain := path(n.id))]
    return [(TOP_LEVEL, None), *sorted(targets, key=lambda t: t[0].casefold())]


def as_shown(seen: Note | None, title: str) -> Note | None:
    """``seen`` (the note as the editor loaded or last saved it, the base of its text)
    with the title the view shows now: a rename based on it conflicts only with a
    colleague's rename the user has not seen. The title shown may be newer than ``seen``
    (a colleague's rename shows at once while unsaved typing keeps ``seen`` as the text's
    base); ``seen``'s version makes their later renames a conflict."""
    if seen is None:
        return None
    return dataclasses.replace(seen, summary=dataclasses.replace(seen.summary, title=title))
