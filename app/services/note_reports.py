"""Reports for colleagues: notes with sourced quotations, actor and agreement dossiers.

The Markdown is written by :mod:`app.notes.reports` (no database); this module gathers
what it needs (notes with their links resolved, actors with mentions and roles,
agreements with evidence) and renders the chosen format.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from app.core.errors import ValidationError
from app.core.notes import Note, NoteSummary
from app.notes import reports
from app.notes.links import Resolved

if TYPE_CHECKING:
    from app.services.actors import ActorService
    from app.services.agreements import AgreementService

log = logging.getLogger(__name__)

Links = dict[tuple[str, str], Resolved]


def formatted(title: str, markdown: str, fmt: str) -> str:
    """A Markdown report as asked: unchanged ("md") or a standalone HTML page ("html")."""
    if fmt not in reports.FORMATS:
        raise ValidationError(f"reports are {' or '.join(reports.FORMATS)}, not {fmt!r}")
    return markdown if fmt == "md" else reports.to_html(title, markdown)


class NoteReports:
    """Export notes and dossiers as Markdown or HTML.

    Args:
        get: a note by id.
        notes: every note's summary, by title.
        resolve: the links of a Markdown text, resolved as from that note.
        actors, agreements: the notebook's, for dossiers.
    """

    def __init__(self, get: Callable[[int], Note], notes: Callable[[], list[NoteSummary]],
                 resolve: Callable[[str, int], Links], actors: ActorService,
                 agreements: AgreementService) -> None:
        self._get = get
        self._notes = notes
        self._resolve = resolve
        self._actors = actors
        self._agreements = agreements

    def export_note(self, note_id: int, fmt: str = "md") -> str:
        """A note as a report: quotations with sources as endnotes."""
        note = self._get(note_id)
        links = self._resolve(note.body, note.id)
        return formatted(note.title, reports.note_report(note.title, note.body, links), fmt)

    def export_notebook(self, name: str = "Notes", fmt: str = "md") -> str:
        """Every note (by title) in one report with one list of sources."""
        pages = [self._get(n.id) for n in self._notes()]
        links: Links = {}
        for page in pages:
            links.update(self._resolve(page.body, page.id))
        markdown = reports.notebook_report(name, [(p.title, p.body) for p in pages], links)
        return formatted(name, markdown, fmt)

    def actor_dossier(self, actor_id: int, fmt: str = "md") -> str:
        """An actor's dossier: aliases, mentions in context, agreements with evidence."""
        actor = self._actors.get(actor_id)
        roles = self._actors.roles(actor_id)
        found = {r.agreement_id: self._agreements.get(r.agreement_id) for r in roles}
        markdown = reports.actor_dossier(actor, self._actors.mentions(actor_id), roles, found)
        return formatted(actor.name, markdown, fmt)

    def agreement_dossier(self, agreement_id: int, fmt: str = "md") -> str:
        """An agreement's dossier: parties, value, timeline, evidence with stance."""
        agreement = self._agreements.get(agreement_id)
        return formatted(agreement.title, reports.agreement_dossier(agreement), fmt)

