"""Lenient XML access for REFI-QDA files: safe parsing, local names, typed attributes.

Files from other tools use the namespace, another one, or none: elements are matched by
local name only. Entities are not resolved and nothing is fetched from the network.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeAlias

from lxml import etree

from app.core.errors import IngestError

Element: TypeAlias = Any
"""An ``lxml`` element (lxml ships no type information: lxml-stubs is not installed)."""


def parse(data: bytes, path: str, member: str) -> Element:
    """The root element of ``data``; a malformed file is one clear error naming it."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True,
                             load_dtd=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise IngestError(path, f"{member} is not well-formed XML ({exc})") from None
    if root is None:
        raise IngestError(path, f"{member} holds no XML element")
    return root


def local(element: Element) -> str:
    """The element's name without its namespace."""
    tag = element.tag  # "{namespace}Name": plain string work, far faster than QName
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def namespace(element: Element) -> str:
    tag = element.tag
    return (etree.QName(tag).namespace or "") if isinstance(tag, str) else ""


def children(element: Element | None, name: str) -> Iterator[Element]:
    """Direct children called ``name`` (any namespace)."""
    if element is None:
        return
    for child in element:
        if local(child) == name:
            yield child


def child(element: Element | None, name: str) -> Element | None:
    return next(children(element, name), None)


def text_of(element: Element | None, name: str) -> str:
    """The text of the first child called ``name`` (``""`` when absent)."""
    found = child(element, name)
    return "" if found is None else "".join(found.itertext())


def attr(element: Element, name: str) -> str:
    """An attribute's value (``""`` when absent), matched case-insensitively, since
    some tools write ``GUID`` or ``Name``."""
    value = element.get(name)
    if value is not None:
        return str(value)
    lowered = name.lower()
    for key, found in element.items():
        if isinstance(key, str) and key.rpartition("}")[2].lower() == lowered:
            return str(found)
    return ""


def integer(element: Element, name: str) -> int | None:
    """An integer attribute, or None when absent or not a whole number."""
    try:
        return int(attr(element, name).strip())
    except ValueError:
        return None
