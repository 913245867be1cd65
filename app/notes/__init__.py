"""Markdown notes and memos: rendering to safe HTML (Qt-free)."""

from app.notes.render import render_markdown

__all__ = ["render_markdown"]
