"""Markdown -> sanitised HTML for memo and note previews, with ``[[links]]`` as anchors.

Memos and notes are typed by users but may be pasted from anywhere (or arrive in an
imported notebook), so the HTML that ``markdown`` produces is never trusted: ``nh3``
(ammonia) removes scripts, event handlers, iframes, styles, ``javascript:``/``data:``
links and remote images before anything reaches a Qt rich-text widget. Image sources
must be plain relative references (:func:`is_local_reference`): ``/\\host``, ``%5C``
and whitespace tricks that browsers resolve to a remote host are dropped. Resolved links
become ``dossier://kind/id`` anchors (the only non-web scheme kept); broken links become
a ``<span class="broken-link">`` that a view styles, never an error.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
import xml.etree.ElementTree as etree
from collections.abc import Callable, Mapping
from urllib.parse import unquote

import markdown
import nh3
from markdown.inlinepatterns import InlineProcessor
from markdown.util import AtomicString

from app.notes.links import LINK, SCHEME, LinkRef, Resolved, parse_inner

log = logging.getLogger(__name__)

_EXTENSIONS = ("tables", "fenced_code", "footnotes")

_TAGS = frozenset(nh3.ALLOWED_TAGS) - {"area", "map"}
"""Ammonia's default allow-list minus image maps (which carry links of their own)."""

_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title", "id", "class"},
    "span": {"class", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "sup": {"id"},
    "li": {"id"},
    "div": {"class"},
    "code": {"class"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}

_URL_SCHEMES = frozenset({"http", "https", "mailto", SCHEME})

_LOCAL_REF = re.compile(r"[A-Za-z0-9\-._~/?#=&+,;:@!$'()*%]*")
"""ASCII characters a local reference may use (non-ASCII letters and digits are allowed
too): no ``\\``, no whitespace or control characters, which URL parsers strip or read
as ``/``."""

_SCHEME_LIKE = re.compile(r"[^/?#]*:")
"""A ``:`` before the first ``/``, ``?`` or ``#`` makes a scheme (or looks like one)."""

QUOTE_CHARS = 200
"""A passage link shows at most this many code points of its quote."""

Links = Mapping[tuple[str, str], Resolved]
"""Resolved links by :attr:`LinkRef.key`; a key that is missing renders as broken."""


class _LinkPattern(InlineProcessor):
    """Turns ``[[...]]`` into an anchor (or a broken-link span) using ``self.links``."""

    def __init__(self) -> None:
        super().__init__(LINK.pattern)
        self.links: Links = {}

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element, int, int]:
        kind, target, label = parse_inner(m.group(1))
        ref = LinkRef(kind, target, label)
        element = link_element(ref, self.links.get(ref.key), m.group(0))
        return element, m.start(0), m.end(0)


def link_element(ref: LinkRef, resolved: Resolved | None, raw: str) -> etree.Element:
    """The HTML element of one link: an anchor, a cited passage, or a broken link."""
    if resolved is None or resolved.is_broken or not ref.target:
        span = etree.Element("span", {"class": "broken-link",
                                      "title": f"broken link: no {ref.kind} “{ref.target}”"})
        span.text = AtomicString(raw)
        return span
    anchor = etree.Element("a", {"href": resolved.href, "class": f"{ref.kind}-link"})
    if ref.kind != "passage":
        shown = resolved.title if ref.target.isdigit() and resolved.title else ref.target
        anchor.text = AtomicString(ref.label or shown)  # by id: show the current title
        anchor.set("title", resolved.title)
        return anchor
    quote = short_quote(resolved.quote)
    anchor.text = AtomicString(ref.label or f"„{quote}“")
    anchor.set("title", resolved.source)
    wrapper = etree.Element("span", {"class": "passage"})
    wrapper.append(anchor)
    anchor.tail = AtomicString(f" ({resolved.source})" if resolved.source else "")
    return wrapper


def short_quote(text: str) -> str:
    """A quote on one line, cut to :data:`QUOTE_CHARS` code points."""
    flat = " ".join(text.split())
    return flat if len(flat) <= QUOTE_CHARS else flat[: QUOTE_CHARS - 1].rstrip() + "…"


class _LinkExtension(markdown.Extension):
    def __init__(self, pattern: _LinkPattern) -> None:
        super().__init__()
        self.pattern = pattern

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Above links (160) so "[[x]]" is not read as a reference link; below code
        # spans (190) so links inside `code` stay text.
        md.inlinePatterns.register(self.pattern, "dossier_link", 175)


class _Converters(threading.local):
    """One Markdown converter per thread (building one costs more than a short render)."""

    def __init__(self) -> None:
        self.plain = markdown.Markdown(extensions=list(_EXTENSIONS), output_format="html")
        self.pattern = _LinkPattern()
        self.linked = markdown.Markdown(
            extensions=[*_EXTENSIONS, _LinkExtension(self.pattern)], output_format="html")


_converters = _Converters()


def render_markdown(md: str, links: Links | None = None) -> str:
    """Return safe HTML for the Markdown text ``md``.

    Supports tables, fenced code and footnotes. Links keep only http(s), mailto and
    ``dossier:`` targets (plus in-page ``#`` anchors for footnotes); images keep only
    relative sources, so a memo can never make the reader fetch a remote URL.

    Args:
        md: the Markdown source.
        links: resolved ``[[links]]`` by key. None leaves ``[[...]]`` as plain text
            (a memo preview that does not resolve links); a mapping turns every link
            into an anchor, and links missing from it into broken-link spans.
    """
    if links is None:
        converter = _converters.plain
    else:
        converter = _converters.linked
        _converters.pattern.links = links
    try:
        html = converter.reset().convert(md)
    finally:
        _converters.pattern.links = {}
    return sanitise(html)


def render_note(md: str, resolve: Callable[[list[LinkRef]], Links]) -> str:
    """Render a note, asking ``resolve`` for the targets of the links it contains."""
    from app.notes.links import find_links

    return render_markdown(md, resolve(find_links(md)))


def sanitise(html: str) -> str:
    """Keep only safe elements, attributes and URL schemes of ``html``."""
    return nh3.clean(
        html,
        tags=set(_TAGS),
        clean_content_tags={"script", "style"},
        attributes={k: set(v) for k, v in _ATTRIBUTES.items()},
        attribute_filter=_filter_attribute,
        url_schemes=set(_URL_SCHEMES),
        link_rel="noopener noreferrer",
    )


def is_local_reference(value: str) -> bool:
    """True if no browser can resolve ``value`` (a relative URL) to a network location.

    Browsers read ``\\`` as ``/``, drop tabs and newlines inside URLs, strip leading
    spaces and control characters, and map full-width forms of ``/`` and ``:``; so
    ``/\\host``, ``/<TAB>/host`` or `` //host`` all fetch from ``host``. Only plain
    relative paths pass: no scheme, no ``//`` start, no backslash, no whitespace or
    control character, and the same again once percent-escapes are decoded.
    """
    for _ in range(3):  # %255C -> %5C -> \: decode a few layers, then judge
        if not _is_plain_relative(value):
            return False
        decoded = unquote(value).replace(" ", "%20")  # a space is harmless once escaped
        if decoded == value:
            return True
        value = decoded
    return False


def _is_plain_relative(value: str) -> bool:
    """One layer of :func:`is_local_reference`: allowed characters, no scheme, no ``//``."""
    if value.startswith("//") or _SCHEME_LIKE.match(value):
        return False
    if not all(ch < "\x80" or _is_letter(ch) for ch in value):
        return False
    return _LOCAL_REF.fullmatch("".join(ch for ch in value if ch < "\x80")) is not None


def _is_letter(ch: str) -> bool:
    """A non-ASCII letter, digit or mark whose compatibility form is not ASCII.

    Full-width ``／`` or ``：`` (and full-width letters) fold to ASCII in URL parsers.
    """
    folded = unicodedata.normalize("NFKC", ch)
    return all(unicodedata.category(c)[0] in "LNM" and c >= "\x80" for c in folded)


def _filter_attribute(element: str, attribute: str, value: str) -> str | None:
    """Drop image sources that are not local, and links that pose as local but are not.

    ``nh3`` already refuses unknown schemes; this catches what it lets through as
    "relative": ``/\\evil.example`` and its encoded and whitespace variants.
    """
    if element == "img" and attribute == "src" and not is_local_reference(value):
        log.debug("dropped image source %r", value[:80])
        return None
    if attribute == "href" and not _has_safe_scheme(value) and not is_local_reference(value):
        log.debug("dropped link target %r", value[:80])
        return None
    return value


def _has_safe_scheme(value: str) -> bool:
    """True if ``value`` is an absolute URL with one of the allowed schemes."""
    scheme, colon, _ = value.partition(":")
    return bool(colon) and scheme.lower() in _URL_SCHEMES and scheme.isascii()
