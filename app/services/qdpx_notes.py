"""REFI-QDA notes (NVivo annotations, memos on codes or sources) as Dossier notes.

Each ``<Note>`` becomes a note. What it is about (``NoteRef`` on a selection, source or
code; a ``<Link>`` from or to it) is linked: ``[[passage:ID]]`` for a selection,
``[[article:ID]]`` for a source, the tag path for a code. A link the note's own text
already holds (Dossier's export names each ``<Link>`` after it, ``"passage:42"``) is
rewritten in place to the new id, so it keeps pointing at the same words; only targets
not linked in the text are listed in an "About:" line. Dossier's notes have no author
column, so a note from another tool ends with a line naming its author and date. A
note-to-note link named "part of" makes one note the child of the other.
"""

from __future__ import annotations

import datetime as dt
import re

from app.core.ids import ArticleId, HighlightId, NoteId, TagId
from app.notes.links import normalise
from app.qdpx.read_model import QdaNote, QdaProject
from app.services.note_links import sync_links
from app.services.qdpx_prepare import parse_time
from app.services.unit import Transaction
from app.store import notes as note_rows
from app.store import tags

MAX_TITLE = 200
TITLE_WORDS = 80
DOSSIER_ORIGIN = "dossier"
_LINK = re.compile(r"\[\[([^\[\]\n|]{1,500})(\|[^\[\]\n]*)?\]\]")


class _Targets:
    """What the import made of each GUID a note can be about."""

    def __init__(self, tx: Transaction, article_of: dict[str, ArticleId],
                 highlight_of: dict[str, HighlightId], tag_of: dict[str, TagId]) -> None:
        self.article_of, self.highlight_of, self.tag_of = article_of, highlight_of, tag_of
        self.paths = tags.paths(tx.session) if tag_of else {}

    def link(self, guid: str) -> str:
        """``passage:ID`` / ``article:ID`` for a linkable target, else ``""``."""
        if guid in self.highlight_of:
            return f"passage:{self.highlight_of[guid]}"
        if guid in self.article_of:
            return f"article:{self.article_of[guid]}"
        return ""

    def mention(self, guid: str) -> str:
        """How the "About:" line names a target (``""``: it was not imported)."""
        if not guid:
            return "the project"
        link = self.link(guid)
        if link:
            return f"[[{link}]]"
        if guid in self.tag_of:
            return f"tag `{self.paths.get(self.tag_of[guid], '')}`"
        return ""


def write_notes(tx: Transaction, project: QdaProject, remarks: list[tuple[str, str]],
                article_of: dict[str, ArticleId], highlight_of: dict[str, HighlightId],
                tag_of: dict[str, TagId]) -> int:
    """Store the project's notes; returns how many. Targets that were not imported are
    named in ``remarks``."""
    if not project.notes:
        return 0
    targets = _Targets(tx, article_of, highlight_of, tag_of)
    taken = {normalise(t) for t in note_rows.titles(tx.session).values()}
    now = dt.datetime.now()
    ids: dict[str, NoteId] = {}
    for note in project.notes:
        body, missing = _body(note, project, targets)
        title = _free(_title(note), taken)
        ids[note.guid] = note_rows.insert_note(tx.rec, title, body, None,
                                               parse_time(note.created) or now)
        sync_links(tx, ids[note.guid], body)
        if missing:
            remarks.append((f"note '{title}'", f"{missing} of what it is about was not "
                            "imported; not linked"))
    _set_parents(tx, project.note_parents, ids, remarks)
    return len(project.notes)


def _body(note: QdaNote, project: QdaProject, targets: _Targets) -> tuple[str, int]:
    """The note's Markdown with its links to the new ids, and how many targets are lost."""
    text, linked = _rewrite(note.text, note, targets)
    about = [targets.mention(t) for t in note.targets
             if t not in linked and not _links_to(text, targets.link(t))]
    lines = []
    if not project.origin.casefold().startswith(DOSSIER_ORIGIN):
        lines += ["", _origin_line(note, project)]
    shown = [a for a in about if a]
    if shown:
        lines += ["", "About: " + ", ".join(shown)]
    missing = sum(1 for a in about if not a)
    if not lines:  # a note as Dossier wrote it: its text exactly
        return text, missing
    return "\n".join([text.strip(), *lines]).strip() + "\n", missing


def _links_to(text: str, link: str) -> bool:
    """True if ``text`` already holds the link ``[[link]]`` or ``[[link|label]]``."""
    return bool(link) and re.search(r"\[\[\s*" + re.escape(link) + r"\s*[\]|]", text,
                                    re.IGNORECASE) is not None


def _rewrite(text: str, note: QdaNote, targets: _Targets) -> tuple[str, set[str]]:
    """``text`` with each link named by one of the note's ``<Link>``s pointing at the
    target's new id (one pass: an old id never meets a new one); the targets done."""
    new_text = {normalise(name): (targets.link(guid), guid) for name, guid in note.link_names
                if targets.link(guid)}
    linked: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        found = new_text.get(normalise(match.group(1)))
        if found is None:
            return match.group(0)
        linked.add(found[1])
        return f"[[{found[0]}{match.group(2) or ''}]]"

    return (_LINK.sub(replace, text) if new_text else text), linked


def _origin_line(note: QdaNote, project: QdaProject) -> str:
    parts = [f"Imported from the REFI-QDA project “{project.name}”"]
    author = project.users.get(note.user, "")
    if author:
        parts.append(f"by {author}")
    if note.created:
        parts.append(note.created[:10])
    return "*" + ", ".join(parts) + ".*"


def _set_parents(tx: Transaction, parents: dict[str, str], ids: dict[str, NoteId],
                 remarks: list[tuple[str, str]]) -> None:
    """Note hierarchy from "part of" links, refusing cycles."""
    chosen: dict[NoteId, NoteId] = {}
    for child, parent in parents.items():
        if child not in ids or parent not in ids:
            continue
        up: NoteId | None = ids[parent]
        while up is not None and up != ids[child]:
            up = chosen.get(up)
        if up is not None:
            remarks.append((f"note {child}", "its 'part of' link would make a cycle; "
                            "kept at the top level"))
            continue
        chosen[ids[child]] = ids[parent]
        note_rows.update_note(tx.rec, ids[child], {"parent_id": ids[parent]})


def _title(note: QdaNote) -> str:
    title = " ".join(note.name.split())
    if not title:
        words = " ".join(note.text.split())
        title = words[:TITLE_WORDS] + ("…" if len(words) > TITLE_WORDS else "")
    return title[:MAX_TITLE] or "Imported note"


def _free(title: str, taken: set[str]) -> str:
    """``title``, or with the first number that makes it unique ("Memo (2)")."""
    candidate, number = title, 2
    while normalise(candidate) in taken:
        candidate, number = f"{title} ({number})", number + 1
    taken.add(normalise(candidate))
    return candidate
