"""Paragraphs and headings of a stored article text, for presentation only.

The store keeps plain text: no markup, no recorded structure. Two layouts occur. Texts
cleaned from web pages (most German seeds) put one paragraph per line with no blank line
between, so shown as they are the paragraphs run together; other texts separate
paragraphs with a blank line. And a heading is a line of its own: short, not ending like
a sentence, standing between blank lines (or the article's title, or a Markdown ``#``
line).

The reader turns this into block and character formats (spacing below paragraphs, bold
and larger headings). Nothing here changes the text: every offset stays what it was.
Lines are Qt blocks (the reader's text has ``\\n`` line breaks only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtGui import (
    QFont,
    QFontMetricsF,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)

MAX_HEADING_CHARS = 120
"""A longer line is a paragraph, whatever its punctuation."""
MAX_HEADING_WORDS = 16
SENTENCE_END = ".!?;:,…"
"""A line ending in one of these (before closing quotes or brackets) is not a heading."""
CLOSERS = "\"'“”‘’«»)]"
PARAGRAPH_GAP = 0.6
"""Space below a paragraph, in lines of body text."""
HEADING_GAP = 0.5
"""Space above a heading, in lines of body text."""
BLANK_SHARE = 3
"""Paragraphs count as blank-line separated when at least one line break in this many
belongs to a blank line."""

# A short line alone between blank lines (or at the start, before a blank line).
_STANDALONE = re.compile(rf"(?:^|\n\n)([^\n]{{1,{MAX_HEADING_CHARS}}})(?=\n\n+[^\n])")
_ATX = re.compile(rf"(?m)^#{{1,6}} [^\n]{{1,{MAX_HEADING_CHARS}}}$")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Structure:
    """What the reader formats: paragraph spacing for every line, or none; headings by
    line (block) number."""

    spaced_lines: bool
    heading_lines: tuple[int, ...]


def structure_of(text: str, title: str = "") -> Structure:
    """The paragraph layout and the heading lines of ``text`` (see the module doc)."""
    return Structure(spaced_lines=runs_paragraphs_together(text),
                     heading_lines=tuple(sorted(_heading_lines(text, title))))


def runs_paragraphs_together(text: str) -> bool:
    """True if paragraphs are separated by single line breaks (they need spacing)."""
    breaks = text.count("\n")
    if not breaks:
        return False
    return text.count("\n\n") * BLANK_SHARE < breaks


def is_heading_text(line: str) -> bool:
    """True for a short line with a letter that does not end like a sentence."""
    core = line.strip()
    if not core or len(core) > MAX_HEADING_CHARS or len(core.split()) > MAX_HEADING_WORDS:
        return False
    if not _LETTER.search(core):
        return False
    end = core.rstrip(CLOSERS).rstrip()
    return bool(end) and end[-1] not in SENTENCE_END


def _heading_lines(text: str, title: str) -> set[int]:
    """Line numbers of heading lines (found by regular expressions, not a Python loop
    over every line: a 500 KB article has thousands)."""
    starts: set[int] = set()
    if "\n\n" in text:  # no blank line, no standalone line: skip the scan
        for match in _STANDALONE.finditer(text):
            if is_heading_text(match.group(1)):
                starts.add(match.start(1))
    if text.startswith("#") or "\n#" in text:
        starts.update(match.start() for match in _ATX.finditer(text))
    starts |= _title_lines(text, title)
    if "\u2029" in text:  # a block separator for Qt too: block numbers count both
        return {text.count("\n", 0, s) + text.count("\u2029", 0, s) for s in starts}
    return {text.count("\n", 0, start) for start in starts}


def _title_lines(text: str, title: str) -> set[int]:
    """Start offsets of lines that are exactly the article's title (whitespace aside)."""
    wanted = " ".join(title.split())
    if not wanted or not is_heading_text(wanted):
        return set()
    out = set()
    at = text.find(wanted)
    while at >= 0:
        line_start = text.rfind("\n", 0, at) + 1
        line_end = text.find("\n", at)
        line = text[line_start:line_end if line_end >= 0 else len(text)]
        if " ".join(line.split()) == wanted:
            out.add(line_start)
        at = text.find(wanted, at + len(wanted))
    return out


def format_structure(document: QTextDocument, structure: Structure) -> None:
    """Give the document's blocks paragraph spacing and its heading lines a bold, larger
    font (formats only: the characters, hence every offset, stay as they are).

    Spacing is one block format over the whole document (a single operation; a loop over
    thousands of blocks would double the cost of opening a long article); headings are
    few and formatted one by one. The next ``setPlainText`` drops all of it.
    """
    line = QFontMetricsF(document.defaultFont()).lineSpacing()
    cursor = QTextCursor(document)
    cursor.beginEditBlock()
    try:
        if structure.spaced_lines:
            cursor.select(QTextCursor.SelectionType.Document)
            spacing = QTextBlockFormat()
            spacing.setBottomMargin(PARAGRAPH_GAP * line)
            cursor.mergeBlockFormat(spacing)
        heading_block = QTextBlockFormat()
        heading_block.setTopMargin(HEADING_GAP * line)
        heading_chars = QTextCharFormat()
        heading_chars.setFontWeight(QFont.Weight.Bold)
        heading_chars.setProperty(QTextFormat.Property.FontSizeAdjustment, 1)  # Qt's <h4>
        for number in structure.heading_lines:
            block = document.findBlockByNumber(number)
            if not block.isValid():
                continue
            heading = QTextCursor(block)
            heading.mergeBlockFormat(heading_block)
            heading.movePosition(QTextCursor.MoveOperation.EndOfBlock,
                                 QTextCursor.MoveMode.KeepAnchor)
            heading.mergeCharFormat(heading_chars)
    finally:
        cursor.endEditBlock()


def is_heading_block(document: QTextDocument, number: int) -> bool:
    """True if block ``number`` is formatted as a heading (for tests and tooltips)."""
    block = document.findBlockByNumber(number)
    if not block.isValid() or block.length() < 2:
        return False
    weight = block.begin().fragment().charFormat().fontWeight()
    return weight >= QFont.Weight.Bold and block.blockFormat().topMargin() > 0
