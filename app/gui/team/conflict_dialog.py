"""A conflict, resolved by a person: each field both sides changed, with its value when the
edit began (base), the user's (mine) and the colleague's (theirs), who changed it and when;
the user picks per field and the choice is written through ``nb.conflicts.resolve`` (again
a versioned write: a further change meanwhile opens a new conflict).

Fields only one side changed are merged automatically and listed. A note's text never comes
here: it merges line by line or is saved as a conflict copy (:func:`note_save_text`).
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.conflicts import CHOICES, Choice, FieldConflict, RowConflict
from app.core.errors import ConflictError
from app.gui.common.controller import NotebookController
from app.gui.team.live import author_at

log = logging.getLogger(__name__)

MAX_CELL = 400
HEADERS = ("Field", "Base (when you began)", "Mine", "Theirs")
NOUNS = {"actor_alias": "alias", "agreement_party": "party", "agreement_event": "status step",
         "evidence": "evidence passage", "highlight": "highlight"}
"""How the dialog names a row of a table whose name is not a word of the GUI."""
LABELS = {"value_text": "Value", "published": "Date", "colour": "Colour",
          "parent_id": "Parent", "original_name": "File name", "url": "URL",
          "external_id": "External id", "amount_max": "Amount (up to)"}
"""Field labels as the forms show them, where the column name is not the label."""
FieldRole = Qt.ItemDataRole.UserRole + 1  # the column name behind a row's label


def field_label(field: str) -> str:
    """``value_text`` -> "Value", ``summary`` -> "Summary": the form's word for a column."""
    return LABELS.get(field, field.replace("_", " ").capitalize())


def what(row: RowConflict) -> str:
    """``Agreement 3``, ``Status step 7``: the record a conflict is about."""
    return f"{NOUNS.get(row.table, row.table).capitalize()} {row.id}"


def shown(value: object) -> str:
    """A field value as one line of a table cell."""
    if value is None or value == "":
        return "(empty)"
    text = " ".join(str(value).split())
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def who_and_when(row: RowConflict) -> str:
    """``anna at 14:02`` (or "another writer")."""
    return author_at(row.their_author, row.their_time)


class ChoiceCell(QWidget):
    """A radio button with the value beside it, wrapped over as many lines as it needs
    (a radio button's own text never wraps: long summaries were cut off)."""

    def __init__(self, value: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.radio = QRadioButton(self)
        self.label = QLabel(shown(value), self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setToolTip(str(value))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.radio, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.label, 1)

    def text(self) -> str:
        return self.label.text()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Clicking the value chooses it, as clicking a radio button's own text would."""
        self.radio.setChecked(True)
        super().mousePressEvent(event)


class ConflictDialog(QDialog):
    """Shows one ConflictError's row conflict and writes the user's choice."""

    def __init__(self, controller: NotebookController, error: ConflictError,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Conflicting Edit")
        self.setMinimumWidth(720)
        self.controller = controller
        self.error = error
        self.row: RowConflict | None = error.conflict
        self.groups: dict[str, QButtonGroup] = {}
        self.result_changes: Any = None
        self._build()

    # --- building -------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.heading)
        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        self.merged_label = QLabel(self)
        self.merged_label.setWordWrap(True)
        self.merged_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.merged_label)
        self.buttons = QDialogButtonBox(self)
        layout.addWidget(self.buttons)
        if self.row is None:
            self._build_unresolvable()
        elif self.row.deleted or self.row.action == "delete":
            self._build_deletion(self.row)
        else:
            self._build_fields(self.row)

    def _build_fields(self, row: RowConflict) -> None:
        step = f" ({row.label})" if row.label else ""
        self.heading.setText(
            f"{what(row)} was changed by {who_and_when(row)} while you "
            f"were editing it{step}. Choose for each field which value to keep.")
        for item in row.conflicting:
            self._add_field(item)
        merged = [f"{field_label(f.field)} ({'theirs' if f.automatic == 'theirs' else 'mine'})"
                  for f in row.fields if not f.is_conflicting and f.mine != f.theirs]
        self.merged_label.setText(f"Merged automatically: {', '.join(merged)}" if merged else "")
        self.merged_label.setVisible(bool(merged))
        save = self.buttons.addButton("Save Choice", QDialogButtonBox.ButtonRole.AcceptRole)
        save.setDefault(True)
        self.buttons.addButton("Keep Theirs", QDialogButtonBox.ButtonRole.RejectRole) \
            .setToolTip("Drop your edit of these fields: the colleague's values stay")
        self.buttons.accepted.connect(self.save_choice)
        self.buttons.rejected.connect(self.reject)

    def _add_field(self, item: FieldConflict) -> None:
        number = self.table.rowCount()
        self.table.insertRow(number)
        name = QTableWidgetItem(field_label(item.field))
        name.setData(FieldRole, item.field)
        self.table.setItem(number, 0, name)
        group = QButtonGroup(self)
        for column, choice in enumerate(CHOICES, start=1):
            cell = ChoiceCell(item.value(choice), self.table)
            cell.radio.setObjectName(f"{item.field}:{choice}")
            cell.radio.setProperty("choice", choice)
            group.addButton(cell.radio, column)
            self.table.setCellWidget(number, column, cell)
        group.button(2).setChecked(True)  # mine: the edit the user just made
        self.groups[item.field] = group
        self.table.resizeRowsToContents()
        self._fit_table()

    def _fit_table(self) -> None:
        """As tall as its rows (no empty grid below one field), scrolling past ~60 % of
        the screen."""
        rows = sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        height = rows + self.table.horizontalHeader().height() + 2 * self.table.frameWidth()
        screen = self.screen().availableGeometry().height() if self.screen() else 900
        self.table.setFixedHeight(min(height + 6, int(screen * 0.6)))

    def fields(self) -> list[str]:
        """The column names of the fields shown, in row order."""
        return [self.table.item(r, 0).data(FieldRole) for r in range(self.table.rowCount())]

    def _build_deletion(self, row: RowConflict) -> None:
        self.table.hide()
        if row.deleted:
            self.heading.setText(f"{row.describe()}. Nothing was written; open it again "
                                 "to see what is left, and redo your edit if needed.")
        else:
            self.heading.setText(
                f"{what(row)} was changed by {who_and_when(row)} after "
                "you last saw it, so it was not deleted. Look at the change, then delete it "
                "again if you still want to.")
        if row.origin in ("undo", "redo") and row.action == "delete":
            keep = self.buttons.addButton("Keep Theirs and Continue",
                                          QDialogButtonBox.ButtonRole.AcceptRole)
            keep.setToolTip(f"Do the rest of the {row.origin}; this {row.table} stays")
            self.buttons.accepted.connect(self.keep_theirs_and_continue)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)

    def _build_unresolvable(self) -> None:
        self.table.hide()
        self.heading.setText(f"{self.error}\nRead the record again and redo the edit.")
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)

    # --- choosing -------------------------------------------------------------------------
    def choose(self, field: str, choice: Choice) -> None:
        """Pick ``choice`` (base, mine, theirs) for ``field`` (as clicking its button)."""
        self.groups[field].button(CHOICES.index(choice) + 1).setChecked(True)

    def choices(self) -> dict[str, Choice]:
        """The choice of every conflicting field as the buttons show it now."""
        out: dict[str, Choice] = {}
        for name, group in self.groups.items():
            button = group.checkedButton()
            if button is not None:
                out[name] = button.property("choice")
        return out

    def save_choice(self) -> bool:
        """Write the chosen values; closes the dialog when written."""
        nb = self.controller.nb
        result = self.controller.edit(
            functools.partial(nb.conflicts.resolve, self.error, self.choices()), self)
        if result is None:
            return False  # refused or a new conflict (shown by the controller)
        self.result_changes = result
        self.accept()
        return True

    def keep_theirs_and_continue(self) -> bool:
        """For an undo/redo that met a changed row it would delete: keep the row."""
        nb = self.controller.nb
        result = self.controller.edit(
            functools.partial(nb.conflicts.resolve, self.error, keep_theirs=True), self)
        if result is None:
            return False
        self.result_changes = result
        self.accept()
        return True


def note_save_text(save: Any) -> str:
    """What a versioned note save did, for the status bar or a message ("" when nothing
    needs saying): merged with a colleague's lines, or saved as a conflict copy."""
    if save.outcome == "merged":
        return "Saved, merged with a colleague's changes to other lines of this note."
    if save.outcome == "copied":
        return (f"A colleague changed the same lines meanwhile: your text was saved as a "
                f"conflict copy (note {save.copy_id}), linked to this note.")
    return ""


def show_conflict(controller: NotebookController, error: ConflictError,
                  parent: QWidget | None = None) -> ConflictDialog:
    """The controller's conflict handler: open the dialog (modal to ``parent``)."""
    dialog = ConflictDialog(controller, error, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.show()
    return dialog
