"""Merge by hand two corrections of one article's text that changed the same lines.

Anna edits an article's text while Bert saves his correction of it. When their changes
touch different lines, Anna's Save merges them on its own. When they changed the same
lines, this dialog shows each such place: the lines as they were when Anna began, her
version and Bert's, each with its changed words marked, and she chooses per place: keep
mine, keep theirs, or keep both (mine first). Every place needs a choice before the
result can be used; nothing is saved here. The result goes back into her editor (one
Ctrl+Z there restores her own text), based on Bert's text, for her to check and Save.
"""

from __future__ import annotations

import difflib
import html
import re

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.core.text_merge import TEXT_CHOICES, MergeRegion, TextChoice, TextClash, resolve
from app.gui.corrections.revisions_dialog import STYLES, escape_html
from app.gui.team.live import author_at

WORDS = re.compile(r"\s+|[^\s]+")


def marked_html(base: str, text: str) -> str:
    """``text`` as HTML, the words that differ from ``base`` marked: inserted on green,
    removed struck through on red (all text escaped)."""
    old, new = WORDS.findall(base), WORDS.findall(text)
    parts = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(escape_html("".join(new[j1:j2])))
            continue
        for kind, words in (("delete", old[i1:i2]), ("insert", new[j1:j2])):
            if words:
                parts.append(f"<span style='{STYLES[kind]}'>{escape_html(''.join(words))}</span>")
    body = "".join(parts) or "<i style='color:#888'>(nothing: the lines were removed)</i>"
    return f"<div style='white-space:pre-wrap'>{body}</div>"


class TextMergeDialog(QDialog):
    """The places where two edits of a text clash, a choice for each.

    After ``exec()`` returned Accepted, :meth:`merged_text` is the text with every place
    resolved and the other side's changes elsewhere kept.
    """

    def __init__(self, clash: TextClash, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clash = clash
        self.setWindowTitle(f"Merge Text Changes — {clash.title or '(untitled)'}")
        self.resize(1000, 640)
        self._groups: list[QButtonGroup] = []
        self.heading = QLabel(self._heading_text())
        self.heading.setWordWrap(True)
        places = QWidget()
        column = QVBoxLayout(places)
        line = 1
        for region in clash.regions:
            if region.is_clash:
                column.addWidget(self._place(region, len(self._groups) + 1, line))
            line += region.theirs.count("\n")
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(places)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.use_button = QPushButton("Use in Editor")
        self.use_button.setDefault(True)
        self.buttons.addButton(self.use_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.status = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self._update()

    # -- reading the choices -------------------------------------------------------------
    def choices(self) -> list[TextChoice | None]:
        """The choice at each place, in order (None where none was made yet)."""
        return [TEXT_CHOICES[g.checkedId()] if g.checkedId() >= 0 else None
                for g in self._groups]

    def choose(self, place: int, choice: TextChoice) -> None:
        """Choose for the ``place``-th clash (from 0), as clicking its button does."""
        button = self._groups[place].button(TEXT_CHOICES.index(choice))
        button.setChecked(True)
        self._update()

    def merged_text(self) -> str:
        """The merged text (every place must have a choice)."""
        chosen = [c for c in self.choices() if c is not None]
        return resolve(self.clash.regions, chosen)

    # -- building ------------------------------------------------------------------------
    def _heading_text(self) -> str:
        places = len(self.clash.clashes)
        merged = self.clash.merged_without_asking
        noun = "place" if places == 1 else "places"
        who = author_at(self.clash.their_author, self.clash.their_time)
        auto = ("" if not merged else f" {merged} change{'' if merged == 1 else 's'} merged "
                f"on {'its' if merged == 1 else 'their'} own.")
        return (f"{who} saved a correction of this text while you were editing it.{auto} "
                f"In {places} {noun} you both changed the same lines: choose what to keep in "
                "each. Nothing is saved until you Save in the editor.")

    def _place(self, region: MergeRegion, number: int, line: int) -> QGroupBox:
        total = len(self.clash.clashes)
        box = QGroupBox(f"Place {number} of {total} (line {line} of {self._their_name()}'s "
                        "text)")
        grid = QGridLayout(box)
        group = QButtonGroup(box)
        group.setExclusive(True)
        columns = (("When you began", region.base), ("Yours", region.mine),
                   (f"{self._their_name()}'s", region.theirs))
        for col, (title, text) in enumerate(columns):
            grid.addWidget(QLabel(f"<b>{html.escape(title)}</b>"), 0, col)
            shown = QTextBrowser()
            shown.setOpenLinks(False)
            shown.setHtml(marked_html(region.base, text) if col else
                          f"<div style='white-space:pre-wrap'>{escape_html(text)}</div>")
            shown.setMinimumHeight(90)
            grid.addWidget(shown, 1, col)
        row = QHBoxLayout()
        row.addWidget(QLabel("Keep:"))
        # fixed mnemonics: a name's first letter would clash with M or B (Alt+B on
        # "&bert's" only moved the focus between the two, choosing nothing)
        labels = ("&Mine", f"&Theirs ({self._their_name()})", "&Both (mine first)")
        for index, label in enumerate(labels):
            radio = QRadioButton(label if number == 1 else label.replace("&", ""))
            group.addButton(radio, index)
            row.addWidget(radio)
        row.addStretch(1)
        grid.addLayout(row, 2, 0, 1, 3)
        group.idToggled.connect(lambda _id, _on: self._update())
        self._groups.append(group)
        return box

    def _their_name(self) -> str:
        return self.clash.their_author or "the other writer"

    def _update(self) -> None:
        open_places = sum(1 for c in self.choices() if c is None)
        self.use_button.setEnabled(open_places == 0)
        self.status.setText(
            "Every place has a choice." if not open_places else
            f"{open_places} place{'' if open_places == 1 else 's'} still to choose.")
