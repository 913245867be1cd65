"""One reader pane: an article's text with its highlights, search hits and find marks.

:class:`ReaderView` is a read-only ``QTextEdit`` (pixel scrollbars make synchronised
scrolling smooth, QT-NOTES §3-4). Highlights are drawn by
:class:`~app.gui.annotate.highlighter.HighlightRenderer`; a
:class:`~app.gui.reader.margin.MarginBar` on the left shows
one lane per overlapping highlight in its colour; search hits are outline boxes painted
over the text; find-in-article matches are extra selections (few, transient). Passages
marked as actor mentions carry a solid indigo underline, agreement evidence a marker in
the margin's right column coloured by stance; hovering either names the actor or the
agreement. Dragging a selection out carries the passage (article id and code-point span)
as :data:`~app.gui.notes.view.PASSAGE_MIME` besides the plain text. Every
position handed in or out is in code points; Qt positions stay inside this module and
are converted only through :class:`~app.gui.common.textpos.TextPositions`.

The class is built in layers, each its own module: geometry and selection
(:mod:`app.gui.reader.layout`), hits and find (:mod:`app.gui.reader.find`), actor and
evidence overlays (:mod:`app.gui.reader.overlays`), clicks on highlights
(:mod:`app.gui.reader.clicks`), marks built from the stored spans
(:mod:`app.gui.reader.marks`); this module loads articles (paragraphs and headings
formatted by :mod:`app.gui.reader.structure`) and follows edits.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

import shiboken6
from PySide6.QtCore import QMimeData, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QResizeEvent,
    QTextDocument,
)
from PySide6.QtWidgets import QTextEdit, QWidget

from app.core.actor_records import Evidence
from app.core.changes import Changes
from app.core.errors import NotFound
from app.core.records import ArticleSummary, HighlightSpan
from app.gui.annotate.highlighter import HighlightRenderer
from app.gui.common.controller import NotebookController
from app.gui.common.textpos import TextPositions
from app.gui.notes.editor import PASSAGE_MIME
from app.gui.reader.layout import LAYOUT_STEP_MS
from app.gui.reader.margin import MarginBar
from app.gui.reader.marks import ReaderMarks, tag_colours
from app.gui.reader.structure import format_structure, structure_of

log = logging.getLogger(__name__)

DOCUMENT_MARGIN = 12
"""Pixels between the text and the view's edges."""
RELOAD_THRESHOLD = 64
"""Above this many changed highlights, reload all instead of fetching one by one."""


class ReaderView(ReaderMarks):
    """A read-only view of one article with highlights, hits and find marks.

    Signals:
        highlightActivated(int): a highlight was clicked or chosen with Enter (0: none).
        focusReceived(): the view got keyboard focus (the area tracks the current pane).
        editingChanged(bool): edit mode (:meth:`set_editing`) was entered or left.
    """

    focusReceived = Signal()
    editingChanged = Signal(bool)  # edit mode entered (True) or left

    def __init__(self, controller: NotebookController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._article_id = 0
        self._title = ""
        self.summary: ArticleSummary | None = None
        self._text = ""
        self._positions = TextPositions("")
        self._colours: dict[int, QColor] = {}
        self._hits: list[tuple[int, int]] = []  # Qt spans, sorted
        self._hit_index = -1
        self._find_query = ""
        self._find_matches: list[tuple[int, int]] = []  # code-point spans, sorted
        self._mentions: dict[int, list[int]] = {}  # highlight id -> actor ids
        self._evidence: dict[int, list[Evidence]] = {}  # highlight id -> evidence
        self._is_editing = False
        self._extents = {}
        self._build_editor()
        self.renderer = HighlightRenderer(self.document(), self)
        self._margin = MarginBar(self)
        self._update_margin_width()
        controller.changed.connect(self._on_changed)

    def _build_editor(self) -> None:
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.document().setDocumentMargin(DOCUMENT_MARGIN)
        self.watch_layout()
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.layout_timer = QTimer(self)
        self.layout_timer.setInterval(LAYOUT_STEP_MS)
        self.layout_timer.timeout.connect(self._layout_step)

    # -- loading ---------------------------------------------------------------

    @property
    def article_id(self) -> int:
        """Id of the article shown (0 when empty)."""
        return self._article_id

    @property
    def title(self) -> str:
        return self._title

    @property
    def text(self) -> str:
        """The stored article text shown (code points are indices into it)."""
        return self._text

    @property
    def positions(self) -> TextPositions:
        """The code point <-> Qt map of the text shown."""
        return self._positions

    def load_article(self, article_id: int) -> None:
        """Show article ``article_id`` with its highlights (raises NotFound)."""
        nb = self._controller.nb
        article = nb.articles.get(article_id)
        if self._is_editing:  # another article replaces the one being edited
            self.set_editing(False)
        self._colours = tag_colours(nb.tags.list())
        spans = nb.annotations.spans_for(article_id)
        self._article_id = article_id
        self._title = article.title
        self.summary = article.summary
        self._load_overlays()
        self._show_text(article.text, spans)

    def clear_article(self) -> None:
        """Show nothing (the article was deleted or the pane emptied)."""
        self._article_id = 0
        self._title = ""
        self.summary = None
        self._mentions, self._evidence = {}, {}
        self._show_text("", [])


    def _show_text(self, text: str, highlights: Sequence[HighlightSpan]) -> None:
        self._text = text
        self._positions = TextPositions(text)
        self._hits, self._hit_index = [], -1
        self._find_matches = []
        self._cycle = ((), 0)
        self.setExtraSelections([])
        starts = self._positions.block_starts(text)
        self._install_marks(highlights, starts)
        # Margin first: changing it after setPlainText would lay the document out again.
        self._update_margin_width()
        self._set_document(text)
        self._positions.matches(self.document())
        self._draw_visible()
        self.layout_timer.start()  # the rest of the text, in the background

    def _set_document(self, text: str) -> None:
        """Show ``text`` in a new document with paragraph spacing and headings.

        Formats only (every offset stays). They go in before the document reaches the
        view: formatting the view's own document after ``setPlainText`` made Qt lay the
        text out twice (+40-50 % on a 500 KB article); a detached document of the view's
        page size is formatted for free and laid out once, lazily, as ``setPlainText``
        would (measured slightly faster than ``setPlainText``).
        """
        document = QTextDocument(self)
        document.setUndoRedoEnabled(False)
        document.setDocumentMargin(DOCUMENT_MARGIN)
        document.setDefaultFont(self.font())
        # The view's width before the text: else the view relays it all out on setDocument.
        document.setPageSize(self.document().pageSize())
        document.setPlainText(text)
        format_structure(document, structure_of(text, self._title))
        old = self.document()
        self.renderer.set_document(document)
        # Highlights of the first screen go in before layout too: formatted after
        # setDocument, those blocks were laid out twice.
        self.renderer.ensure(range(self._first_screen_blocks(self.renderer.index.block_starts())))
        self.setDocument(document)
        self.watch_layout()
        if shiboken6.isValid(old) and old.parent() is self:  # Qt deletes the one it made
            old.deleteLater()

    def reload_highlights(self) -> None:
        """Fetch and redraw every highlight (after tag colour changes, merges, ...)."""
        if not self._article_id:
            return
        nb = self._controller.nb
        self._colours = tag_colours(nb.tags.list())
        self._load_overlays()
        self.renderer.reset(self._marks(nb.annotations.spans_for(self._article_id)))
        self._update_margin_width()
        self._draw_visible()
        self.viewport().update()

    # -- reacting to edits -----------------------------------------------------

    def _on_changed(self, changes: Changes) -> None:
        """Redraw only what an edit touched."""
        if not self._article_id or self._is_editing:
            return
        if self._article_id in changes.deleted_articles:
            self.clear_article()
            return
        if self._article_id in changes.articles and self._reload_if_text_changed():
            return
        touches_overlays = bool(changes.actors or changes.deleted_actors or changes.agreements
                                or changes.deleted_agreements)
        if touches_overlays:
            self._load_overlays()
        if (changes.touches_tags and self._tag_colours_changed(changes)) or len(
            changes.highlights
        ) > RELOAD_THRESHOLD:
            self.reload_highlights()
            return
        for highlight_id in changes.deleted_highlights:
            self.renderer.remove_mark(highlight_id)
        for highlight_id in changes.highlights:
            self._refresh_highlight(highlight_id)
        if touches_overlays:
            self._refresh_flags()
        if changes.touches_highlights or touches_overlays:
            self._update_margin_width()

    def _reload_if_text_changed(self) -> bool:
        """Show the stored text again if an edit, trim or undo changed it (keeping the
        scroll position); True if it did."""
        try:
            text = self._controller.nb.articles.get(self._article_id).text
        except NotFound:
            return False
        if text == self._text:
            return False
        bar = self.verticalScrollBar()
        fraction = bar.value() / bar.maximum() if bar.maximum() else 0.0
        self.load_article(self._article_id)
        bar.setValue(round(fraction * bar.maximum()))
        return True

    # -- edit mode -------------------------------------------------------------

    @property
    def is_editing(self) -> bool:
        return self._is_editing

    def set_editing(self, on: bool) -> None:
        """Make the text editable (plain text: highlights, hits and find marks are hidden,
        their positions would drift while typing) or read-only again. Leaving edit mode
        does not restore the text: the caller saves or reloads it."""
        self._is_editing = on
        if on:
            self._hits, self._hit_index = [], -1
            self.clear_find()
            self.renderer.reset([])
            self.document().clearUndoRedoStacks()
        self.setUndoRedoEnabled(on)  # typing is undoable inside edit mode only
        self.setReadOnly(not on)
        flags = (Qt.TextInteractionFlag.TextEditorInteraction if on else
                 Qt.TextInteractionFlag.TextSelectableByMouse
                 | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setTextInteractionFlags(flags)
        self._update_margin_width()
        self.viewport().update()
        self.editingChanged.emit(on)

    def edited_text(self) -> str:
        """The text as edited, with NBSP, U+2028 and astral characters intact (toPlainText
        would turn NBSP into a space; block separators become newlines)."""
        return self.document().toRawText().replace("\u2029", "\n")


    def _tag_colours_changed(self, changes: Changes) -> bool:
        """Refresh tag colours; True if a tag that was drawn changed colour or vanished.

        Creating a tag or changing its count (every quick tag does) needs no redraw.
        """
        colours = tag_colours(self._controller.nb.tags.list())
        touched = changes.tags | changes.deleted_tags
        is_changed = any(
            t in self._colours and colours.get(t) != self._colours[t] for t in touched
        )
        self._colours = colours
        return is_changed

    def _refresh_highlight(self, highlight_id: int) -> None:
        try:
            highlight = self._controller.nb.annotations.get(highlight_id)
        except NotFound:
            self.renderer.remove_mark(highlight_id)
            return
        if highlight.article_id != self._article_id or highlight.start == highlight.end:
            self.renderer.remove_mark(highlight_id)  # moved away or orphaned
        else:
            self.renderer.add_mark(self._mark(highlight))

    # -- dragging out ------------------------------------------------------------

    def createMimeDataFromSelection(self) -> QMimeData:
        """The selected text plus the passage (article id, code-point span) as JSON."""
        selection = super().createMimeDataFromSelection()
        span = self.selected_span()
        if not (span and self._article_id):
            return selection
        # Qt's QTextEditMimeData lists a fixed set of formats (hasFormat ignores any
        # added one): copy what it offers into a plain QMimeData instead.
        mime = QMimeData()
        for fmt in selection.formats():
            mime.setData(fmt, selection.data(fmt))
        mime.setText(self._text[span[0]:span[1]])  # the stored text: NBSP, breaks intact
        payload = {"article_id": self._article_id, "start": span[0], "end": span[1]}
        mime.setData(PASSAGE_MIME, json.dumps(payload).encode("utf-8"))
        return mime

    # -- selection and highlights ---------------------------------------------
    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.focusReceived.emit()


    def _on_scrolled(self, _value: int) -> None:
        self._draw_visible()
        self._margin.update()

    def _update_margin_width(self) -> None:
        width = self._margin.sizeHint().width()
        if self.viewportMargins().left() != width:  # every change re-lays out the text
            self.setViewportMargins(width, 0, 0, 0)
        self._place_margin()
        self._margin.update()

    def _place_margin(self) -> None:
        rect = self.contentsRect()
        self._margin.setGeometry(rect.left(), rect.top(), self._margin.sizeHint().width(),
                                 rect.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._forget_extents()  # lines rewrap (Qt may relay out later, or not at all)
        self._place_margin()

    def margin_bar(self) -> MarginBar:
        return self._margin

    def state(self) -> dict[str, Any]:
        """Scroll position for layout restore."""
        bar = self.verticalScrollBar()
        return {"article_id": self._article_id,
                "scroll": bar.value() / bar.maximum() if bar.maximum() else 0.0}

