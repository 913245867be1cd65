"""Plain text (``.txt``) and Markdown (``.md``) files.

Markdown is rendered to HTML and flattened to text, so readers see words rather
than ``**`` and ``[link](url)`` syntax. Simple front matter (``key: value`` lines
between ``---`` fences) gives title, author, date, URL and outlet.
"""

from __future__ import annotations

import re

import markdown

from app.ingest.article import ParsedArticle, build_article
from app.ingest.decoding import decode_text
from app.ingest.htmltext import html_to_text

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<body>.*?)\n---[ \t]*\n", re.DOTALL)
_FIELD = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)\s*:\s*(?P<value>.*)$")
_ATX_HEADING = re.compile(r"^#{1,6}\s+(?P<title>.+?)\s*#*\s*$", re.MULTILINE)
_KEYS = {
    "title": "title",
    "author": "author",
    "authors": "author",
    "date": "published",
    "published": "published",
    "url": "url",
    "link": "url",
    "source": "outlet",
    "outlet": "outlet",
    "publisher": "outlet",
    "site": "outlet",
}


def parse_text(data: bytes, name: str, source: str) -> ParsedArticle:
    """A ``.txt`` file: decoded and normalised, metadata guessed from its first lines."""
    decoded = decode_text(data)
    return build_article(source=source, name=name, text=decoded.text, notes=_notes(decoded.note))


def _notes(note: str) -> tuple[str, ...]:
    """The decoding note as a tuple for :func:`build_article` (empty if none)."""
    return (note,) if note else ()


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split YAML-style front matter (flat ``key: value`` lines) from Markdown."""
    text = text.lstrip("\ufeff")
    match = _FRONT_MATTER.match(text.replace("\r\n", "\n"))
    if not match:
        return {}, text
    fields = {}
    for line in match["body"].split("\n"):
        found = _FIELD.match(line.strip())
        if found:
            fields[found["key"].lower()] = found["value"].strip().strip("\"'")
    return fields, text.replace("\r\n", "\n")[match.end() :]


def parse_markdown(data: bytes, name: str, source: str) -> ParsedArticle:
    """A Markdown file: front matter for metadata, first heading for the title."""
    decoded = decode_text(data)
    fields, body = split_front_matter(decoded.text)
    meta = {_KEYS[key]: value for key, value in fields.items() if key in _KEYS}
    extra = {key: value for key, value in fields.items() if key not in _KEYS}
    heading = _ATX_HEADING.search(body)
    if "title" not in meta and heading:
        meta["title"] = heading["title"]
    rendered = markdown.markdown(body, output_format="html")
    text = html_to_text(f"<html><body>{rendered}</body></html>") if rendered.strip() else ""
    return build_article(source=source, name=name, text=text, extra=extra,
                         notes=_notes(decoded.note), **meta)
