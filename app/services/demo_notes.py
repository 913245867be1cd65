"""Notes of the demo notebook, from ``seeds/notes.json``.

A body names passages as ``{{key}}``; each key is an exact quote in a seed article,
found at seeding time and cited through :meth:`NoteService.cite` (which reuses the seed
highlight of that span), so the note links ``[[passage:<highlight id>]]``. A quote that
is not found is logged and left as plain text, never guessed.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.ids import NoteId
from app.notes.links import link_markdown

if TYPE_CHECKING:
    from app.services.notebook import Notebook

log = logging.getLogger(__name__)

NOTES_FILE = "notes.json"
_PLACEHOLDER = re.compile(r"\{\{([a-z0-9_]+)\}\}")


def seed_notes(nb: Notebook, ids: dict[str, int], seeds: Path) -> list[NoteId]:
    """Create the demo notes; returns their ids (none without ``notes.json``)."""
    path = seeds / NOTES_FILE
    if not path.exists():
        log.info("no %s in %s: the demo has no notes", NOTES_FILE, seeds)
        return []
    spec = json.loads(path.read_text(encoding="utf-8"))
    links = {key: _passage_link(nb, ids, item) for key, item in spec["passages"].items()}
    made: list[NoteId] = []
    for item in spec["notes"]:
        body = _PLACEHOLDER.sub(lambda m: links.get(m.group(1)) or "", item["body"])
        note, _ = nb.notes.create(item["title"], body)
        made.append(note.id)
    return made


def _passage_link(nb: Notebook, ids: dict[str, int], item: dict[str, Any]) -> str:
    """``[[passage:id]]`` for a quoted span of a seed article ("" when not found)."""
    article_id = ids.get(item["article"])
    if article_id is None:
        log.warning("demo note cites an unknown seed article %s", item["article"])
        return ""
    start = nb.articles.get(article_id).text.find(item["quote"])
    if start < 0:
        log.warning("demo note quote not found in %s: %.40s", item["article"], item["quote"])
        return ""
    citation, _ = nb.notes.cite(article_id, start, start + len(item["quote"]))
    return link_markdown("passage", str(citation.highlight_id))
