"""Plain text from HTML without trafilatura: the sanitised full-text fallback.

Used when trafilatura finds no main text (list pages, very short pages, odd
markup) and for rendered Markdown. Scripts, styles, navigation and other page
furniture are dropped; block elements become line breaks.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

from app.core.errors import IngestError

_DROP_TAGS = (
    "script", "style", "noscript", "template", "head", "nav", "header", "footer",
    "aside", "form", "iframe", "svg", "button", "select", "object", "embed",
)  # fmt: skip
_BLOCK_TAGS = frozenset((
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "section", "article", "blockquote", "pre", "dd", "dt", "dl", "figcaption", "hr", "main",
))  # fmt: skip
_BLANKS = re.compile(r"[ \t\u00a0]+")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
"""lxml refuses a ``str`` that declares an encoding; the text is decoded already."""


def parse_html(markup: str) -> etree._Element:
    """Parse ``markup`` leniently; raise :class:`IngestError` if nothing parses.

    lxml calls a document without any element "empty"; that is reported as a
    page without text rather than as a parse failure.
    """
    try:
        return lxml_html.document_fromstring(_XML_DECLARATION.sub("", markup, count=1))
    except etree.ParserError as exc:
        if "empty" in str(exc).lower():
            raise IngestError("", "no text found in the HTML page") from None
        raise IngestError("", f"HTML could not be parsed ({exc})") from None
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise IngestError("", f"HTML could not be parsed ({exc})") from None


def _drop_furniture(root: etree._Element) -> None:
    """Remove elements whose text is never article text, and comments."""
    for element in list(root.iter(*_DROP_TAGS, etree.Comment, etree.ProcessingInstruction)):
        if element.getparent() is not None:
            element.drop_tree()  # keeps the element's tail text in place


def _mark_blocks(root: etree._Element) -> None:
    """Put line breaks around block elements so paragraphs stay apart."""
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
            element.text = "\n" + (element.text or "")


def html_to_text(markup: str) -> str:
    """Readable text of an HTML document: one line per block, blank lines dropped."""
    root = parse_html(markup)
    _drop_furniture(root)
    _mark_blocks(root)
    lines = (_BLANKS.sub(" ", line).strip() for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def html_title(markup: str) -> str:
    """The ``<title>`` or first ``<h1>`` of a document, or ``""``."""
    root = parse_html(markup)
    for path in ("//title", "//h1"):
        found = root.xpath(path)
        if found and found[0].text_content().strip():
            return " ".join(found[0].text_content().split())
    return ""
