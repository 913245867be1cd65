"""Building a reader's marks from stored highlight spans: colours, the code point to Qt
conversion in bulk, and filing those off the first screen later (as the text is laid
out), so that opening a long article with many highlights does only what its first
screen needs."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from operator import attrgetter

from PySide6.QtGui import QColor

from app.core.records import Highlight, HighlightSpan, Tag
from app.gui.annotate.highlighter import IS_EVIDENCE, IS_MENTION, Mark, assign_lanes
from app.gui.common.colours import DEFAULT_COLOUR, palette_colour, valid_colour
from app.gui.reader.clicks import ReaderClicks

LATER_CHUNK = 64
"""Marks built at a time when the index files those left for later."""


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


class ReaderMarks(ReaderClicks):
    """Marks of the highlights shown (the base of ReaderView)."""

    _colours: dict[int, QColor]
    _text: str

    def _first_screen_blocks(self, starts: list[int]) -> int:
        """How many blocks can be on screen at the top of the text (Qt block starts
        ``starts``), found without layout: each block takes a line at least, and a line
        holds at most a viewport's width of the narrowest letter. A block this misses is
        formatted when painted."""
        metrics = self.fontMetrics()
        viewport = self.viewport()
        lines = viewport.height() // max(1, metrics.lineSpacing()) + 1
        chars = lines * (viewport.width() // max(1, metrics.horizontalAdvance("i")) + 1)
        return min(lines, bisect_right(starts, chars))

    def _install_marks(self, highlights: Sequence[HighlightSpan], starts: list[int]) -> None:
        """Index the marks of the first screen now, the rest as the text is laid out.

        Building and filing 1,000 marks was a tenth of opening a 500 KB article on a
        loaded machine; the first screen needs a few dozen. Marks are filed in order of
        start, so those filed first keep their margin lanes; the lane count of all (the
        margin's width: changing it later would lay the whole text out again) is
        counted from the spans, whose order the position map keeps.
        """
        spans = sorted((h for h in highlights if h.start != h.end), key=attrgetter("start"))
        shown = self._first_screen_blocks(starts)
        limit = self._positions.from_qt(starts[shown]) if shown < len(starts) else len(self._text)
        cut = bisect_left([h.start for h in spans], limit)
        lanes = assign_lanes(spans)
        self.renderer.install(self._marks(spans[:cut]), starts, self._later_marks(spans[cut:]),
                              max(lanes.values(), default=-1) + 1)

    def _later_marks(self, spans: Sequence[HighlightSpan]) -> Iterator[Mark]:
        """Marks of ``spans`` a chunk at a time, as the index asks for them."""
        for at in range(0, len(spans), LATER_CHUNK):
            yield from self._marks(spans[at:at + LATER_CHUNK])

    def _marks(self, highlights: Sequence[HighlightSpan]) -> list[Mark]:
        """Marks of many highlights; highlights of one colour share one QColor.

        One pass with the span ends converted in bulk (``to_qt_many``): per highlight
        two conversions and a flags lookup were a method call each, 1,000 highlights
        cost 16 ms of a 180 ms open under load.
        """
        kept = [h for h in highlights if h.start != h.end]  # orphans: the review lists them
        to_qt = self._positions.to_qt_many
        starts, ends = to_qt([h.start for h in kept]), to_qt([h.end for h in kept])
        shared: dict[tuple[str, tuple[int, ...]], QColor] = {}
        mentions, evidence = self._mentions, self._evidence
        flagged = bool(mentions or evidence)
        marks = []
        for h, start, end in zip(kept, starts, ends, strict=True):
            key = (h.colour, h.tag_ids)
            colour = shared.get(key)
            if colour is None:
                colour = shared[key] = highlight_colour(h, self._colours)
            flags = ((IS_MENTION if h.id in mentions else 0)
                     | (IS_EVIDENCE if h.id in evidence else 0)) if flagged else 0
            marks.append(Mark(h.id, start, end, colour, flags))
        return marks

    def _mark(self, highlight: Highlight) -> Mark:
        start, end = self._positions.span_to_qt(highlight.start, highlight.end)
        return Mark(highlight.id, start, end, highlight_colour(highlight, self._colours),
                    self._flags(highlight.id))

