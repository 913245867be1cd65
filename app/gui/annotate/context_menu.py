"""The reader's right-click menu: with a selection, what QDA users reach for first.

Tag…, then the recently used tags (one click tags the selection again), Mark as Actor,
New Agreement from Selection, Add as Evidence, Copy as Citation, the text actions (edit,
trim, revisions), then the reader's standard entries (copy, select all). The actions
themselves belong to the main window; this module only arranges them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from PySide6.QtCore import QPoint
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QTextEdit

MAX_RECENT_TAGS = 5

Span = tuple[int, int, int]
"""(article id, start, end) in code points."""


class SelectionMenu:
    """Builds a reader's right-click menu and remembers the tags applied recently.

    ``tag`` applies a tag path to a span (the reader area's quick tag without popup).
    """

    def __init__(self, tag: Callable[[Span, str], None]) -> None:
        self._tag = tag
        self.selection_actions: list[QAction] = []
        self.text_actions: list[QAction] = []
        self._recent_tags: list[str] = []

    def recent_tags(self) -> list[str]:
        """Tag paths applied with quick tag in this window, most recent first."""
        return list(self._recent_tags)

    def remember_tag(self, path: str) -> None:
        self._recent_tags = [path, *(p for p in self._recent_tags if p != path)][:MAX_RECENT_TAGS]

    def build(self, view: QTextEdit, pos: QPoint, span: Span | None, *,
              is_editing: bool) -> QMenu:
        """The menu for a right-click at ``pos`` in ``view`` with ``span`` selected."""
        standard = view.createStandardContextMenu(pos)
        if not view.textCursor().hasSelection() or is_editing:
            if self.text_actions and not is_editing:
                standard.addSeparator()
                standard.addActions(self.text_actions)
            return standard
        menu = QMenu(view)
        for action in self.selection_actions[:1]:
            menu.addAction(action)
        if span is not None:
            for path in self._recent_tags:
                item = menu.addAction(f"Tag “{path}”")
                item.triggered.connect(functools.partial(self._tag, span, path))
        menu.addSeparator()
        menu.addActions(self.selection_actions[1:])
        menu.addSeparator()
        if self.text_actions:
            menu.addActions(self.text_actions)
            menu.addSeparator()
        menu.addActions(standard.actions())
        standard.setParent(menu)  # keeps its actions alive as long as the menu
        standard.hide()  # a reparented, never-hidden menu would show inside the new one
        return menu
