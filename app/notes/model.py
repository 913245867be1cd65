"""Frozen records of notes, their links and citations (stdlib only, never ORM objects)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NoteSummary:
    """One row of the notes list: a note without its body."""

    id: int
    title: str
    parent_id: int | None
    created_at: dt.datetime
    modified_at: dt.datetime
    char_count: int = 0


@dataclass(frozen=True, slots=True)
class Note:
    """A whole note: its summary and its Markdown body."""

    summary: NoteSummary
    body: str

    @property
    def id(self) -> int:
        return self.summary.id

    @property
    def title(self) -> str:
        return self.summary.title


@dataclass(frozen=True, slots=True)
class Backlink:
    """A note that links to some record, with the line of the note around the link."""

    note_id: int
    note_title: str
    kind: str
    target_id: int
    context: str


@dataclass(frozen=True, slots=True)
class Citation:
    """A passage ready to paste into a note: its highlight and the Markdown to insert."""

    highlight_id: int
    article_id: int
    markdown: str
