"""Markdown notes and memos (Qt- and database-free): ``[[links]]`` (:mod:`.links`),
rendering to safe HTML (:mod:`.render`), records (:mod:`.model`) and reports
(:mod:`.reports`). Resolving links against a notebook is ``app.services.notes``'s job."""

from app.notes.render import render_markdown

__all__ = ["render_markdown"]
