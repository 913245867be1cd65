"""How one search result looks: kind badge, title, source line and the snippet with its
hits marked, painted as rich text in the result list.

Snippets are plain text from the service with code-point spans to mark; they are
HTML-escaped here before the marks are added, so article text can never inject markup.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.core.records import SearchHit

HitRole = Qt.ItemDataRole.UserRole + 1
MARK_STYLE = "background-color:#ffe066;color:#000;font-weight:600;"
SOURCE_STYLE = "color:#666;"
BADGE_STYLE = {
    "article": "background-color:#dbe9f6;color:#163a5f;",
    "note": "background-color:#e6f4d7;color:#2f5114;",
}
BADGE_TEXT = {"article": "Article", "note": "Note"}


def marked_html(text: str, marks: Sequence[tuple[int, int]]) -> str:
    """Escape ``text`` and wrap each ``[start, end)`` code-point span in a mark.

    Overlapping or out-of-range spans are clipped so that the result is always
    well-formed HTML.
    """
    parts: list[str] = []
    pos = 0
    for start, end in sorted(marks):
        start, end = max(start, pos), min(end, len(text))
        if start >= end:
            continue
        parts.append(html.escape(text[pos:start]))
        parts.append(f'<span style="{MARK_STYLE}">{html.escape(text[start:end])}</span>')
        pos = end
    parts.append(html.escape(text[pos:]))
    return "".join(parts)


def badge_html(kind: str) -> str:
    """The small coloured label saying what a result is ("Article" or "Note")."""
    style = BADGE_STYLE.get(kind, BADGE_STYLE["article"])
    text = BADGE_TEXT.get(kind, html.escape(kind.title()))
    return f'<span style="{style}">&nbsp;{text}&nbsp;</span>'


def hit_html(hit: SearchHit) -> str:
    """Rich text for one result: kind badge and title, source line, marked snippet."""
    source = " · ".join(x for x in (hit.outlet, hit.published, hit.language) if x)
    snippet = marked_html(hit.snippet, hit.snippet_marks).replace("\n", " ")
    return (
        f"{badge_html(hit.kind)} <b>{html.escape(hit.title or '(untitled)')}</b>"
        f'<br><span style="{SOURCE_STYLE}">{html.escape(source)}</span>'
        f"<br>{snippet}"
    )


class HtmlDelegate(QStyledItemDelegate):
    """Paints an item's display text as rich text (the text is already escaped)."""

    def _document(self, option: QStyleOptionViewItem, text: str) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setHtml(text)
        doc.setTextWidth(max(option.rect.width(), 200))
        return doc

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Any) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text, opt.text = opt.text, ""
        if opt.state & QStyle.StateFlag.State_Selected:
            text = text.replace(SOURCE_STYLE, "")  # grey is unreadable on the selection colour
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        doc = self._document(opt, text)
        ctx = QAbstractTextDocumentLayout.PaintContext()
        if opt.state & QStyle.StateFlag.State_Selected:
            ctx.palette.setColor(
                QPalette.ColorRole.Text, opt.palette.color(QPalette.ColorRole.HighlightedText)
            )
        painter.save()
        painter.translate(opt.rect.topLeft())
        painter.setClipRect(QRectF(0, 0, opt.rect.width(), opt.rect.height()))
        doc.documentLayout().draw(painter, ctx)
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        doc = self._document(opt, opt.text)
        return QSize(int(doc.idealWidth()), int(doc.size().height()) + 4)
