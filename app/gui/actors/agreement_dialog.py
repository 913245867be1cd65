"""The new-agreement form: title (suggested from the selected passage), type, value,
parties searchable by any of their spellings, a first status step, and the passage that
becomes the first evidence.

Every field is checked before anything is written and a problem is shown under the form
(the date with the one partial-date parser, the value must hold an amount). Enter
creates, Esc cancels; Enter in the party search ticks the first match instead. The
agreement with its value, parties, status step and evidence is written as one edit, which
one Undo takes back.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from app.core.actor_records import AGREEMENT_TYPES, PARTY_ROLES, STATUSES, Actor
from app.core.dates import parse_partial_date
from app.core.errors import DossierError
from app.gui.actors.forms import error_label, ok_cancel, show_error
from app.gui.common.controller import NotebookController

log = logging.getLogger(__name__)

Span = tuple[int, int, int]  # article id, start, end (code points)
TITLE_LENGTH = 80
"""Longest suggested title, in characters."""
MIN_CLAUSE = 20
"""A clause shorter than this is too little to name an agreement by."""
NO_STATUS = "(no status yet)"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")
_CLAUSE_END = re.compile(r"[,;:–—]\s")


def suggest_title(passage: str, limit: int = TITLE_LENGTH) -> str:
    """A short title from a passage: its first sentence if short enough, else its first
    clause, else its first ``limit`` characters cut at a word boundary."""
    text = " ".join(passage.split())
    sentence = _SENTENCE_END.split(text, maxsplit=1)[0]
    if len(sentence) > limit:
        clauses = [m.start() for m in _CLAUSE_END.finditer(sentence)
                   if MIN_CLAUSE <= m.start() <= limit]
        if clauses:
            sentence = sentence[:clauses[-1]]
        else:
            cut = sentence.rfind(" ", 0, limit + 1)
            sentence = sentence[:cut if cut >= MIN_CLAUSE else limit]
    return sentence.strip().rstrip(".!?,;:–— ").strip()


def has_amount(value: str) -> bool:
    """Whether a value text holds a number the value parser can read."""
    return bool(re.search(r"\d", value))


class NewAgreementDialog(QDialog):
    """A new agreement; from a passage if ``span`` is given (it becomes the first
    evidence and suggests the title)."""

    def __init__(self, controller: NotebookController, span: Span | None = None,
                 title: str = "", parent: QWidget | None = None, passage: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("New Agreement from Selection" if span else "New Agreement")
        self._controller = controller
        self._span = span
        self.agreement_id = 0
        self._build(title or suggest_title(passage), passage)
        self.filter_parties()
        self.setMinimumWidth(460)

    # -- building -------------------------------------------------------------------------
    def _build(self, title: str, passage: str) -> None:
        self.title = QLineEdit(title, self)
        self.title.setCursorPosition(0)  # a long suggestion shows its start
        self.title.setPlaceholderText("a short name, e.g. purchase of aircraft")
        self.type_box = QComboBox(self)
        self.type_box.addItems(AGREEMENT_TYPES)
        self.type_box.setCurrentText("other")
        self.value = QLineEdit(self)
        self.value.setPlaceholderText("e.g. 1.1 billion USD or up to 15 aircraft")
        self.status_box = QComboBox(self)
        self.status_box.addItems((NO_STATUS, *STATUSES))
        self.date = QLineEdit(self)
        self.date.setPlaceholderText("e.g. 2025-11 or 2025-11-06")
        self.party_search = QLineEdit(self)
        self.party_search.setPlaceholderText("type any name or spelling of an actor")
        self.party_search.setClearButtonEnabled(True)
        self.party_search.textChanged.connect(self.filter_parties)
        self.party_search.installEventFilter(self)
        self.party_list = QListWidget(self)
        self.party_list.setObjectName("partyList")
        self.party_list.setMaximumHeight(120)
        self.party_list.itemChanged.connect(self._on_party_checked)
        self.role_box = QComboBox(self)
        self.role_box.addItems(PARTY_ROLES)
        self.chosen = QLabel(self)
        self.chosen.setWordWrap(True)
        self.passage = QLabel(self)
        self.passage.setWordWrap(True)
        self.passage.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = error_label(self)
        self._fill_actors()
        form = QFormLayout(self)
        form.addRow("&Title:", self.title)
        form.addRow("T&ype:", self.type_box)
        form.addRow("&Value:", self.value)
        form.addRow("&Status:", self.status_box)
        form.addRow("&Date:", self.date)
        form.addRow("&Parties:", self.party_search)
        form.addRow("", self.party_list)
        form.addRow("Their &role:", self.role_box)
        form.addRow("", self.chosen)
        if self._span is not None:
            shown = " ".join(passage.split())
            self.passage.setText(f"“{shown[:300]}{'…' if len(shown) > 300 else ''}”")
            form.addRow("First evidence:", self.passage)
        form.addRow(self.error)
        form.addRow(ok_cancel(self, self.create))
        self._show_chosen()

    def _fill_actors(self) -> None:
        """One checkable row per actor; its tooltip lists every spelling."""
        for actor in self._controller.nb.actors.list():
            item = QListWidgetItem(f"{actor.name} ({actor.kind})", self.party_list)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, int(actor.id))
            item.setToolTip(", ".join(actor.spellings))

    # -- parties --------------------------------------------------------------------------
    def filter_parties(self, *_args: Any) -> None:
        """Show the actors any of whose spellings contain the search (case and accents
        ignored, as the actors view's filter); ticked ones stay visible."""
        text = self.party_search.text().strip()
        matches: dict[int, Actor] = {int(a.id): a for a in
                                     self._controller.nb.actors.list(text=text)} \
            if text else {}
        for row in range(self.party_list.count()):
            item = self.party_list.item(row)
            actor_id = int(item.data(Qt.ItemDataRole.UserRole))
            ticked = item.checkState() == Qt.CheckState.Checked
            item.setHidden(bool(text) and actor_id not in matches and not ticked)
            if actor_id in matches:
                item.setText(self._label(matches[actor_id], text))
        first = self._first_match()
        if first is not None:
            self.party_list.setCurrentItem(first)

    @staticmethod
    def _label(actor: Actor, text: str) -> str:
        """"Name (kind)", with the spelling that matched when it is not the name."""
        label = f"{actor.name} ({actor.kind})"
        wanted = text.casefold()
        if wanted in actor.name.casefold():
            return label
        alias = next((s for s in actor.spellings if wanted in s.casefold()), "")
        return f"{label} — also “{alias}”" if alias else label

    def _first_match(self) -> QListWidgetItem | None:
        for row in range(self.party_list.count()):
            item = self.party_list.item(row)
            if not item.isHidden() and item.checkState() != Qt.CheckState.Checked:
                return item
        return None

    def visible_parties(self) -> list[str]:
        """Labels of the actors the list shows now."""
        return [self.party_list.item(r).text() for r in range(self.party_list.count())
                if not self.party_list.item(r).isHidden()]

    def tick_first_match(self) -> bool:
        """Tick the first unticked actor shown and clear the search (Enter does this)."""
        item = self._first_match()
        if item is None or not self.party_search.text().strip():
            return False
        item.setCheckState(Qt.CheckState.Checked)
        self.party_search.clear()
        return True

    def party_ids(self) -> list[int]:
        """Ids of the ticked actors, in list order."""
        return [int(self.party_list.item(r).data(Qt.ItemDataRole.UserRole))
                for r in range(self.party_list.count())
                if self.party_list.item(r).checkState() == Qt.CheckState.Checked]

    def _on_party_checked(self, _item: QListWidgetItem) -> None:
        self._show_chosen()

    def _show_chosen(self) -> None:
        names = [self.party_list.item(r).text().split(" (", 1)[0]
                 for r in range(self.party_list.count())
                 if self.party_list.item(r).checkState() == Qt.CheckState.Checked]
        self.chosen.setText("Parties: " + ", ".join(names) if names else
                            "No parties ticked (you can add them later)")

    # -- checking and creating ------------------------------------------------------------
    def problem(self) -> str:
        """What is wrong with the form, or ""."""
        if not " ".join(self.title.text().split()):
            return "an agreement needs a title"
        value, date = self.value.text().strip(), self.date.text().strip()
        if value and not has_amount(value):
            return f"the value “{value}” has no amount: write a number, e.g. 1.1 billion USD"
        if date:
            try:
                parse_partial_date(date)
            except DossierError as exc:
                return str(exc)
            if self.status_box.currentIndex() == 0:
                return "choose the status the agreement had on that date"
        return ""

    def create(self) -> None:  # type: ignore[override]  # the dialog's OK action; Qt's native create() is never called from Python
        """Create the agreement with its value, parties, status step and evidence in one
        edit (one undo step); say why if not."""
        message = self.problem()
        show_error(self.error, message)
        if message:
            return
        role = self.role_box.currentText()
        status = self.status_box.currentText() if self.status_box.currentIndex() > 0 else ""
        create = functools.partial(
            self._controller.nb.agreements.create_with, " ".join(self.title.text().split()),
            self.type_box.currentText(), self.value.text(),
            parties=[(actor_id, role) for actor_id in self.party_ids()], status=status,
            date=self.date.text().strip() if status else "", passage=self._span)
        result = self._controller.edit(create, self)
        if result is None:
            return
        self.agreement_id = result[0].id
        self.accept()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter in the party search ticks the first match while something is typed."""
        if watched is self.party_search and event.type() == QEvent.Type.KeyPress and \
                isinstance(event, QKeyEvent) and \
                event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                self.party_search.text().strip():
            self.tick_first_match()
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter creates (never QDialog's default button closing it unchecked); Esc
        cancels."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.create()
            return
        super().keyPressEvent(event)
