"""Search hits and find-in-article in a reader: hits are outline boxes (painted by
:class:`~app.gui.reader.layout.ReaderLayout`), find matches are extra selections."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextEdit

from app.gui.reader.layout import ReaderLayout

FIND_MARK_LIMIT = 2000
"""Find matches marked at once; beyond that only the current one is selected."""


class ReaderFind(ReaderLayout):
    """Going through search hits and find matches (code points in, Qt inside)."""

    _text: str
    _find_query: str
    _find_matches: list[tuple[int, int]]  # code-point spans, sorted

    def set_hits(self, spans: Sequence[tuple[int, int]]) -> None:
        """Mark search hits (code-point spans) and go to the first one."""
        self._hits = sorted(self._positions.span_to_qt(s, e) for s, e in spans if e > s)
        self._hit_index = -1
        if self._hits:
            self.next_hit()
        self.viewport().update()

    def hit_count(self) -> int:
        return len(self._hits)

    def current_hit(self) -> int:
        """Index of the current hit (-1 when none)."""
        return self._hit_index

    def next_hit(self) -> None:
        """Scroll to the next search hit (wrapping)."""
        self._go_to_hit(+1)

    def previous_hit(self) -> None:
        """Scroll to the previous search hit (wrapping)."""
        self._go_to_hit(-1)

    def _go_to_hit(self, step: int) -> None:
        if not self._hits:
            return
        self._hit_index = (self._hit_index + step) % len(self._hits)
        start, end = self._hits[self._hit_index]
        cursor = self.textCursor()
        cursor.setPosition(start)
        self.setTextCursor(cursor)
        self._scroll_to_qt(start, end)
        self.viewport().update()

    # -- find in article (extra selections) ---------------------------------------

    def find(self, query: str, *, backward: bool = False) -> bool:  # type: ignore[override]  # find in the stored text (code points, wraps), not QTextEdit.find
        """Select the next (or previous) case-insensitive match of ``query``; wraps.

        Matching runs on the stored text in code points (``QTextDocument.find`` would
        see NBSP as space and return Qt positions).
        """
        if query != self._find_query:
            self._find_query = query
            self._find_matches = self._matches(query)
            self._mark_find_matches()
        if not self._find_matches:
            return False
        start, end = self._next_match(backward)
        self.select_span(start, end)
        return True

    def find_match_count(self) -> int:
        return len(self._find_matches)

    def clear_find(self) -> None:
        """Remove find marks."""
        self._find_query = ""
        self._find_matches = []
        self.setExtraSelections([])

    def _matches(self, query: str) -> list[tuple[int, int]]:
        if not query:
            return []
        pattern = re.compile(re.escape(query), re.IGNORECASE)
        return [(m.start(), m.end()) for m in pattern.finditer(self._text) if m.end() > m.start()]

    def _next_match(self, backward: bool) -> tuple[int, int]:
        current = self.selected_span()
        cursor_cp = self._positions.from_qt(self.textCursor().position())
        starts = [s for s, _ in self._find_matches]
        if backward:
            anchor = current[0] if current else cursor_cp
            i = bisect_left(starts, anchor) - 1
        else:
            anchor = current[0] + 1 if current else cursor_cp
            i = bisect_left(starts, anchor)
        return self._find_matches[i % len(self._find_matches)]

    def _mark_find_matches(self) -> None:
        fmt = QTextCharFormat()
        fmt.setBackground(QColor("#fff59d"))
        fmt.setForeground(QColor("#000000"))
        selections = []
        for start, end in self._find_matches[:FIND_MARK_LIMIT]:
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.document())
            cursor.setPosition(self._positions.to_qt(start))
            cursor.setPosition(self._positions.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            selection.format = fmt
            selections.append(selection)
        self.setExtraSelections(selections)
