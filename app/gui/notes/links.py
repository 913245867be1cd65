"""Links of the open note: the rendered preview with [[links]] resolved, following a
clicked link, backlinks and link completion."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTextBrowser,
    QWidget,
)

from app.core.errors import DossierError, NotFound
from app.gui.common.controller import NotebookController
from app.services import Resolved, find_links, parse_url, render_markdown

if TYPE_CHECKING:  # the window imports this module: a cycle only for the type checker
    from app.services import Notebook, NoteService
from app.gui.notes.editor import NoteEditor

log = logging.getLogger(__name__)

PREVIEW_CSS = (".broken-link { color: #b00020; text-decoration: line-through; }"
               " .passage { font-style: italic; }"
               # Qt's default headings (xx-large) broke a title mid-word in a narrow dock
               " h1 { font-size: large; } h2 { font-size: medium; } h3 { font-size: medium; }")


def note_service(nb: Notebook) -> NoteService:
    """The notebook's note service."""
    return nb.notes


class NoteLinks(QWidget):
    """Preview, links and backlinks of a note (the base of NotesView, which builds the
    widgets declared here).

    Signals:
        openArticle(int): an article link was clicked.
        openPassage(int, int, int): a passage link: article id, start, end (code points).
        openActor(int), openAgreement(int): an actor or agreement link was clicked.
    """

    openArticle = Signal(int)
    openPassage = Signal(int, int, int)
    openActor = Signal(int)
    openAgreement = Signal(int)

    _controller: NotebookController
    _note_id: int
    _resolved: dict[tuple[str, str], Resolved | None]
    editor: NoteEditor
    preview: QTextBrowser
    backlinks: QListWidget
    status: QLabel
    render_timer: QTimer

    @property
    def notes(self) -> Any:
        return note_service(self._controller.nb)

    def open_note(self, note_id: int) -> None:
        """Open a note in the editor (NotesView does)."""
        raise NotImplementedError

    # -- preview ----------------------------------------------------------------------
    def render_preview(self) -> None:
        """Render the editor's Markdown with links resolved (new targets only)."""
        self.render_timer.stop()
        if self._controller.nb.closed:  # a late timer: the window closed the notebook
            return
        text = self.editor.toPlainText()
        refs = find_links(text)
        unknown = [r for r in refs if r.key not in self._resolved]
        if unknown:
            found = self.notes.resolve(unknown, self._note_id or None)
            for ref in unknown:
                self._resolved[ref.key] = found.get(ref.key)
        links = {k: v for k, v in self._resolved.items() if v is not None}
        bar = self.preview.verticalScrollBar()
        position = bar.value()
        self.preview.setHtml(render_markdown(text, links))
        bar.setValue(position)

    def preview_html(self) -> str:
        return self.preview.toHtml()

    def open_url(self, url: QUrl) -> None:
        """Follow a clicked link: notes open here, everything else is signalled."""
        target = parse_url(url.toString())
        if target is None:
            self.status.setText(f"Not opened: {url.toString()[:80]}")
            return
        kind, target_id = target
        if kind == "note":
            self._select_note(target_id)
        elif kind == "article":
            self.openArticle.emit(target_id)
        elif kind == "actor":
            self.openActor.emit(target_id)
        elif kind == "agreement":
            self.openAgreement.emit(target_id)
        else:
            self._open_passage(target_id)

    def _open_passage(self, highlight_id: int) -> None:
        try:
            highlight = self._controller.nb.annotations.get(highlight_id)
        except NotFound:
            self.status.setText("That passage no longer exists.")
            return
        self.openPassage.emit(highlight.article_id, highlight.start, highlight.end)

    def _select_note(self, note_id: int) -> None:
        self.open_note(note_id)

    # -- backlinks and completion ---------------------------------------------------------
    def refresh_backlinks(self) -> None:
        """List the notes that link to the open note."""
        self.backlinks.clear()
        if not self._note_id:
            return
        for link in self.notes.backlinks("note", self._note_id):
            item = QListWidgetItem(f"{link.note_title} — {link.context}", self.backlinks)
            item.setData(Qt.ItemDataRole.UserRole, link.note_id)

    def _on_backlink_activated(self, item: QListWidgetItem) -> None:
        self._select_note(int(item.data(Qt.ItemDataRole.UserRole)))

    def _complete(self, text: str) -> list[tuple[str, str]]:
        try:
            return list(self.notes.complete(text))
        except DossierError as exc:
            log.info("completion failed: %s", exc)
            return []
