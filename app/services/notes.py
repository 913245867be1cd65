"""Research notes: Markdown pages with ``[[links]]``, backlinks, citations and search.

Every edit is one transaction through the notebook's :class:`~app.services.unit.Writer`
and one undo step. Autosaved typing (:meth:`NoteService.save_body`, called about once a
second by the editor) folds into the previous undo step while the same note keeps being
edited, so undo takes back a burst of typing, not one second of it.

Rows are read and written by :mod:`app.store.notes` and :mod:`app.store.note_links`;
link resolution is :mod:`app.services.note_links`, reports
:mod:`app.services.note_reports`; search is the notebook's one
:class:`~app.services.search.SearchService`, restricted to notes or not.
"""

from __future__ import annotations

import builtins
import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from app.core.changes import Changes
from app.core.errors import ValidationError
from app.core.ids import ArticleId, NoteId
from app.core.notes import Backlink, Citation, Note, NoteSummary
from app.core.progress import CancelToken, ProgressFn, no_progress
from app.core.records import SearchResults
from app.notes.links import (
    LinkRef,
    Resolved,
    find_links,
    link_markdown,
    normalise,
    parse_inner,
)
from app.notes.render import render_markdown, short_quote
from app.services import note_links as links
from app.services.conflicts import expect, not_found, write_note_body
from app.services.history import History
from app.services.note_reports import NoteReports
from app.services.unit import Transaction, Writer
from app.store import note_links as link_rows
from app.store import notes as note_rows
from app.store.engine import translated_errors
from app.store.sessions import Session, Sessions

if TYPE_CHECKING:
    from app.services.actors import ActorService
    from app.services.agreements import AgreementService
    from app.services.annotations import AnnotationService
    from app.services.search import SearchService

log = logging.getLogger(__name__)

COALESCE_SECONDS = 10.0
"""Autosaves of one note's body less than this apart share one undo step."""
MAX_TITLE = 500
QUOTE_LABEL = 400
NOTE_KINDS = ("note",)
"""The search document kinds of notes (``SearchService`` kinds)."""
ARTICLE_COMPLETIONS = 50
"""Article titles looked at per completion request (the library may hold 100,000)."""


def _now() -> dt.datetime:
    """Local time with microseconds, so "last change" orders saves within one second."""
    return dt.datetime.now()


def _title(title: str) -> str:
    clean = " ".join(title.split())
    if not clean:
        raise ValidationError("a note needs a title")
    if len(clean) > MAX_TITLE:
        raise ValidationError(f"a note title has at most {MAX_TITLE} characters")
    return clean


def _label(verb: str, title: str) -> str:
    return f"{verb} note '{short_quote(title)[:60]}'"


def _get(session: Session, note_id: int) -> Note:
    note = note_rows.get(session, note_id)
    if note is None:
        raise not_found(session, "note", note_id)
    return note


def _free_title(session: Session, title: str, note_id: int | None = None) -> str:
    """``title``, or with the first number that makes it unique ("Findings (2)")."""
    taken = {normalise(t) for i, t in note_rows.titles(session).items() if i != note_id}
    candidate, number = title, 2
    while normalise(candidate) in taken:
        candidate, number = f"{title} ({number})", number + 1
    return candidate


def _ancestors(session: Session, note_id: int) -> set[NoteId]:
    parents = note_rows.parents(session)
    out: set[NoteId] = set()
    current: NoteId | None = NoteId(note_id)
    while current is not None and current not in out:
        out.add(current)
        current = parents.get(current)
    return out


class NoteService:
    """Create, edit, link, cite, search and export notes.

    Args:
        sessions, writer, history: the notebook's.
        annotations: highlights, for citing passages.
        actors, agreements: for dossiers and alias-aware search.
        search: the notebook's search (one index of articles and notes).
        clock: monotonic seconds, for coalescing autosaves (tests pass a fake one).
    """

    def __init__(self, sessions: Sessions, writer: Writer, history: History, *,
                 annotations: AnnotationService, actors: ActorService,
                 agreements: AgreementService, search: SearchService,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._sessions = sessions
        self._writer = writer
        self._history = history
        self._annotations = annotations
        self._clock = clock
        self._search = search
        self._reports = NoteReports(self.get, self.list, self.resolve_text, actors, agreements)

    # -- reading ------------------------------------------------------------------------
    def list(self, sort: str = "title", descending: bool = False) -> list[NoteSummary]:
        """Every note without its body, by title, last change ("modified") or creation."""
        if sort not in note_rows.SORTS:
            raise ValidationError(f"notes sort by {', '.join(note_rows.SORTS)}, not {sort!r}")
        with translated_errors(), self._sessions() as session:
            return note_rows.summaries(session, sort, descending)

    def get(self, note_id: int) -> Note:
        with translated_errors(), self._sessions() as session:
            return _get(session, note_id)

    def find(self, title: str) -> NoteSummary | None:
        """The note titled so (ignoring case and spacing), or None."""
        wanted = normalise(title)
        return next((n for n in self.list() if normalise(n.title) == wanted), None)

    # -- editing ------------------------------------------------------------------------
    def create(self, title: str, body: str = "", parent_id: int | None = None
               ) -> tuple[Note, Changes]:
        """A new note; a title already taken gets a number ("Findings (2)")."""
        title = _title(title)
        with self._writer.edit(_label("create", title)) as tx:
            if parent_id is not None:
                _get(tx.session, parent_id)
            note_id = note_rows.insert_note(tx.rec, _free_title(tx.session, title), body,
                                            parent_id, _now())
            links.sync_links(tx, note_id, body)
            self._sync_broken(tx, ("note",))
        return self.get(note_id), tx.changes

    def rename(self, note_id: int, title: str, seen: Note | None = None) -> Changes:
        """Retitle a note. Links to it by its old title keep working (they remember it).
        ``seen``, the note as the user saw it, makes this a versioned write: a colleague's
        rename since conflicts, their text edit or move merges."""
        title = _title(title)
        with self._writer.edit(_label("rename", title)) as tx:
            _get(tx.session, note_id)
            expect(tx, seen)
            if _free_title(tx.session, title, note_id) != title:
                raise ValidationError(f"another note is already titled {title!r}")
            note_rows.update_note(tx.rec, note_id, {"title": title, "modified_at": _now()})
            self._sync_broken(tx, ("note",))
        return tx.changes

    def move(self, note_id: int, parent_id: int | None, seen: Note | None = None
             ) -> Changes:
        """Put a note under another (None: at the top); refuses cycles. ``seen``: a
        versioned write (a colleague's move since conflicts, their rename merges)."""
        with self._writer.edit("move note") as tx:
            _get(tx.session, note_id)
            expect(tx, seen)
            if parent_id is not None:
                _get(tx.session, parent_id)
                if note_id in _ancestors(tx.session, parent_id):
                    raise ValidationError("a note cannot be moved under itself")
            note_rows.update_note(tx.rec, note_id, {"parent_id": parent_id})
        return tx.changes

    def save_body(self, note_id: int, body: str, seen: Note | None = None) -> Changes:
        """Save the Markdown of a note (autosave). Consecutive saves of one note within
        :data:`COALESCE_SECONDS` of each other are one undo step.

        ``seen`` (the note as the editor loaded or last saved it) merges the text line
        by line with a colleague's change saved meanwhile, or keeps theirs and saves
        this text as a linked conflict copy (:func:`app.services.conflicts.
        write_note_body`; ``nb.conflicts.save_note`` says which happened)."""
        label = _label("edit", (seen or self.get(note_id)).title)
        with self._writer.edit(label, undoable=False) as tx:
            if seen is not None:
                write_note_body(tx, note_id, body, seen, _now())
            elif _get(tx.session, note_id).body != body:
                note_rows.update_note(tx.rec, note_id, {"body": body, "modified_at": _now()})
                links.sync_links(tx, note_id, body)
        self._history.record_coalesced(label, tx.rec.ops, f"note-body:{note_id}",
                                       COALESCE_SECONDS, now=self._clock())
        return tx.changes

    def delete(self, note_id: int, seen: Note | None = None) -> Changes:
        """Delete a note; its child notes move up to its parent. Undo restores all.
        With ``seen``, refused (ConflictError) when it changed since the user saw it."""
        with self._writer.edit("delete note") as tx:
            note = _get(tx.session, note_id)
            expect(tx, seen)
            note_rows.delete_note(tx.rec, note_id, note.summary.parent_id)
        return replace(tx.changes, label=_label("delete", note.title))

    # -- links --------------------------------------------------------------------------
    def refresh_links(self) -> Changes:
        """Re-resolve every note's links (after targets were renamed or deleted)."""
        with self._writer.edit("refresh note links", undoable=False) as tx:
            links.sync_notes(tx, note_rows.ids(tx.session))
        self._history.absorb(tx.rec.ops)
        return tx.changes

    def refresh_stale_links(self) -> Changes:
        """Re-resolve only the notes whose links need it: broken links whose target now
        exists (an actor, agreement, article or note created or renamed after the link
        was written) and links to targets that are gone. Cheap when nothing is stale
        (one query on broken links, one per kind of resolved link); called before
        backlinks and searches so neither depends on who created the target."""
        with translated_errors(), self._sessions() as session:
            stale = links.stale_notes(session)
        if not stale:
            return Changes()
        with self._writer.edit("refresh note links", undoable=False) as tx:
            links.sync_notes(tx, stale)
        # Part of the newest undo step: undoing it must take the re-resolution back.
        self._history.absorb(tx.rec.ops)
        return tx.changes

    def _sync_broken(self, tx: Transaction, kinds: Sequence[str]) -> None:
        """Inside an edit that creates or renames a target: re-sync the notes whose
        links of these kinds were broken and resolve now (recorded, so undo agrees)."""
        links.sync_notes(tx, links.stale_notes(tx.session, kinds))

    def resolve(self, refs: Iterable[LinkRef], note_id: int | None = None
                ) -> dict[tuple[str, str], Resolved]:
        """What each link points at now (missing keys are broken links). With
        ``note_id``, links whose target was renamed still find it."""
        wanted = list(refs)
        with translated_errors(), self._sessions() as session:
            last = links.last_targets(session, note_id) if note_id is not None else {}
            return links.resolve(session, wanted, last)

    def resolve_text(self, markdown: str, note_id: int | None = None
                     ) -> dict[tuple[str, str], Resolved]:
        """The links of a Markdown text, resolved (as from ``note_id`` when given)."""
        return self.resolve(find_links(markdown), note_id)

    def render(self, markdown: str, note_id: int | None = None) -> str:
        """Sanitised HTML of a note's (or memo's) Markdown with its links resolved."""
        return render_markdown(markdown, self.resolve_text(markdown, note_id))

    def backlinks(self, kind: str, target_id: int) -> builtins.list[Backlink]:
        """Notes linking to an actor, agreement, article, passage (highlight) or note.

        For an article, notes citing passages of it are included too.
        """
        self.refresh_stale_links()
        with translated_errors(), self._sessions() as session:
            found = links.backlinks(session, kind, [target_id])
            if kind == "article":
                passages = link_rows.article_highlight_ids(session, target_id)
                found += links.backlinks(session, "passage", passages) if passages else []
        return found

    def complete(self, text: str, limit: int = 20) -> builtins.list[tuple[str, str]]:
        """Completions for ``[[text``: ``(display, link)`` pairs, ``link`` the whole
        ``[[...]]`` to insert. ``text`` may carry a kind prefix ("agreement:tung")."""
        kind, target = _split_prefix(text)
        wanted = normalise(target)
        out: builtins.list[tuple[str, str]] = []
        with translated_errors(), self._sessions() as session:
            for option_kind, titles in _catalog(session, kind, target):
                for title in titles:
                    if not wanted or wanted in normalise(title):
                        out.append((f"{title} ({option_kind})",
                                    link_markdown(option_kind, title)))
        out.sort(key=lambda o: (not normalise(o[0]).startswith(wanted), o[0].casefold()))
        return list(dict.fromkeys(out))[:limit]

    def cite(self, article_id: int, start: int, end: int) -> tuple[Citation, Changes]:
        """A citation of ``[start, end)`` of an article for a note: the passage becomes
        (or reuses) a highlight, and the Markdown quotes it with a passage link."""
        with self._writer.edit("cite passage") as tx:
            hid, _created = self._annotations.ensure_at_span(tx, article_id, start, end)
        quote = " ".join(self._annotations.get(hid).exact.split())
        if len(quote) > QUOTE_LABEL:
            quote = quote[: QUOTE_LABEL - 1].rstrip() + "…"
        markdown = link_markdown("passage", str(hid), f"„{quote}“")
        return Citation(hid, ArticleId(article_id), markdown), tx.changes

    # -- reports ------------------------------------------------------------------------
    def export_note(self, note_id: int, fmt: str = "md") -> str:
        """A note as a Markdown or HTML report: quotations with sources as endnotes."""
        return self._reports.export_note(note_id, fmt)

    def export_notebook(self, name: str = "Notes", fmt: str = "md") -> str:
        """Every note (by title) in one report with one list of sources."""
        return self._reports.export_notebook(name, fmt)

    def actor_dossier(self, actor_id: int, fmt: str = "md") -> str:
        """An actor's dossier: aliases, mentions in context, agreements with evidence."""
        return self._reports.actor_dossier(actor_id, fmt)

    def agreement_dossier(self, agreement_id: int, fmt: str = "md") -> str:
        """An agreement's dossier: parties, value, timeline, evidence with stance."""
        return self._reports.agreement_dossier(agreement_id, fmt)

    # -- search -------------------------------------------------------------------------
    # Notes live in the notebook's one index beside the articles (one ranking, one score
    # scale). Queued notes are indexed before each search, so a note just typed is found;
    # queued articles are left to the indexer thread, so a search during a big import
    # does not wait for it.
    def search(self, query: str, offset: int = 0, limit: int = 20) -> SearchResults:
        """Notes matching ``query`` (the article query syntax); hits have kind "note"."""
        return self.search_all(query, offset, limit, kinds=NOTE_KINDS)

    def search_all(self, query: str, offset: int = 0, limit: int = 20,
                   kinds: Sequence[str] = ("article", "note"),
                   progress: ProgressFn = no_progress,
                   cancel: CancelToken | None = None) -> SearchResults:
        """Articles and notes in one ranking, filtered by ``kinds``.

        ``progress`` and ``cancel`` reach the notes flush: on an index that must be
        rebuilt first (new, or behind the change log's floor) that flush is long work."""
        self.refresh_stale_links()
        self._search.flush(progress, cancel, kinds=NOTE_KINDS)
        return self._search.search(query, offset, limit, kinds=kinds)

    def flush_index(self) -> int:
        """Index every queued note now; returns how many were written or removed."""
        return self._search.flush(kinds=NOTE_KINDS)

    def reindex(self) -> int:
        """Rewrite every note's search document from the database; returns how many."""
        return self._search.reindex(kinds=NOTE_KINDS)

    def close(self) -> None:
        """Nothing to release: the index belongs to the notebook (kept for callers that
        close what they open)."""

def _catalog(session: Session, kind: str, target: str) -> list[tuple[str, Iterable[str]]]:
    """Link targets to complete from, per kind (articles only for 2+ typed characters)."""
    names = link_rows.actor_spellings(session) if kind in ("", "actor") else {}
    options: list[tuple[str, Iterable[str]]] = [
        ("actor", [s for found in names.values() for s in found])]
    if kind in ("", "agreement"):
        options.append(("agreement", link_rows.agreement_titles(session).values()))
    if kind in ("", "note"):
        options.append(("note", note_rows.titles(session).values()))
    if kind in ("", "article") and len(target) >= 2:
        options.append(("article", link_rows.article_titles_containing(
            session, target, ARTICLE_COMPLETIONS)))
    return options


def _split_prefix(text: str) -> tuple[str, str]:
    """``kind, target`` of a partly typed link; kind "" when not given."""
    kind, target, _label = parse_inner(text)
    explicit = ":" in text and text.partition(":")[0].strip().casefold() == kind
    return (kind if explicit else ""), target
