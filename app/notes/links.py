"""``[[links]]`` in notes: parsing, and the resolved form renderers and reports use.

Syntax (the prefix is case-insensitive; text after ``|`` is the label shown)::

    [[Tokayev]]                          an actor, by any alias (the default kind)
    [[actor:Tokajew]]                    the same, explicitly
    [[agreement:Tungsten joint venture]] an agreement, by title
    [[article:Title]]  [[article:12]]    an article, by title or id
    [[passage:42]]                       a highlighted passage, by highlight id
    [[note:Other note]]                  another note, by title

Resolution needs the database, so it lives in ``app.services.note_links``; this module only
defines what a resolution looks like (:class:`Resolved`) and the ``dossier://`` URLs that
views open. A link whose target does not exist resolves to a *broken* link, never an error.
Links inside code spans and fenced code are text, not links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

KINDS = ("actor", "agreement", "article", "passage", "note")
DEFAULT_KIND = "actor"
SCHEME = "dossier"

LINK = re.compile(r"\[\[([^\[\]\n]{1,500})\]\]")
_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})", re.MULTILINE)
_UNSAFE = re.compile(r"[\[\]|\n]")
_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class LinkRef:
    """One ``[[...]]`` in a text: what it points at and where it is (code points)."""

    kind: str
    target: str
    label: str = ""
    start: int = 0
    end: int = 0

    @property
    def key(self) -> tuple[str, str]:
        """What identifies the target regardless of label and position."""
        return (self.kind, normalise(self.target))


@dataclass(frozen=True, slots=True)
class Resolved:
    """What a link points at now. ``target_id`` None means the link is broken.

    ``title`` is the target's display name; ``quote`` and ``source`` are filled for
    passages (the quoted text and "Title, Outlet, date").
    """

    kind: str
    target_id: int | None
    title: str = ""
    quote: str = ""
    source: str = ""

    @property
    def is_broken(self) -> bool:
        return self.target_id is None

    @property
    def href(self) -> str:
        return link_url(self.kind, self.target_id) if self.target_id is not None else ""


def normalise(text: str) -> str:
    """Case- and space-insensitive form of a target, for matching titles."""
    return " ".join(text.split()).casefold()


def parse_inner(inner: str) -> tuple[str, str, str]:
    """``kind, target, label`` of the text between ``[[`` and ``]]``.

    An unknown prefix ("Dr: Who") is part of an actor name, not a kind.
    """
    target, _, label = inner.partition("|")
    kind = DEFAULT_KIND
    prefix, colon, rest = target.partition(":")
    if colon and prefix.strip().casefold() in KINDS:
        kind, target = prefix.strip().casefold(), rest
    return kind, target.strip(), label.strip()


def code_regions(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` spans of fenced code blocks and code spans, where links are text."""
    fences: list[tuple[int, int]] = []
    found = list(_FENCE.finditer(text))
    i = 0
    while i < len(found):
        opening, marker = found[i], found[i].group(2)
        rest = [j for j in range(i + 1, len(found))
                if found[j].group(2)[0] == marker[0] and len(found[j].group(2)) >= len(marker)]
        if not rest:
            fences.append((opening.start(), len(text)))
            break
        close_end = text.find("\n", found[rest[0]].end())
        fences.append((opening.start(), len(text) if close_end < 0 else close_end))
        i = rest[0] + 1
    regions = list(fences)
    pos = 0
    for start, stop in [*fences, (len(text), len(text))]:
        segment = text[pos:start]
        regions.extend((pos + m.start(), pos + m.end()) for m in _CODE_SPAN.finditer(segment))
        pos = stop
    return sorted(regions)


def find_links(text: str) -> list[LinkRef]:
    """Every link of a Markdown text outside code, in order."""
    if "[[" not in text:
        return []
    code = code_regions(text) if "`" in text or "~~~" in text else []
    out: list[LinkRef] = []
    for match in LINK.finditer(text):
        if any(s <= match.start() < e for s, e in code):
            continue
        kind, target, label = parse_inner(match.group(1))
        if target:
            out.append(LinkRef(kind, target, label, match.start(), match.end()))
    return out


def link_url(kind: str, target_id: int) -> str:
    """The ``dossier://kind/id`` URL a view opens for a resolved link."""
    return f"{SCHEME}://{kind}/{int(target_id)}"


def parse_url(url: str) -> tuple[str, int] | None:
    """``(kind, id)`` of a ``dossier://`` URL, or None for anything else."""
    parts = urlsplit(url)
    if parts.scheme != SCHEME or parts.netloc not in KINDS:
        return None
    digits = parts.path.strip("/")
    return (parts.netloc, int(digits)) if digits.isdigit() else None


def link_markdown(kind: str, target: str, label: str = "") -> str:
    """The ``[[...]]`` text for a target (brackets, bars and newlines become spaces)."""
    prefix = "" if kind == DEFAULT_KIND else f"{kind}:"
    suffix = f"|{_clean(label)}" if label.strip() else ""
    return f"[[{prefix}{_clean(target)}{suffix}]]"


def _clean(text: str) -> str:
    return " ".join(_UNSAFE.sub(" ", text).split())


def line_around(text: str, start: int, end: int, width: int = 160) -> str:
    """The line of ``text`` holding ``[start, end)``, cut to about ``width`` code points."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    line = text[line_start:line_end].strip()
    if len(line) <= width:
        return line
    centre = max(0, start - line_start - width // 2)
    return "…" + line[centre:centre + width].strip() + "…"
