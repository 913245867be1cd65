"""One reader pane: an article's text with its highlights, search hits and find marks.

:class:`ReaderView` is a read-only ``QTextEdit`` (pixel scrollbars make synchronised
scrolling smooth, QT-NOTES §3-4). Highlights are drawn by
:class:`~app.gui.highlighter.HighlightRenderer`; a :class:`MarginBar` on the left shows
one lane per overlapping highlight in its colour; search hits are outline boxes painted
over the text; find-in-article matches are extra selections (few, transient). Passages
marked as actor mentions carry a solid indigo underline, agreement evidence a marker in
the margin's right column coloured by stance; hovering either names the actor or the
agreement. Dragging a selection out carries the passage (article id and code-point span)
as :data:`~app.gui.notes_view.PASSAGE_MIME` besides the plain text. Every
position handed in or out is in code points; Qt positions stay inside this module and
are converted only through :class:`~app.gui.textpos.TextPositions`.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent, QMimeData, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QTextBlock,
    QTextCharFormat,
    QTextCursor,
    QTextLine,
)
from PySide6.QtWidgets import QTextEdit, QToolTip, QWidget

from app.core.actor_records import Evidence
from app.core.changes import Changes
from app.core.errors import NotFound
from app.core.records import ArticleSummary, Highlight, HighlightSpan, Tag
from app.gui.colours import DEFAULT_COLOUR, palette_colour, valid_colour
from app.gui.controller import NotebookController
from app.gui.highlighter import IS_EVIDENCE, IS_MENTION, HighlightRenderer, Mark
from app.gui.notes_view import PASSAGE_MIME
from app.gui.textpos import TextPositions

log = logging.getLogger(__name__)

LANE_WIDTH = 4
"""Pixel width of one margin lane."""
MAX_LANES = 8
"""Lanes drawn at most; deeper overlaps share the last lane (the text still blends)."""
LANE_STEP = 4
"""Lanes the margin has room for until more overlap."""
FIND_MARK_LIMIT = 2000
"""Find matches marked at once; beyond that only the current one is selected."""
RELOAD_THRESHOLD = 64
"""Above this many changed highlights, reload all instead of fetching one by one."""
EVIDENCE_WIDTH = 8
"""Pixel width of the margin column that marks agreement evidence."""
STANCE_COLOURS = {"supports": "#2e7d32", "contradicts": "#c62828", "mentions": "#757575"}
"""Colour of an evidence marker by stance (a conflicting stance wins: see ``_stance``)."""


def tag_colours(tags: Sequence[Tag]) -> dict[int, QColor]:
    """Colour of each tag; a tag without one gets a stable palette colour."""
    return {t.id: valid_colour(t.colour or palette_colour(t.id)) for t in tags}


def highlight_colour(highlight: Highlight | HighlightSpan, colours: dict[int, QColor]) -> QColor:
    """A highlight's own colour, else its first tag's, else the default."""
    if highlight.colour and QColor(highlight.colour).isValid():
        return QColor(highlight.colour)
    for tag_id in highlight.tag_ids:
        if tag_id in colours:
            return colours[tag_id]
    return QColor(DEFAULT_COLOUR)


def _is_laid_out(block: QTextBlock) -> bool:
    """True if Qt has laid the block out (asking its rectangle then costs nothing)."""
    return block.layout().lineCount() > 0


class MarginBar(QWidget):
    """Left margin of a reader: one coloured stripe per highlight, lanes for overlaps."""

    def __init__(self, reader: ReaderView) -> None:
        super().__init__(reader)
        self._reader = reader

    def lanes_shown(self) -> int:
        return min(self._reader.renderer.index.lane_count(), MAX_LANES)

    def sizeHint(self) -> QSize:
        """Room for 4 lanes, or MAX_LANES when more overlap.

        The width changes in one step only: every change of the viewport margin makes
        Qt lay out the whole document again (30-90 ms on 500 KB).
        """
        return QSize(self._lanes_width() + EVIDENCE_WIDTH, 0)

    def _lanes_width(self) -> int:
        lanes = LANE_STEP if self.lanes_shown() <= LANE_STEP else MAX_LANES
        return 4 + lanes * (LANE_WIDTH + 1)

    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw the stripes of the highlights in the visible blocks only, and evidence
        markers in the right column."""
        painter = QPainter(self)
        painter.fillRect(event.rect(), self.palette().window())
        lanes = self._reader.renderer.index.lanes()
        offset = self._reader.verticalScrollBar().value()
        for mark in self._reader.visible_marks():
            lane = min(lanes.get(mark.id, 0), MAX_LANES - 1)
            top, bottom = self._reader.mark_extent(mark)
            x = 2 + lane * (LANE_WIDTH + 1)
            painter.fillRect(
                QRectF(x, top - offset, LANE_WIDTH, max(bottom - top, 2.0)), mark.colour
            )
            if mark.is_evidence:
                self._paint_evidence(painter, mark, top - offset, bottom - offset)
        painter.end()

    def _paint_evidence(self, painter: QPainter, mark: Mark, top: float, bottom: float) -> None:
        """A bar with a notch at its top: the passage is cited for an agreement."""
        colour = QColor(STANCE_COLOURS.get(self._reader.evidence_stance(mark.id), "#757575"))
        x = self._lanes_width() + 1
        painter.fillRect(QRectF(x + 2, top, 3, max(bottom - top, 2.0)), colour)
        painter.fillRect(QRectF(x, top, EVIDENCE_WIDTH - 2, 3), colour)

    def evidence_at(self, y: float) -> list[int]:
        """Ids of the evidence highlights whose marker spans viewport height ``y``."""
        offset = self._reader.verticalScrollBar().value()
        out = []
        for mark in self._reader.visible_marks():
            if mark.is_evidence:
                top, bottom = self._reader.mark_extent(mark)
                if top - offset <= y <= max(bottom, top + 2.0) - offset:
                    out.append(mark.id)
        return out

    def event(self, event: QEvent) -> bool:
        """Hovering an evidence marker names its agreements."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = "\n".join(self._reader.describe(h) for h in self.evidence_at(event.y()))
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)


class ReaderView(QTextEdit):
    """A read-only view of one article with highlights, hits and find marks.

    Signals:
        highlightActivated(int): a highlight was clicked or chosen with Enter (0: none).
        focusReceived(): the view got keyboard focus (the area tracks the current pane).
        editingChanged(bool): edit mode (:meth:`set_editing`) was entered or left.
    """

    highlightActivated = Signal(int)
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
        self._build_editor()
        self.renderer = HighlightRenderer(self.document())
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
        self.document().setDocumentMargin(12)
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)

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

    def _load_overlays(self) -> None:
        """Read which highlights of the article name actors or are agreement evidence."""
        nb = self._controller.nb
        mentions: dict[int, list[int]] = defaultdict(list)
        for mention in nb.actors.mentions_in(self._article_id):
            mentions[mention.highlight_id].append(mention.actor_id)
        evidence: dict[int, list[Evidence]] = defaultdict(list)
        for item in nb.agreements.evidence_in(self._article_id):
            evidence[item.highlight_id].append(item)
        self._mentions, self._evidence = dict(mentions), dict(evidence)

    def _flags(self, highlight_id: int) -> int:
        return ((IS_MENTION if highlight_id in self._mentions else 0)
                | (IS_EVIDENCE if highlight_id in self._evidence else 0))

    def _show_text(self, text: str, highlights: Sequence[HighlightSpan]) -> None:
        self._text = text
        self._positions = TextPositions(text)
        self._hits, self._hit_index = [], -1
        self._find_matches = []
        self.setExtraSelections([])
        starts = self._positions.block_starts(text)
        self.renderer.install(self._marks(highlights), starts)
        # Margin first: changing it after setPlainText would lay the document out again.
        self._update_margin_width()
        self.setPlainText(text)
        self._positions.matches(self.document())
        self._draw_visible()

    def _marks(self, highlights: Sequence[HighlightSpan]) -> list[Mark]:
        """Marks of many highlights; highlights of one colour share one QColor."""
        to_qt = self._positions.to_qt
        shared: dict[tuple[str, tuple[int, ...]], QColor] = {}
        flags = self._flags
        marks = []
        for h in highlights:
            if h.start == h.end:  # an orphan: its words are gone (the review panel lists it)
                continue
            key = (h.colour, h.tag_ids)
            colour = shared.get(key)
            if colour is None:
                colour = shared[key] = highlight_colour(h, self._colours)
            marks.append(Mark(h.id, to_qt(h.start), to_qt(h.end), colour, flags(h.id)))
        return marks

    def _mark(self, highlight: Highlight) -> Mark:
        start, end = self._positions.span_to_qt(highlight.start, highlight.end)
        return Mark(highlight.id, start, end, highlight_colour(highlight, self._colours),
                    self._flags(highlight.id))

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

    def _refresh_flags(self) -> None:
        """Redraw the marks whose mention or evidence state no longer matches."""
        renderer = self.renderer
        for mark in renderer.index.marks():
            flags = self._flags(mark.id)
            if mark.flags != flags:
                renderer.add_mark(dataclasses.replace(mark, flags=flags))

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

    # -- actors and evidence -------------------------------------------------------

    def mention_actor_ids(self, highlight_id: int) -> list[int]:
        """Actors the highlight is marked as naming (empty if none)."""
        return list(self._mentions.get(highlight_id, ()))

    def evidence_for(self, highlight_id: int) -> list[Evidence]:
        """Agreement evidence the highlight is cited as (empty if none)."""
        return list(self._evidence.get(highlight_id, ()))

    def evidence_stance(self, highlight_id: int) -> str:
        """The stance its marker shows: "contradicts" if any, else "supports" if any."""
        stances = {e.stance for e in self._evidence.get(highlight_id, ())}
        for stance in ("contradicts", "supports"):
            if stance in stances:
                return stance
        return "mentions" if stances else ""

    def describe(self, highlight_id: int) -> str:
        """Tooltip lines for a highlight: the actors it names and the agreements it backs."""
        nb = self._controller.nb
        lines = []
        for actor_id in self._mentions.get(highlight_id, ()):
            try:
                lines.append(f"Actor: {nb.actors.get(actor_id).name}")
            except NotFound:
                continue
        for item in self._evidence.get(highlight_id, ()):
            try:
                title = nb.agreements.get(item.agreement_id).title
            except NotFound:
                continue
            field = "" if item.field in ("", "agreement") else f", {item.field}"
            lines.append(f"Evidence for „{title}“ ({item.stance}{field})")
        return "\n".join(lines)

    def tooltip_at(self, cp: int) -> str:
        """What hovering code point ``cp`` shows: actors and agreements of the highlights
        there, innermost first (empty if none)."""
        lines = [self.describe(h) for h in self.highlight_ids_at(cp)
                 if h in self._mentions or h in self._evidence]
        return "\n".join(line for line in lines if line)

    def viewportEvent(self, event: QEvent) -> bool:
        """Hovering a mention or evidence passage names its actors and agreements."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            pos = self.cursorForPosition(event.pos()).position()
            text = ""
            if self.highlight_at_qt(pos):
                text = self.tooltip_at(self._positions.from_qt(pos))
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def anchors(self) -> dict[tuple[Any, ...], int]:
        """Passages that identify one claim across articles, by key: code-point midpoint.

        Evidence is keyed by what it backs (agreement, field, party, event); an actor is
        an anchor only where the article mentions it once (several mentions of one
        actor say nothing about which lines correspond). A key cited by several
        passages of the article keeps the first.
        """
        index = self.renderer.index
        out: dict[tuple[Any, ...], int] = {}
        for highlight_id, items in self._evidence.items():
            mark = index.get(highlight_id)
            for item in items if mark else ():
                key = ("evidence", item.agreement_id, item.field, item.party_id, item.event_id)
                mid = self._positions.from_qt((mark.start + mark.end) // 2)
                out[key] = min(out.get(key, mid), mid)
        counts: dict[int, int] = defaultdict(int)
        for actor_ids in self._mentions.values():
            for actor_id in actor_ids:
                counts[actor_id] += 1
        for highlight_id, actor_ids in self._mentions.items():
            mark = index.get(highlight_id)
            for actor_id in actor_ids if mark else ():
                if counts[actor_id] == 1:
                    out[("actor", actor_id)] = self._positions.from_qt(
                        (mark.start + mark.end) // 2)
        return out

    def y_of(self, cp: int) -> float:
        """Document y (pixels, the scrollbar's unit) of the line holding code point ``cp``.

        Lays the text out up to there if Qt has not yet (once per document).
        """
        pos = self._positions.to_qt(cp)
        rects = self.span_rects(pos, pos + 1)
        return rects[0].center().y() if rects else 0.0

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

    def selected_span(self) -> tuple[int, int] | None:
        """Code-point span of the current selection, or None."""
        cursor = self.textCursor()
        if self._is_editing or not cursor.hasSelection():  # edited: positions are stale
            return None
        start, end = self._positions.span_from_qt(cursor.selectionStart(), cursor.selectionEnd())
        return (start, end) if end > start else None

    def select_span(self, start: int, end: int) -> None:
        """Select the code-point span ``[start, end)`` and centre it in the view (a hit or
        passage opened from search or the inspector never sits at the pane's edge)."""
        qs, qe = self._positions.span_to_qt(start, end)
        cursor = self.textCursor()
        cursor.setPosition(qs)
        cursor.setPosition(qe, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self._scroll_to_qt(qs, qe, centre=True)

    def scroll_to_span(self, start: int, end: int) -> None:
        """Scroll so the code-point span sits in the upper third of the view."""
        self._scroll_to_qt(*self._positions.span_to_qt(start, end))

    def _scroll_to_qt(self, start: int, end: int, *, centre: bool = False) -> None:
        rects = self.span_rects(start, max(end, start + 1))
        if not rects:
            return
        bar = self.verticalScrollBar()
        top, bottom = rects[0].top(), rects[-1].bottom()
        height = self.viewport().height()
        if centre:
            bar.setValue(int(top - max(0.0, height - (bottom - top)) / 2))
        elif top < bar.value() or bottom > bar.value() + height:
            bar.setValue(int(top - height / 3))

    def highlight_ids_at(self, cp: int) -> list[int]:
        """Ids of highlights covering code point ``cp``, innermost (shortest) first."""
        marks = self.renderer.index.at(self._positions.to_qt(cp))
        return [m.id for m in sorted(marks, key=lambda m: (m.length, m.id))]

    def highlight_at_qt(self, pos: int) -> int:
        """Innermost highlight at a Qt cursor position (the char after it, else before)."""
        index = self.renderer.index
        marks = index.at(pos) or (index.at(pos - 1) if pos > 0 else [])
        if not marks:
            return 0
        return min(marks, key=lambda m: (m.length, m.id)).id

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """A plain click (no selection made) activates the innermost highlight there."""
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and not self.textCursor().hasSelection():
            pos = self.cursorForPosition(event.position().toPoint()).position()
            self.highlightActivated.emit(self.highlight_at_qt(pos))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter activates the highlight at the caret (keyboard-only use)."""
        if not self._is_editing and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            cursor = self.textCursor()
            pos = cursor.selectionStart() if cursor.hasSelection() else cursor.position()
            self.highlightActivated.emit(self.highlight_at_qt(pos))
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.focusReceived.emit()

    # -- search hits (outline boxes) --------------------------------------------

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

    # -- geometry and painting -------------------------------------------------

    def span_rects(self, start: int, end: int) -> list[QRectF]:
        """Document-coordinate rectangles covering the Qt span ``[start, end)``, per line."""
        document = self.document()
        layout = document.documentLayout()
        rects: list[QRectF] = []
        block = document.findBlock(start)
        while block.isValid() and block.position() < end:
            origin = layout.blockBoundingRect(block).topLeft()
            base = block.position()
            a = max(start, base) - base
            b = min(end, base + block.length() - 1) - base
            text_layout = block.layout()
            for i in range(text_layout.lineCount()):
                line = text_layout.lineAt(i)
                lo, hi = line.textStart(), line.textStart() + line.textLength()
                if (hi <= a or lo >= b) and not (a == b == lo):
                    continue
                x1, x2 = _x_at(line, max(a, lo)), _x_at(line, min(b, hi))
                rects.append(
                    QRectF(origin.x() + min(x1, x2), origin.y() + line.y(),
                           max(abs(x2 - x1), 2.0), line.height())
                )
            block = block.next()
        return rects

    def mark_extent(self, mark: Mark) -> tuple[float, float]:
        """Top and bottom (document coordinates) of the lines a mark covers."""
        rects = self.span_rects(mark.start, mark.end)
        if not rects:
            return 0.0, 0.0
        return rects[0].top(), rects[-1].bottom()

    def visible_blocks(self) -> range:
        """Numbers of the blocks at least partly inside the viewport.

        A binary search over the rectangles of blocks already laid out. QTextEdit lays
        a long text out lazily (the first screen in ``setPlainText``, the rest in idle
        chunks); asking for the rectangle of a block not laid out yet would force the
        layout up to it (about 60 ms on 500 KB), and ``cursorForPosition`` costs up to
        a millisecond. Painting lays out every visible block first, so during a paint
        the answer is exact.
        """
        document = self.document()
        layout = document.documentLayout()
        top = self.verticalScrollBar().value()
        bottom = top + self.viewport().height()
        lo, hi = 0, document.blockCount() - 1
        while lo < hi:
            mid = (lo + hi) // 2
            block = document.findBlockByNumber(mid)
            if _is_laid_out(block) and layout.blockBoundingRect(block).bottom() <= top:
                lo = mid + 1
            else:
                hi = mid
        block = document.findBlockByNumber(lo)
        last = lo
        while (block.isValid() and _is_laid_out(block)
               and layout.blockBoundingRect(block).top() < bottom):
            last = block.blockNumber()
            block = block.next()
        return range(lo, last + 1)

    def visible_marks(self) -> list[Mark]:
        """Marks touching a visible block, each once."""
        seen: dict[int, Mark] = {}
        for number in self.visible_blocks():
            for mark in self.renderer.index.in_block(number):
                seen.setdefault(mark.id, mark)
        return list(seen.values())

    def _draw_visible(self) -> None:
        """Format the highlights of the blocks on screen that are not drawn yet."""
        if self.renderer.has_stale_blocks:
            self.renderer.ensure(self.visible_blocks())

    def paintEvent(self, event: QPaintEvent) -> None:
        """Paint the text, then outline boxes around the visible search hits.

        Blocks scrolled into view get their highlight formats first (usually done
        already on scrolling; this catches every other way of becoming visible).
        """
        self._draw_visible()
        super().paintEvent(event)
        if not self._hits:
            return
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        dx = -self.horizontalScrollBar().value()
        dy = -self.verticalScrollBar().value()
        visible = self.visible_blocks()
        for i, (start, end) in enumerate(self._hits):
            block = self.document().findBlock(start).blockNumber()
            if block > visible.stop:
                break
            if self.document().findBlock(max(start, end - 1)).blockNumber() < visible.start:
                continue
            current = i == self._hit_index
            pen = QPen(QColor("#e65100" if current else "#1565c0"), 2.0 if current else 1.2)
            painter.setPen(pen)
            for rect in self.span_rects(start, end):
                painter.drawRoundedRect(rect.translated(dx, dy).adjusted(-1, 0, 1, 0), 2, 2)
        painter.end()

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
        self._place_margin()

    def margin_bar(self) -> MarginBar:
        return self._margin

    def state(self) -> dict[str, Any]:
        """Scroll position for layout restore."""
        bar = self.verticalScrollBar()
        return {"article_id": self._article_id,
                "scroll": bar.value() / bar.maximum() if bar.maximum() else 0.0}


def _x_at(line: QTextLine, position: int) -> float:
    """The x of a cursor at ``position`` in ``line`` (PySide6 returns ``(x, position)``;
    its stubs say ``object``)."""
    result: Any = line.cursorToX(position)
    return float(result[0])
