"""Markdown notes and memos (Qt- and database-free): ``[[links]]`` (:mod:`.links`),
rendering to safe HTML (:mod:`.render`) and reports (:mod:`.reports`); the records live in
:mod:`app.core.notes`. Resolving links against a notebook is ``app.services.note_links``'s
job."""

from app.notes.render import render_markdown

__all__ = ["render_markdown"]
