"""Frozen records of notes, their links, citations and search documents (stdlib only)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.core.conflicts import NO_STAMP, Stamp
from app.core.ids import ArticleId, HighlightId, NoteId


@dataclass(frozen=True, slots=True)
class NoteSummary:
    """One row of the notes list: a note without its body."""

    id: NoteId
    title: str
    parent_id: NoteId | None
    created_at: dt.datetime
    modified_at: dt.datetime
    char_count: int = 0


@dataclass(frozen=True, slots=True)
class Note:
    """A whole note: its summary and its Markdown body."""

    summary: NoteSummary
    body: str
    stamp: Stamp = NO_STAMP  # version and last change: pass the record back to edit it

    @property
    def id(self) -> NoteId:
        return self.summary.id

    @property
    def title(self) -> str:
        return self.summary.title


@dataclass(frozen=True, slots=True)
class Backlink:
    """A note that links to some record, with the line of the note around the link.

    ``target_id`` is the id of a record of ``kind`` (actor, agreement, article, passage
    or note), so it is a plain int.
    """

    note_id: NoteId
    note_title: str
    kind: str
    target_id: int
    context: str


@dataclass(frozen=True, slots=True)
class Citation:
    """A passage ready to paste into a note: its highlight and the Markdown to insert."""

    highlight_id: HighlightId
    article_id: ArticleId
    markdown: str


@dataclass(frozen=True, slots=True)
class NoteDocument:
    """What a note contributes to the search index.

    ``actor_names`` are the spellings (names and aliases) of the actors the note links to,
    so that ``actor:Tokajew`` finds a note linking ``[[Tokayev]]``, as for articles.
    ``language`` is guessed from the body (:func:`app.core.language.guess_language`).
    """

    id: NoteId
    title: str
    body: str
    modified_at: dt.datetime
    actor_names: tuple[str, ...] = ()
    language: str = ""

    @property
    def rev(self) -> int:
        """The document's revision: the note's last change in whole seconds."""
        return int(self.modified_at.timestamp())

    @property
    def published(self) -> str:
        """The date a note is filed under in the index (``date:`` queries): its last
        change."""
        return self.modified_at.date().isoformat()
