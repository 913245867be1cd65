"""Quick tag: select text, press Ctrl+T, type a few letters, Enter.

:class:`QuickTagPopup` is a small popup with a line edit and a list ranked by
rapidfuzz (a ``QCompleter`` would need a parented model and fires Enter twice,
QT-NOTES §5). Enter takes the highlighted row: the best existing tag when it matches
exactly (its path or its own name), otherwise "new tag" with the typed path, listed
first: a typed path is never silently filed under a similar existing tag. Down/Up pick
another row, Tab completes the typed text to the highlighted tag. :func:`apply_quick_tag`
turns the choice into service calls.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)
from rapidfuzz import fuzz, utils

from app.core.records import Tag
from app.gui.common.colours import palette_colour, valid_colour
from app.gui.common.controller import NotebookController

log = logging.getLogger(__name__)

MATCH_SCORE = 65.0
"""WRatio at or above which an existing tag is listed as matching what was typed. Measured on
tag paths: a prefix such as "dipl" or "energ" scores 90 against its tag, unrelated paths
stay under 60 ("Neu" vs "Economy/Energy" 60, "Abraham Accords" vs "Alpha" 54)."""
MAX_ROWS = 30
"""Ranked rows shown at most."""

ID_ROLE = Qt.ItemDataRole.UserRole
PATH_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True, slots=True)
class Candidate:
    """One row of the popup: an existing tag (``tag_id`` > 0) or a new path (0)."""

    path: str
    tag_id: int
    score: float


def rank_tags(query: str, tags: Sequence[Tag]) -> list[Candidate]:
    """Tags that match ``query``, best first; all tags by path when it is empty.

    Only tags scoring at least :data:`MATCH_SCORE` are listed. Ties prefer tags whose own
    name starts with the query, then shorter paths.
    """
    query = query.strip()
    if not query:
        return [Candidate(t.path, t.id, 0.0) for t in sorted(tags, key=lambda t: t.path)]
    folded = query.casefold()
    scored = []
    for tag in tags:
        score = fuzz.WRatio(query, tag.path, processor=utils.default_process)
        if score >= MATCH_SCORE:
            prefix = tag.name.casefold().startswith(folded)
            scored.append((-score, not prefix, len(tag.path), tag.path, tag))
    scored.sort(key=lambda row: row[:4])
    return [Candidate(row[4].path, row[4].id, -row[0]) for row in scored[:MAX_ROWS]]


def choose_rows(query: str, tags: Sequence[Tag]) -> tuple[list[Candidate], int]:
    """Rows to show and the index Enter would take.

    An exact (case-insensitive) path match wins, then an exact match of a tag's own name.
    Otherwise the typed path is a new tag: its row comes first and Enter creates it (with
    any missing parents), however similar an existing tag is ("Diplomatie/Botschaft" must
    not be filed as "Diplomatie").
    """
    ranked = rank_tags(query, tags)
    path = normalise_path(query)
    if not path:
        return ranked, 0 if ranked else -1
    folded = path.casefold()
    for i, cand in enumerate(ranked):
        if cand.path.casefold() == folded:
            return ranked, i
    new = Candidate(path, 0, 0.0)
    exact_names = [
        i for i, c in enumerate(ranked) if c.path.rsplit("/", 1)[-1].casefold() == folded
    ]
    if exact_names:
        return [*ranked, new], exact_names[0]
    return [new, *ranked], 0


def normalise_path(text: str) -> str:
    """``" Economy / Energy "`` -> ``"Economy/Energy"`` (empty parts dropped)."""
    return "/".join(part.strip() for part in text.split("/") if part.strip())


def _swatch(colour: QColor) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(colour)
    return QIcon(pixmap)


class QuickTagPopup(QFrame):
    """Popup to pick or create a tag by typing.

    Signals:
        tagChosen(str, int): the tag path and id (0: create this path). Emitted once.
    """

    tagChosen = Signal(str, int)

    def __init__(self, tags: Sequence[Tag], parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self._tags = list(tags)
        self._is_done = False
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._build_widgets()
        self._refresh("")

    def _build_widgets(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("Tag, e.g. Economy/Energy")
        self.edit.setClearButtonEnabled(True)
        self.edit.textEdited.connect(self._refresh)
        self.edit.installEventFilter(self)
        self.list = QListWidget(self)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.itemActivated.connect(self._on_item_activated)
        self.list.itemClicked.connect(self._on_item_activated)
        layout.addWidget(self.edit)
        layout.addWidget(self.list)
        self.resize(320, 260)

    def _refresh(self, text: str) -> None:
        rows, current = choose_rows(text, self._tags)
        colours: dict[int, QColor] = {
            t.id: valid_colour(t.colour or palette_colour(t.id)) for t in self._tags}
        self.list.clear()
        for cand in rows:
            label = cand.path if cand.tag_id else f"New tag \u201c{cand.path}\u201d"
            item = QListWidgetItem(label)
            item.setData(ID_ROLE, cand.tag_id)
            item.setData(PATH_ROLE, cand.path)
            if cand.tag_id:
                item.setIcon(_swatch(colours[cand.tag_id]))
            self.list.addItem(item)
        self.list.setCurrentRow(current)

    def popup_at(self, pos: QPoint) -> None:
        """Show at global ``pos`` with the line edit focused."""
        self.move(pos)
        self.show()
        self.edit.setFocus(Qt.FocusReason.PopupFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Up/Down move in the list, Enter accepts, Escape cancels (keys of the edit)."""
        if watched is self.edit and isinstance(event, QKeyEvent) and \
                event.type() == QEvent.Type.KeyPress:
            return self._handle_key(event)
        return super().eventFilter(watched, event)

    def _handle_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.accept_current()
            return True
        if key == Qt.Key.Key_Escape:
            self.cancel()
            return True
        if key == Qt.Key.Key_Tab:
            self.complete_current()
            return True
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.list.count():
            step = 1 if key == Qt.Key.Key_Down else -1
            self.list.setCurrentRow((self.list.currentRow() + step) % self.list.count())
            return True
        return False

    def complete_current(self) -> None:
        """Tab: put the highlighted existing tag's path into the edit (then Enter takes it)."""
        item: QListWidgetItem | None = self.list.currentItem()
        if item is None or not int(item.data(ID_ROLE)):
            items = [self.list.item(i) for i in range(self.list.count())]
            item = next((i for i in items if int(i.data(ID_ROLE))), None)
        if item is None:
            return
        self.edit.setText(str(item.data(PATH_ROLE)))
        self._refresh(self.edit.text())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.cancel()
            return
        super().keyPressEvent(event)

    def _on_item_activated(self, item: QListWidgetItem) -> None:
        self.list.setCurrentItem(item)
        self.accept_current()

    def accept_current(self) -> None:
        """Emit the current row's tag once and close (a second Enter is ignored)."""
        item = self.list.currentItem()
        if self._is_done or item is None:
            return
        self._is_done = True
        self.close()
        self.tagChosen.emit(item.data(PATH_ROLE), int(item.data(ID_ROLE)))

    def cancel(self) -> None:
        """Close without choosing."""
        self._is_done = True
        self.close()

    @property
    def is_done(self) -> bool:
        return self._is_done


def apply_quick_tag(
    controller: NotebookController, article_id: int, start: int, end: int, path: str
) -> int:
    """Tag the code-point span with the tag at ``path`` in one undo step.

    The service creates the tag if needed, then adds it to the highlight with exactly
    this span or to a new highlight. Returns the highlight id (0 if refused).
    """
    nb = controller.nb
    result = controller.edit(lambda: nb.annotations.tag_passage(article_id, start, end, path))
    return result[0].id if result else 0
