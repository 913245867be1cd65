"""A small streaming XML writer: elements in the order they are written, nothing held.

A project with 50,000 selections is written element by element straight into the zip;
building a tree first would hold it all twice. Text is escaped so that it reads back
exactly: CR, LF and TAB inside attribute values become character references (a parser
would turn them into spaces), CR in element content too (a parser would drop it before
an LF). Characters XML 1.0 cannot carry at all (control characters other than TAB, LF,
CR; lone surrogates; U+FFFE/U+FFFF) become U+FFFD, one for one, so lengths and offsets
stay right; ``replaced`` counts them for the export report.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import IO

_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ATTR = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                       "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})

Attributes = Iterable[tuple[str, str | None]]
"""Attribute name and value, in the order written; a ``None`` or "" value is left out."""


class XmlOut:
    """Writes one XML document to a text stream (UTF-8, the caller's encoding).

    Args:
        stream: where the document goes; opened by the caller without BOM.
        namespace: the default namespace, declared on the root element.
    """

    def __init__(self, stream: IO[str], namespace: str) -> None:
        self._out = stream
        self._namespace = namespace
        self._depth = 0
        self.replaced = 0

    def declaration(self) -> None:
        self._out.write('<?xml version="1.0" encoding="utf-8"?>\n')

    def start(self, tag: str, attrs: Attributes = ()) -> None:
        """Open ``tag``; children follow until :meth:`end`."""
        self._out.write(f"{self._indent()}<{tag}{self._attrs(attrs)}>\n")
        self._depth += 1

    def end(self, tag: str) -> None:
        self._depth -= 1
        self._out.write(f"{self._indent()}</{tag}>\n")

    def empty(self, tag: str, attrs: Attributes = ()) -> None:
        """An element without content: ``<Tag a="1"/>``."""
        self._out.write(f"{self._indent()}<{tag}{self._attrs(attrs)}/>\n")

    def text(self, tag: str, content: str, attrs: Attributes = ()) -> None:
        """An element holding only ``content`` (exactly: no indentation added inside)."""
        body = self._clean(content).translate(_TEXT)
        self._out.write(f"{self._indent()}<{tag}{self._attrs(attrs)}>{body}</{tag}>\n")

    def _indent(self) -> str:
        return "  " * self._depth

    def _attrs(self, attrs: Attributes) -> str:
        parts = [f' {name}="{self._clean(value).translate(_ATTR)}"'
                 for name, value in attrs if value]
        if self._depth == 0:
            parts.insert(0, f' xmlns="{self._namespace}"')
        return "".join(parts)

    def _clean(self, value: str) -> str:
        cleaned, count = _INVALID.subn("\ufffd", value)
        self.replaced += count
        return cleaned
