"""Research notes: Markdown pages with ``[[links]]``, backlinks, citations and search.

Every edit is one transaction through the notebook's :class:`~app.services.unit.Writer`
and one undo step. Autosaved typing (:meth:`NoteService.save_body`, called about once a
second by the editor) folds into the previous undo step while the same note keeps being
edited, so undo takes back a burst of typing, not one second of it.

Notes are searched in their own Whoosh index next to the articles' one (same schema,
analyzers and query syntax, via :class:`app.search.SearchIndex`): the article index, its
outbox and its consistency check stay exactly as they were. A search hook writes a
``note_outbox`` row in the transaction of every edit (undo and redo included) that
touches a note; :meth:`NoteService.flush_index` drains it before each search.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.core.changes import Changes
from app.core.errors import NotFound, ValidationError
from app.core.records import SearchResults
from app.notes import reports
from app.notes.links import (
    KINDS,
    LinkRef,
    Resolved,
    find_links,
    link_markdown,
    normalise,
    parse_inner,
)
from app.notes.model import Backlink, Citation, Note, NoteSummary
from app.notes.render import render_markdown, short_quote
from app.search import IndexDoc, SearchIndex
from app.services import note_queries as q
from app.services import unit
from app.services.history import History
from app.services.unit import Transaction, Writer
from app.store import ops
from app.store import schema_notes as sn
from app.store.engine import translated_errors
from app.store.ops import Op

log = logging.getLogger(__name__)

N, NL, NOB = sn.note, sn.note_link, sn.note_outbox
COALESCE_SECONDS = 10.0
"""Autosaves of one note's body less than this apart share one undo step."""
MAX_TITLE = 500
QUOTE_LABEL = 400
_LIKE_SPECIAL = re.compile(r"[%_\\]")
SORTS = {"title": (func.lower(N.c.title), N.c.id), "modified": (N.c.modified_at, N.c.id),
         "created": (N.c.created_at, N.c.id)}


_TARGET_TABLES = {"actor": "actor", "agreement": "agreement", "article": "article",
                  "highlight": "passage", "note": "note"}
"""Link kind of the rows of each table a link can point at."""


def _detach_deleted_targets(session: Session, ops_: list[Op]) -> set[int]:
    """Mark links to targets these ops delete as broken; returns the notes affected.

    Ids of deleted rows can be reused by SQLite, so a link row must not keep pointing at
    one. Written directly (not recorded): undo restores the target, and the next
    :meth:`NoteService.refresh_stale_links` resolves the link again by name.
    """
    gone: dict[str, set[int]] = {}
    for op in ops_:
        kind = _TARGET_TABLES.get(op.table)
        if kind is not None and op.kind == "delete" and "id" in op.row:
            gone.setdefault(kind, set()).add(op.row["id"])
    notes: set[int] = set()
    for kind, ids in gone.items():
        where = (NL.c.kind == kind) & NL.c.target_id.in_(sorted(ids))
        notes |= set(session.scalars(select(NL.c.note_id).where(where)))
        session.execute(update(NL).where(where).values(target_id=None))
    return notes


def _queue_notes(session: Session, ops_: list[Op]) -> set[int]:
    """Search hook: detach links to deleted targets, then queue every note these ops
    touch (returns no articles)."""
    ids = _detach_deleted_targets(session, ops_)
    ids |= {op.row["id"] for op in ops_ if op.table == N.name}
    ids |= {op.row["note_id"] for op in ops_ if op.table == NL.name and "note_id" in op.row}
    if ids:
        session.execute(insert(NOB), [{"note_id": i} for i in sorted(ids)])
    return set()


def register_tables() -> None:
    """Make note rows undoable, visible in Changes and queued for search (idempotent)."""
    ops.register(N, "notes")
    ops.register(NL, None, (("note_id", "notes"),))
    if _queue_notes not in unit.SEARCH_HOOKS:
        unit.SEARCH_HOOKS.append(_queue_notes)


register_tables()


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


class NoteService:
    """Create, edit, link, cite, search and export notes.

    Args:
        sessions, writer, history: the notebook's.
        index_dir: the notes' own search index folder.
        peers: the notebook (for ``annotations`` when citing, ``actors`` for alias-aware
            search and ``search`` for results beside articles); attributes it lacks only
            disable those features.
        clock: monotonic seconds, for coalescing autosaves (tests pass a fake one).
    """

    def __init__(self, sessions: sessionmaker[Session], writer: Writer, history: History,
                 index_dir: Path, peers: Any = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._sessions = sessions
        self._writer = writer
        self._history = history
        self._peers = peers
        self._clock = clock
        self._flush_lock = threading.Lock()
        self._index_dir = Path(index_dir)
        self._index = SearchIndex.open(self._index_dir)
        if self._index.was_reset:
            self._enqueue_all()

    # -- reading ------------------------------------------------------------------------
    def list(self, sort: str = "title", descending: bool = False) -> list[NoteSummary]:
        """Every note without its body, by title, last change ("modified") or creation."""
        keys = SORTS.get(sort)
        if keys is None:
            raise ValidationError(f"notes sort by {', '.join(SORTS)}, not {sort!r}")
        order = [k.desc() for k in keys] if descending else list(keys)
        with translated_errors(), self._sessions() as session:
            return [q.summary(r) for r in session.execute(select(*q.SUMMARY).order_by(*order))]

    def get(self, note_id: int) -> Note:
        with translated_errors(), self._sessions() as session:
            return self._get(session, note_id)

    @staticmethod
    def _get(session: Session, note_id: int) -> Note:
        row = session.execute(select(*q.SUMMARY, N.c.body).where(N.c.id == note_id)).first()
        if row is None:
            raise NotFound(f"note {note_id} does not exist")
        return Note(q.summary(row), row.body)

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
                self._get(tx.session, parent_id)
            now = _now()
            row = tx.rec.insert(N, {"title": self._free_title(tx.session, title), "body": body,
                                    "parent_id": parent_id, "created_at": now,
                                    "modified_at": now})
            self._sync_links(tx, row["id"], body)
            self._sync_broken(tx, ("note",))
        return self.get(row["id"]), tx.changes

    @staticmethod
    def _free_title(session: Session, title: str, note_id: int | None = None) -> str:
        taken = {normalise(t) for i, t in q.note_titles(session).items() if i != note_id}
        candidate, number = title, 2
        while normalise(candidate) in taken:
            candidate, number = f"{title} ({number})", number + 1
        return candidate

    def rename(self, note_id: int, title: str) -> Changes:
        """Retitle a note. Links to it by its old title keep working (they remember it)."""
        title = _title(title)
        with self._writer.edit(_label("rename", title)) as tx:
            self._get(tx.session, note_id)
            if self._free_title(tx.session, title, note_id) != title:
                raise ValidationError(f"another note is already titled {title!r}")
            tx.rec.update(N, {"id": note_id}, {"title": title, "modified_at": _now()})
            self._sync_broken(tx, ("note",))
        return tx.changes

    def move(self, note_id: int, parent_id: int | None) -> Changes:
        """Put a note under another (None: at the top); refuses cycles."""
        with self._writer.edit("move note") as tx:
            note = self._get(tx.session, note_id)
            if parent_id is not None:
                self._get(tx.session, parent_id)
                if note_id in self._ancestors(tx.session, parent_id):
                    raise ValidationError("a note cannot be moved under itself")
            tx.rec.update(N, {"id": note.id}, {"parent_id": parent_id})
        return tx.changes

    @staticmethod
    def _ancestors(session: Session, note_id: int) -> set[int]:
        parents = {i: p for i, p in session.execute(select(N.c.id, N.c.parent_id))}
        out: set[int] = set()
        current: int | None = note_id
        while current is not None and current not in out:
            out.add(current)
            current = parents.get(current)
        return out

    def save_body(self, note_id: int, body: str) -> Changes:
        """Save the Markdown of a note (autosave). Consecutive saves of one note within
        :data:`COALESCE_SECONDS` of each other are one undo step."""
        with translated_errors(), self._sessions() as session:
            note = self._get(session, note_id)
        label = _label("edit", note.title)
        with self._writer.edit(label, undoable=False) as tx:
            current = self._get(tx.session, note_id)
            if current.body != body:
                tx.rec.update(N, {"id": note_id}, {"body": body, "modified_at": _now()})
                self._sync_links(tx, note_id, body)
        self._history.record_coalesced(label, tx.rec.ops, f"note-body:{note_id}",
                                       COALESCE_SECONDS, now=self._clock())
        return tx.changes

    def delete(self, note_id: int) -> Changes:
        """Delete a note; its child notes move up to its parent. Undo restores all."""
        with self._writer.edit("delete note") as tx:
            note = self._get(tx.session, note_id)
            for child in tx.rec.rows(N, N.c.parent_id == note_id):
                tx.rec.update(N, {"id": child["id"]}, {"parent_id": note.summary.parent_id})
            for link in tx.rec.rows(NL, NL.c.note_id == note_id):
                tx.rec.delete(NL, link)
            tx.rec.delete(N, tx.rec.rows(N, N.c.id == note_id)[0])
        return replace(tx.changes, label=_label("delete", note.title))

    def _sync_links(self, tx: Transaction, note_id: int, body: str) -> None:
        """Rewrite the note's ``note_link`` rows to match its links (only the difference)."""
        refs = find_links(body)
        resolved = q.resolve(tx.session, refs, q.last_targets(tx.session, note_id))
        desired: dict[tuple[str, str], tuple[str, str, int | None]] = {}
        for ref in refs:
            target = resolved.get(ref.key)
            desired.setdefault(ref.key, (ref.kind, ref.target[:MAX_TITLE],
                                         target.target_id if target else None))
        for row in tx.rec.rows(NL, NL.c.note_id == note_id):
            key = (row["kind"], normalise(row["target_text"]))
            if key in desired and desired[key][2] == row["target_id"]:
                del desired[key]
            else:
                tx.rec.delete(NL, row)
        for kind, text, target_id in desired.values():
            tx.rec.insert(NL, {"note_id": note_id, "kind": kind, "target_text": text,
                               "target_id": target_id})

    def refresh_links(self) -> Changes:
        """Re-resolve every note's links (after targets were renamed or deleted)."""
        with self._writer.edit("refresh note links", undoable=False) as tx:
            for note_id, body in tx.session.execute(select(N.c.id, N.c.body)).all():
                self._sync_links(tx, note_id, body)
        return tx.changes

    def refresh_stale_links(self) -> Changes:
        """Re-resolve only the notes whose links need it: broken links whose target now
        exists (an actor, agreement, article or note created or renamed after the link
        was written) and links to targets that are gone. Cheap when nothing is stale
        (one query on broken links, one per kind of resolved link); called before
        backlinks and searches so neither depends on who created the target."""
        with translated_errors(), self._sessions() as session:
            stale = self._stale_notes(session)
        if not stale:
            return Changes()
        with self._writer.edit("refresh note links", undoable=False) as tx:
            for note_id, body in tx.session.execute(
                    select(N.c.id, N.c.body).where(N.c.id.in_(sorted(stale)))).all():
                self._sync_links(tx, note_id, body)
        return tx.changes

    @staticmethod
    def _stale_notes(session: Session, kinds: Sequence[str] = KINDS) -> set[int]:
        """Notes with a broken link that resolves now, or a link to a deleted target.

        Works on distinct targets, not link rows, so a thousand notes citing the same
        missing name cost one resolution."""
        broken = session.execute(select(NL.c.kind, NL.c.target_text).distinct().where(
            NL.c.target_id.is_(None), NL.c.kind.in_(kinds))).all()
        found = q.resolve(session, [LinkRef(k, t) for k, t in broken]) if broken else {}
        fixable: dict[str, list[str]] = {}
        for kind, text in broken:
            if (kind, normalise(text)) in found:
                fixable.setdefault(kind, []).append(text)
        out: set[int] = set()
        for kind, texts in fixable.items():
            out |= set(session.scalars(select(NL.c.note_id).where(
                NL.c.target_id.is_(None), NL.c.kind == kind, NL.c.target_text.in_(texts))))
        for kind in kinds:
            ids = set(session.scalars(select(NL.c.target_id).distinct().where(
                NL.c.kind == kind, NL.c.target_id.is_not(None))))
            gone = sorted(ids - set(q.exists(session, kind, ids)))
            if gone:
                out |= set(session.scalars(select(NL.c.note_id).where(
                    NL.c.kind == kind, NL.c.target_id.in_(gone))))
        return out

    def _sync_broken(self, tx: Transaction, kinds: Sequence[str]) -> None:
        """Inside an edit that creates or renames a target: re-sync the notes whose
        links of these kinds were broken and resolve now (recorded, so undo agrees)."""
        for note_id in sorted(self._stale_notes(tx.session, kinds)):
            body = tx.session.scalar(select(N.c.body).where(N.c.id == note_id))
            self._sync_links(tx, note_id, body or "")

    # -- links --------------------------------------------------------------------------
    def resolve(self, refs: Iterable[LinkRef], note_id: int | None = None
                ) -> dict[tuple[str, str], Resolved]:
        """What each link points at now (missing keys are broken links). With
        ``note_id``, links whose target was renamed still find it."""
        with translated_errors(), self._sessions() as session:
            last = q.last_targets(session, note_id) if note_id is not None else {}
            return q.resolve(session, list(refs), last)

    def render(self, markdown: str, note_id: int | None = None) -> str:
        """Sanitised HTML of a note's (or memo's) Markdown with its links resolved."""
        return render_markdown(markdown, self.resolve(find_links(markdown), note_id))

    def backlinks(self, kind: str, target_id: int) -> list[Backlink]:
        """Notes linking to an actor, agreement, article, passage (highlight) or note.

        For an article, notes citing passages of it are included too.
        """
        self.refresh_stale_links()
        with translated_errors(), self._sessions() as session:
            found = q.backlinks(session, kind, [target_id])
            if kind == "article":
                hids = [h for (h,) in session.execute(
                    select(q.H.c.id).where(q.H.c.article_id == target_id))]
                found += q.backlinks(session, "passage", hids) if hids else []
        return found

    def complete(self, text: str, limit: int = 20) -> list[tuple[str, str]]:
        """Completions for ``[[text``: ``(display, link)`` pairs, ``link`` the whole
        ``[[...]]`` to insert. ``text`` may carry a kind prefix ("agreement:tung")."""
        kind, target = _split_prefix(text)
        wanted = normalise(target)
        out: list[tuple[str, str]] = []
        with translated_errors(), self._sessions() as session:
            for option_kind, titles in self._catalog(session, kind, target):
                for title in titles:
                    if not wanted or wanted in normalise(title):
                        out.append((f"{title} ({option_kind})",
                                    link_markdown(option_kind, title)))
        out.sort(key=lambda o: (not normalise(o[0]).startswith(wanted), o[0].casefold()))
        return list(dict.fromkeys(out))[:limit]

    @staticmethod
    def _catalog(session: Session, kind: str, target: str
                 ) -> list[tuple[str, Iterable[str]]]:
        spellings = q.actor_spellings(session) if kind in ("", "actor") else {}
        options: list[tuple[str, Iterable[str]]] = [
            ("actor", [s for names in spellings.values() for s in names])]
        if kind in ("", "agreement"):
            options.append(("agreement", q.agreement_titles(session).values()))
        if kind in ("", "note"):
            options.append(("note", q.note_titles(session).values()))
        if kind in ("", "article") and len(target) >= 2:
            like = "%" + _LIKE_SPECIAL.sub(r"\\\g<0>", target) + "%"
            rows = session.execute(select(q.A.c.title).where(
                q.A.c.title.ilike(like, escape="\\")).limit(50))
            options.append(("article", [t for (t,) in rows]))
        return options

    def cite(self, article_id: int, start: int, end: int) -> tuple[Citation, Changes]:
        """A citation of ``[start, end)`` of an article for a note: the passage becomes
        (or reuses) a highlight, and the Markdown quotes it with a passage link."""
        annotations = getattr(self._peers, "annotations", None)
        if annotations is None:
            raise ValidationError("citing needs the notebook's highlights")
        with self._writer.edit("cite passage") as tx:
            hid = tx.session.scalar(select(q.H.c.id).where(
                q.H.c.article_id == article_id, q.H.c.start == start, q.H.c.end == end))
            if hid is None:
                hid = annotations.add_in(tx, article_id, start, end, ())
            exact = tx.session.scalar(select(q.H.c.exact).where(q.H.c.id == hid))
        quote = " ".join((exact or "").split())
        if len(quote) > QUOTE_LABEL:
            quote = quote[: QUOTE_LABEL - 1].rstrip() + "…"
        markdown = link_markdown("passage", str(hid), f"„{quote}“")
        return Citation(int(hid), article_id, markdown), tx.changes

    # -- reports ------------------------------------------------------------------------
    def export_note(self, note_id: int, fmt: str = "md") -> str:
        """A note as a Markdown or HTML report: quotations with sources as endnotes."""
        note = self.get(note_id)
        links = self.resolve(find_links(note.body), note_id)
        return _formatted(note.title, reports.note_report(note.title, note.body, links), fmt)

    def export_notebook(self, name: str = "Notes", fmt: str = "md") -> str:
        """Every note (by title) in one report with one list of sources."""
        pages = [self.get(n.id) for n in self.list("title")]
        links: dict[tuple[str, str], Resolved] = {}
        for page in pages:
            links.update(self.resolve(find_links(page.body), page.id))
        markdown = reports.notebook_report(name, [(p.title, p.body) for p in pages], links)
        return _formatted(name, markdown, fmt)

    def actor_dossier(self, actor_id: int, fmt: str = "md") -> str:
        """An actor's dossier: aliases, mentions in context, agreements with evidence."""
        actors, agreements = self._peer("actors"), self._peer("agreements")
        actor = actors.get(actor_id)
        roles = actors.roles(actor_id)
        found = {r.agreement_id: agreements.get(r.agreement_id) for r in roles}
        markdown = reports.actor_dossier(actor, actors.mentions(actor_id), roles, found)
        return _formatted(actor.name, markdown, fmt)

    def agreement_dossier(self, agreement_id: int, fmt: str = "md") -> str:
        """An agreement's dossier: parties, value, timeline, evidence with stance."""
        agreement = self._peer("agreements").get(agreement_id)
        return _formatted(agreement.title, reports.agreement_dossier(agreement), fmt)

    def _peer(self, name: str) -> Any:
        service = getattr(self._peers, name, None)
        if service is None:
            raise ValidationError(f"this notebook has no {name}")
        return service

    # -- search -------------------------------------------------------------------------
    def search(self, query: str, offset: int = 0, limit: int = 20) -> SearchResults:
        """Notes matching ``query`` (the article query syntax); hits have kind "note"."""
        self.refresh_stale_links()
        self.flush_index()
        expand = getattr(getattr(self._peers, "actors", None), "expand", None)
        found = self._index.search(query, offset=offset, limit=limit, text_of=self._body_of,
                                   expand=expand)
        hits = tuple(replace(h, kind="note", note_id=int(h.article_id), outlet="Note")
                     for h in found.hits)
        return replace(found, hits=hits)

    def search_all(self, query: str, offset: int = 0, limit: int = 20,
                   kinds: Sequence[str] = ("article", "note")) -> SearchResults:
        """Articles and notes in one ranked list (by score), filtered by ``kinds``."""
        search = getattr(self._peers, "search", None)
        parts: list[SearchResults] = []
        if "note" in kinds:
            parts.append(self.search(query, 0, offset + limit))
        if "article" in kinds and search is not None:
            parts.append(search.search(query, offset=0, limit=offset + limit))
        hits = sorted((h for p in parts for h in p.hits), key=lambda h: -h.score)
        return SearchResults(query=query, total=sum(p.total for p in parts), offset=offset,
                             hits=tuple(hits[offset:offset + limit]),
                             elapsed_ms=sum(p.elapsed_ms for p in parts))

    def _body_of(self, note_id: int) -> str | None:
        with self._sessions() as session:
            return session.scalar(select(N.c.body).where(N.c.id == note_id))

    def flush_index(self) -> int:
        """Index every queued note now; returns how many were written or removed."""
        done = 0
        with self._flush_lock:
            while True:
                with translated_errors(), self._sessions() as session:
                    rows = session.execute(select(NOB.c.id, NOB.c.note_id)
                                           .order_by(NOB.c.id).limit(200)).all()
                    if not rows:
                        return done
                    ids = list(dict.fromkeys(r.note_id for r in rows))
                    docs = self._docs(session, ids)
                self._index.write(docs, [i for i in ids if i not in {d.article_id for d in docs}])
                with translated_errors(), self._sessions() as session, session.begin():
                    session.execute(delete(NOB).where(NOB.c.id <= rows[-1].id,
                                                      NOB.c.note_id.in_(ids)))
                done += len(ids)

    def reindex(self) -> int:
        """Rebuild the notes' index from the database."""
        self._index.clear()
        self._enqueue_all()
        return self.flush_index()

    def _enqueue_all(self) -> None:
        with translated_errors(), self._sessions() as session, session.begin():
            session.execute(insert(NOB).from_select(["note_id"], select(N.c.id)))

    @staticmethod
    def _docs(session: Session, ids: list[int]) -> list[IndexDoc]:
        rows = session.execute(select(N.c.id, N.c.title, N.c.body, N.c.modified_at)
                               .where(N.c.id.in_(ids))).all()
        actor_ids = {i: set() for i in ids}
        for note_id, target_id in session.execute(
                select(NL.c.note_id, NL.c.target_id).where(
                    NL.c.note_id.in_(ids), NL.c.kind == "actor", NL.c.target_id.is_not(None))):
            actor_ids[note_id].add(target_id)
        spellings = q.actor_spellings(session) if any(actor_ids.values()) else {}
        return [IndexDoc(article_id=r.id, rev=int(r.modified_at.timestamp()), title=r.title,
                         body=r.body, language=guess_language(r.body), outlet="",
                         published=r.modified_at.date().isoformat(),
                         actors=tuple(s for a in sorted(actor_ids[r.id])
                                      for s in spellings.get(a, ())))
                for r in rows]

    def close(self) -> None:
        self._index.close()


def _formatted(title: str, markdown: str, fmt: str) -> str:
    if fmt not in reports.FORMATS:
        raise ValidationError(f"reports are {' or '.join(reports.FORMATS)}, not {fmt!r}")
    return markdown if fmt == "md" else reports.to_html(title, markdown)


def _split_prefix(text: str) -> tuple[str, str]:
    """``kind, target`` of a partly typed link; kind "" when not given."""
    kind, target, _label = parse_inner(text)
    explicit = ":" in text and text.partition(":")[0].strip().casefold() == kind
    return (kind if explicit else ""), target


_GERMAN = frozenset(("der", "die", "das", "und", "ist", "nicht", "mit", "den", "dem", "des",
                     "ein", "eine", "auf", "für", "von", "zu", "im", "sich", "auch", "wird",
                     "wurde", "bei", "nach", "über"))
_ENGLISH = frozenset(("the", "and", "is", "not", "with", "of", "to", "in", "a", "an", "on",
                      "for", "from", "by", "was", "were", "be", "has", "have", "that", "this",
                      "it"))


def guess_language(text: str) -> str:
    """"de", "en" or "" from common function words (notes mix languages; cheap is fine)."""
    words = re.findall(r"[^\W\d_]+", text[:5000].casefold())
    german = sum(w in _GERMAN for w in words)
    english = sum(w in _ENGLISH for w in words)
    if german == english == 0:
        return ""
    return "de" if german > english else "en"
