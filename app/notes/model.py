"""The note records now live in :mod:`app.core.notes` (one package for all records).

Kept as a re-export so that views importing ``app.notes.model`` keep working until they
import from ``app.core.notes`` directly.
"""

from app.core.notes import Backlink, Citation, Note, NoteDocument, NoteSummary

__all__ = ["Backlink", "Citation", "Note", "NoteDocument", "NoteSummary"]
