"""What the read side finds in a REFI-QDA project or codebook: plain records.

GUIDs are kept in one canonical form (lower case, without braces) so that references
written in another case or with braces still meet. Positions of selections are the
raw integers of the file: :mod:`app.qdpx.offsets` decides what they count.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def canonical_guid(value: str | None) -> str:
    """``value`` in lower case without braces or spaces (``""`` for none)."""
    return (value or "").strip().strip("{}").strip().lower()


@dataclass(frozen=True, slots=True)
class QdaCode:
    """A code of the code book; ``parent`` is the enclosing code's GUID (or ``""``)."""

    guid: str
    name: str
    is_codable: bool
    colour: str  # "#rrggbb" or ""
    description: str
    parent: str = ""


@dataclass(frozen=True, slots=True)
class QdaSelection:
    """A ``PlainTextSelection``: raw positions, its codings, memo and note references."""

    guid: str
    name: str
    start: int
    end: int
    description: str = ""
    codes: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    user: str = ""
    created: str = ""


@dataclass
class QdaSource:
    """A source. ``text`` is the decoded plain text (not yet normalised) or None when
    the source has no readable text, with ``skip_reason`` saying why."""

    guid: str
    name: str
    kind: str  # "text", "pdf", "picture", "audio", "video"
    text: str | None = None
    text_origin: str = ""
    skip_reason: str = ""
    selections: list[QdaSelection] = field(default_factory=list)
    codes: tuple[str, ...] = ()  # codings of the whole source
    notes: tuple[str, ...] = ()
    variables: dict[str, str] = field(default_factory=dict)  # variable name -> value
    description: str = ""
    user: str = ""
    created: str = ""
    other_selections: int = 0  # picture/PDF-area/audio/video selections (not text)


@dataclass
class QdaNote:
    """A project note; ``targets`` are the GUIDs of what refers to it (NoteRef, Link).

    ``link_names`` are the names of its ``<Link>``s that say how the note's own text
    links the target (``"passage:42"``, as Dossier's export writes them)."""

    guid: str
    name: str
    text: str
    user: str = ""
    created: str = ""
    targets: list[str] = field(default_factory=list)
    link_names: list[tuple[str, str]] = field(default_factory=list)  # (name, target guid)


@dataclass
class QdaProject:
    """A parsed ``.qde`` (or ``.qdc``: codes only). ``problems`` are (item, reason) pairs
    for what was found but cannot be used: broken references, values out of schema."""

    name: str
    origin: str = ""
    users: dict[str, str] = field(default_factory=dict)  # guid -> name
    codes: list[QdaCode] = field(default_factory=list)  # parents before children
    sources: list[QdaSource] = field(default_factory=list)
    notes: list[QdaNote] = field(default_factory=list)
    note_parents: dict[str, str] = field(default_factory=dict)  # note guid -> parent note
    unsupported: dict[str, int] = field(default_factory=dict)  # element -> count
    problems: list[tuple[str, str]] = field(default_factory=list)

    def problem(self, item: str, reason: str) -> None:
        """Record something that could not be read as the standard says."""
        self.problems.append((item, reason))
