"""Edit an article's metadata (title, outlet, language, date, ...) in a small form.

The dialog only builds an :class:`ArticleMeta`; saving goes through the controller so
that it is undoable and every view refreshes from the returned ``Changes``. The save is a
versioned write based on the article as the form showed it (issue 13): a colleague's change
of another field merges, of the same field opens the conflict dialog. While the dialog is
open, a colleague's change shows in the fields the user has not edited; after a conflict is
settled the form shows the article as stored.
"""

from __future__ import annotations

import logging
from dataclasses import fields

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.changes import Changes
from app.core.dates import parse_partial_date
from app.core.errors import ConflictError, NotFound, ValidationError
from app.core.records import Article, ArticleMeta, ArticleSummary
from app.gui.common.controller import NotebookController
from app.gui.common.seen_form import SeenForm

log = logging.getLogger(__name__)

#: ArticleMeta field -> form label
LABELS: dict[str, str] = {
    "title": "&Title",
    "outlet": "&Outlet",
    "language": "&Language",
    "published": "&Published",
    "author": "&Author",
    "url": "&URL",
    "original_name": "Original &file",
}


def meta_of(summary: ArticleSummary) -> ArticleMeta:
    """The editable metadata of an article summary."""
    return ArticleMeta(**{f.name: getattr(summary, f.name) for f in fields(ArticleMeta)})


class MetadataDialog(QDialog):
    """A form over one article's :class:`ArticleMeta`; OK saves it as one undoable edit."""

    def __init__(
        self, controller: NotebookController, article_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self.article_id = article_id
        article = controller.nb.articles.get(article_id)
        summary = article.summary
        self.setWindowTitle(f"Metadata: {summary.title or '(untitled)'}")
        self.setMinimumWidth(460)
        self._original = meta_of(summary)
        self.edits: dict[str, QLineEdit] = {}
        self._build(self._original)
        self.form: SeenForm[Article] = SeenForm(
            {name: (edit.text, edit.setText) for name, edit in self.edits.items()},
            lambda a: {name: getattr(a.summary, name) for name in LABELS})
        self.form.fill(article)
        controller.changed.connect(self._on_changed)
        controller.conflictSettled.connect(self._on_conflict_settled)

    def _on_changed(self, changes: Changes) -> None:
        """A change of this article (a colleague's, live): show it where not edited."""
        if self.article_id in changes.articles:
            self._reload(keep_edits=True)

    def _on_conflict_settled(self, _error: ConflictError, origin: object) -> None:
        if origin is self:
            self._reload(keep_edits=False)

    def _reload(self, keep_edits: bool) -> None:
        try:
            article = self._controller.nb.articles.get(self.article_id)
        except NotFound:
            return
        if keep_edits:
            self.form.refresh(article)
        else:
            self.form.fill(article)
        if self.form.shown is article:
            self._original = meta_of(article.summary)

    def _build(self, meta: ArticleMeta) -> None:
        form = QFormLayout()
        for name, label in LABELS.items():
            edit = QLineEdit(getattr(meta, name), self)
            self.edits[name] = edit
            form.addRow(label, edit)
        self.edits["published"].setPlaceholderText("2025, 2025-11 or 2025-11-06")
        self.edits["language"].setPlaceholderText("ISO 639-1 code, e.g. de or en")
        self.error_label = QLabel(self)
        self.error_label.setStyleSheet("color:#b00020;")
        self.error_label.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def meta(self) -> ArticleMeta:
        """The metadata as currently typed (stripped); raises ValidationError on a bad date."""
        values = {name: edit.text().strip() for name, edit in self.edits.items()}
        if values["published"]:
            values["published"] = parse_partial_date(values["published"])
        return ArticleMeta(**values)

    def accept(self) -> None:
        """Validate and save; keep the dialog open with a message if a value is wrong."""
        try:
            meta = self.meta()
        except ValidationError as exc:
            self.error_label.setText(str(exc))
            self.error_label.show()
            return
        if meta != self._original:
            nb, seen = self._controller.nb, self.form.shown
            result = self._controller.edit(
                lambda: nb.articles.update_meta(self.article_id, meta, seen=seen), self
            )
            if result is None:
                return
        super().accept()
