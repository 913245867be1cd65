"""REFI-QDA notes (NVivo annotations, memos on codes or sources) as Dossier notes.

Each ``<Note>`` becomes a note whose body is its text followed by a line saying who
wrote it and when, and links to what it is about (from ``NoteRef`` and ``Link``):
``[[passage:ID]]`` for a selection, ``[[article:ID]]`` for a source, the tag path for a
code. Dossier's notes have no author column, so the author is written into the body.
"""

from __future__ import annotations

import datetime as dt

from app.core.ids import ArticleId, HighlightId, TagId
from app.notes.links import normalise
from app.qdpx.read_model import QdaNote, QdaProject
from app.services.note_links import sync_links
from app.services.unit import Transaction
from app.store import notes as note_rows
from app.store import tags

MAX_TITLE = 200
TITLE_WORDS = 80


def write_notes(tx: Transaction, project: QdaProject, remarks: list[tuple[str, str]],
                article_of: dict[str, ArticleId], highlight_of: dict[str, HighlightId],
                tag_of: dict[str, TagId]) -> int:
    """Store the project's notes; returns how many. Unlinkable targets are remarked in
    ``remarks``."""
    if not project.notes:
        return 0
    taken = {normalise(t) for t in note_rows.titles(tx.session).values()}
    paths = tags.paths(tx.session)
    now = dt.datetime.now()
    for note in project.notes:
        about = [_about(target, article_of, highlight_of, tag_of, paths)
                 for target in note.targets]
        body = _body(note, project, [a for a in about if a])
        title = _free(_title(note), taken)
        note_id = note_rows.insert_note(tx.rec, title, body, None, now)
        sync_links(tx, note_id, body)
        missing = sum(1 for a in about if not a)
        if missing:
            remarks.append((f"note '{title}'", f"{missing} of what it is "
                                               "about was not imported; not linked"))
    return len(project.notes)


def _about(target: str, article_of: dict[str, ArticleId],
           highlight_of: dict[str, HighlightId], tag_of: dict[str, TagId],
           paths: dict[TagId, str]) -> str:
    if not target:
        return "the project"
    if target in highlight_of:
        return f"[[passage:{highlight_of[target]}]]"
    if target in article_of:
        return f"[[article:{article_of[target]}]]"
    if target in tag_of:
        return f"tag `{paths.get(tag_of[target], '')}`"
    return ""


def _body(note: QdaNote, project: QdaProject, about: list[str]) -> str:
    lines = [note.text.strip(), ""]
    origin = [f"Imported from the REFI-QDA project “{project.name}”"]
    author = project.users.get(note.user, "")
    if author:
        origin.append(f"by {author}")
    if note.created:
        origin.append(note.created[:10])
    lines.append("*" + ", ".join(origin) + ".*")
    if about:
        lines.append("")
        lines.append("About: " + ", ".join(about))
    return "\n".join(lines).strip() + "\n"


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
