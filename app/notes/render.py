"""Markdown -> sanitised HTML for memo and note previews.

Memos are typed by users but may be pasted from anywhere (or arrive in an imported
notebook), so the HTML that ``markdown`` produces is never trusted: ``nh3`` (ammonia)
removes scripts, event handlers, iframes, styles, ``javascript:``/``data:`` links and
remote images before anything reaches a Qt rich-text widget.
"""

from __future__ import annotations

import logging
import re

import markdown
import nh3

log = logging.getLogger(__name__)

_EXTENSIONS = ("tables", "fenced_code", "footnotes")

_TAGS = frozenset(nh3.ALLOWED_TAGS) - {"area", "map"}
"""Ammonia's default allow-list minus image maps (which carry links of their own)."""

_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title", "id"},
    "img": {"src", "alt", "title", "width", "height"},
    "sup": {"id"},
    "li": {"id"},
    "div": {"class"},
    "code": {"class"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}

_URL_SCHEMES = frozenset({"http", "https", "mailto"})

_HAS_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*:|//)")


def render_markdown(md: str) -> str:
    """Return safe HTML for the Markdown text ``md``.

    Supports tables, fenced code and footnotes. Links keep only http(s) and mailto
    targets (plus in-page ``#`` anchors for footnotes); images keep only relative
    sources, so a memo can never make the reader fetch a remote URL.
    """
    html = markdown.markdown(md, extensions=list(_EXTENSIONS), output_format="html")
    return nh3.clean(
        html,
        tags=set(_TAGS),
        clean_content_tags={"script", "style"},
        attributes={k: set(v) for k, v in _ATTRIBUTES.items()},
        attribute_filter=_filter_attribute,
        url_schemes=set(_URL_SCHEMES),
        link_rel="noopener noreferrer",
    )


def _filter_attribute(element: str, attribute: str, value: str) -> str | None:
    """Drop image sources that point anywhere outside the document (remote or data:)."""
    if element == "img" and attribute == "src" and _HAS_SCHEME.match(value):
        log.debug("dropped image source %r", value[:80])
        return None
    return value
