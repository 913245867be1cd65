"""No lost update: what an edit was based on, merging, and resolving conflicts (issue 13).

The rules, as the front ends meet them:

* **Additions never conflict**: a new highlight, evidence passage or status event is an
  insert; nothing of anyone else's is overwritten.
* **A versioned edit** passes the record the user saw (``seen=``) to the service
  (``agreements.update``/``set_value``/``delete``, its parts' ``set_party_role``/
  ``remove_party``, ``update_event``/``remove_event``, ``set_evidence``/
  ``remove_evidence``, ``actors.update``/``delete``/``set_alias``/``remove_alias``,
  ``articles.update_meta``, ``annotations.set_memo``/``set_colour``/``delete``,
  ``tags.rename``/``set_colour``/``set_description``/``set_parent``/``delete``/``merge``,
  ``notes.save_body``/``rename``/``move``/``delete``;
  records carry their ``stamp``; an article's text edit passes ``base=``, the text it
  began from, and merges line by line as notes do). The GUI passes the record as its
  view showed it, never one re-read at save time (that would hide every colleague's
  change). When the row moved on since, fields changed by only one side merge
  automatically; a field changed by both raises
  :class:`~app.core.errors.ConflictError` whose ``conflict`` (a
  :class:`~app.core.conflicts.RowConflict`) holds base / mine / theirs per field and the
  other author's name and time. :meth:`ConflictService.resolve` writes the user's choice
  field by field, again as a versioned write.
* **Notes merge line by line** (:func:`merge_lines`, three-way against the text the user
  saw) when the changes do not overlap; otherwise the other's version stays and the
  user's text is saved as a *conflict copy* note whose first line links to it.
* **An edit against a deletion keeps the edit**: the row comes back (same id) with the
  values the user saw plus the edit. The other order is refused instead: a delete based
  on a version that has changed since raises a ConflictError (action "delete"), because
  the deleter did not see the change they would throw away; re-reading and deleting again
  is a deliberate decision.
* **Undo is a versioned write**: undoing over a colleague's later change of the same field
  raises a ConflictError (origin "undo") instead of overwriting; resolving it
  (:meth:`ConflictService.resolve`) performs the undo with the chosen values.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass

from app.core.actor_records import Actor, Agreement, Alias, Event, Evidence, Party
from app.core.changes import Changes
from app.core.conflicts import Choice, RowConflict, Seen
from app.core.errors import ConflictError, NotFound, ValidationError
from app.core.ids import NoteId
from app.core.notes import Note
from app.core.records import Article, Highlight, Tag
from app.core.text_merge import merge_lines
from app.notes.links import link_markdown
from app.services import note_links as links
from app.services.history import History, RowResolution
from app.services.names import name_key
from app.services.unit import Transaction, Writer
from app.store import notes as note_rows
from app.store import versioning
from app.store.engine import translated_errors
from app.store.sessions import Session, Sessions

log = logging.getLogger(__name__)
SAVE_ATTEMPTS = 5
"""How often a note save merges again when another save lands between its read and write."""
COALESCE_SECONDS = 10.0
"""Saves of one note's text this close together are one undo step (autosaved typing), as
with ``NoteService.save_body``."""

Versioned = (Agreement | Actor | Article | Note | Highlight | Tag | Alias | Party | Event
             | Evidence)
"""Records that carry a stamp and can be passed back as ``seen``."""


def _part_seen(record: Alias | Party | Event | Evidence) -> Seen:
    """What a user saw of a row that belongs to an actor or agreement."""
    if isinstance(record, Alias):
        return Seen("actor_alias", record.id, record.stamp.version, {
            "actor_id": record.actor_id, "name": record.name, "language": record.language,
            "script": record.script,
            "key": name_key(record.name)})
    if isinstance(record, Party):
        return Seen("agreement_party", record.id, record.stamp.version, {
            "agreement_id": record.agreement_id, "actor_id": record.actor_id,
            "role": record.role})
    if isinstance(record, Event):
        return Seen("agreement_event", record.id, record.stamp.version, {
            "agreement_id": record.agreement_id, "status": record.status,
            "date": record.date, "note": record.note})
    return Seen("evidence", record.id, record.stamp.version, {
        "agreement_id": record.agreement_id, "highlight_id": record.highlight_id,
        "field": record.field, "party_id": record.party_id, "event_id": record.event_id,
        "stance": record.stance, "note": record.note})


def seen_of(record: Versioned) -> Seen:
    """What a user saw of a record, as the base of a versioned write of its row."""
    if isinstance(record, Alias | Party | Event | Evidence):
        return _part_seen(record)
    if isinstance(record, Agreement):
        v = record.value
        values: dict[str, object] = {
            "title": record.title, "type": record.type, "summary": record.summary,
            "value_amount": v.amount, "value_amount_max": v.amount_max,
            "value_currency": v.currency, "value_qualifier": v.qualifier,
            "value_unit": v.unit, "value_text": v.text}
        return Seen("agreement", record.id, record.stamp.version, values)
    if isinstance(record, Actor):
        return Seen("actor", record.id, record.stamp.version, {
            "name": record.name, "kind": record.kind, "country": record.country,
            "description": record.description, "external_id": record.external_id})
    if isinstance(record, Tag):
        return Seen("tag", record.id, record.stamp.version, {
            "name": record.name, "colour": record.colour, "parent_id": record.parent_id,
            "description": record.description})
    if isinstance(record, Highlight):
        return Seen("highlight", record.id, record.stamp.version, {
            "article_id": record.article_id, "start": record.start, "end": record.end,
            "exact": record.exact, "prefix": record.prefix, "suffix": record.suffix,
            "text_sha256": record.text_sha256, "colour": record.colour, "memo": record.memo,
            "author": record.author, "created_at": record.created_at,
            "modified_at": record.modified_at, "is_orphaned": int(record.is_orphaned)})
    if isinstance(record, Article):
        s = record.summary
        return Seen("article", record.id, record.stamp.version, {
            "title": s.title, "language": s.language, "outlet": s.outlet, "url": s.url,
            "author": s.author, "published": s.published, "original_name": s.original_name})
    s2 = record.summary
    return Seen("note", record.id, record.stamp.version, {
        "title": s2.title, "body": record.body, "parent_id": s2.parent_id,
        "created_at": s2.created_at, "modified_at": s2.modified_at})


def expect(tx: Transaction, seen: Versioned | None) -> None:
    """Make this transaction's write of ``seen``'s row a versioned write (no-op: None)."""
    if seen is not None:
        tx.rec.expect(seen_of(seen))


# -- three-way line merge -------------------------------------------------------------------
# -- notes ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class NoteSave:
    """What a versioned save of a note's text did.

    Attributes:
        outcome: "saved" (nobody changed it meanwhile), "merged" (both sides' lines kept),
            "copied" (the changes overlapped: the other's version stays, the user's text
            went into ``copy_id``), or "unchanged".
        note: the note as stored now (pass it as ``seen`` to the next save).
        copy_id: the conflict copy note, when one was made.
        changes: what the save touched.
    """

    outcome: str
    note: Note
    copy_id: NoteId | None
    changes: Changes


def write_note_body(tx: Transaction, note_id: int, body: str, seen: Note | None,
                    now: dt.datetime) -> tuple[str, NoteId | None]:
    """Inside an edit: save a note's Markdown, merged against what the user saw.

    Returns the outcome ("saved", "merged", "copied", "unchanged") and the conflict copy's
    id. A note deleted since it was seen is re-created with the user's text.
    """
    current = note_rows.get(tx.session, note_id)
    if current is None and seen is None:
        raise NotFound(f"note {note_id} does not exist")
    outcome, text = "saved", body
    if current is not None and seen is not None and current.stamp.version != seen.stamp.version:
        merged = merge_lines(seen.body, body, current.body)
        if merged is None:
            return "copied", _conflict_copy(tx, current, body, now)
        outcome, text = ("merged" if merged != body else "saved"), merged
    if current is not None and current.body == text:
        return "unchanged", None
    if seen is not None:
        # The text is merged against ``current`` already, so the write expects the row
        # exactly as read here: a save committed since this read (another client, between
        # our read and our write) must become a conflict for save_note to merge again. An
        # expectation of our own text as the base would make the colleague's body look
        # like the only change and silently keep it over ours.
        base = current if current is not None else seen
        tx.rec.expect(Seen("note", note_id, base.stamp.version, dict(seen_of(base).values)))
    note_rows.update_note(tx.rec, note_id, {"body": text, "modified_at": now})
    links.sync_links(tx, note_id, text)
    return outcome, None


def _conflict_copy(tx: Transaction, theirs: Note, mine: str, now: dt.datetime) -> NoteId:
    """Save ``mine`` as a new note beside ``theirs``, its first line linking to it."""
    who = theirs.stamp.changed_by or "another writer"
    title = f"{theirs.title} (conflict copy {now:%Y-%m-%d %H:%M})"
    taken = set(note_rows.titles(tx.session).values())
    base, number = title, 2
    while title in taken:
        title, number = f"{base} ({number})", number + 1
    head = (f"Conflict copy: {link_markdown('note', theirs.title)} was changed by {who} "
            "while this text was being written; both versions are kept.\n\n")
    copy_id = note_rows.insert_note(tx.rec, title[:500], head + mine,
                                    theirs.summary.parent_id, now)
    links.sync_links(tx, copy_id, head + mine)
    log.info("note %s: overlapping edits, text saved as conflict copy %s", theirs.id, copy_id)
    return copy_id


def not_found(session: Session, table: str, row_id: int) -> NotFound:
    """The error for a record that is not there: naming who deleted it and when when the
    change log says so (a colleague's deletion under an edit of this window), else plainly
    "does not exist"."""
    author, at = versioning.deleted_by(session, table, row_id)
    if not author and at is None:
        return NotFound(f"{table} {row_id} does not exist")
    when = ""
    if at is not None:
        aware = at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
        when = f" at {aware.astimezone():%Y-%m-%d %H:%M}"
    return NotFound(f"{table} {row_id} was deleted by {author or 'another writer'}{when}; "
                    "nothing was changed")


# -- the service ----------------------------------------------------------------------------
class ConflictService:
    """Resolve conflicts field by field; save notes with a three-way merge."""

    def __init__(self, sessions: Sessions, writer: Writer, history: History) -> None:
        self._sessions = sessions
        self._writer = writer
        self._history = history
        self._saved_version: dict[int, int] = {}  # note id -> version our last save made

    @staticmethod
    def seen(record: Versioned) -> Seen:
        """What a user saw of a record (its version and values)."""
        return seen_of(record)

    def deleted_by(self, table: str, row_id: int) -> tuple[str, dt.datetime | None]:
        """Who deleted a record and when (UTC), as the change log says ("" and None when
        it does not): a view whose record a colleague deleted under unsaved edits says
        so instead of clearing them."""
        with translated_errors(), self._sessions() as session:
            return versioning.deleted_by(session, table, row_id)

    def save_note(self, note_id: int, body: str, seen: Note) -> NoteSave:
        """Save a note's text merged against ``seen`` (the note as the editor loaded or
        last saved it): see :func:`write_note_body`. Saves of one note within
        :data:`COALESCE_SECONDS` are one undo step (the editor autosaves while typing),
        but only while each continues the text the previous one stored: a save after a
        colleague's (merged, or based on theirs) is a step of its own, so undoing it
        never silently takes back their lines; so is one that made a conflict copy."""
        now = dt.datetime.now()
        label = f"edit note '{seen.title[:60]}'"
        for attempt in range(SAVE_ATTEMPTS):
            try:
                with self._writer.edit(label, undoable=False) as tx:
                    outcome, copy_id = write_note_body(tx, note_id, body, seen, now)
                break
            except ConflictError:
                # another save landed between our read and our write: merge against it
                if attempt == SAVE_ATTEMPTS - 1:
                    raise
        with translated_errors(), self._sessions() as session:
            note = note_rows.get(session, note_id)
        if note is None:
            raise NotFound(f"note {note_id} does not exist")
        continues = outcome == "saved" and \
            self._saved_version.get(note_id) == seen.stamp.version
        if copy_id is not None:
            self._history.record(label, tx.rec.ops)
        else:  # a step of its own unless it continues our last save; later ones fold in
            window = COALESCE_SECONDS if continues else -1.0
            self._history.record_coalesced(label, tx.rec.ops, f"note-body:{note_id}",
                                           window, now=time.monotonic())
        self._saved_version[note_id] = note.stamp.version
        return NoteSave(outcome, note, copy_id, tx.changes)

    def resolve(self, conflict: RowConflict | ConflictError,
                choices: Mapping[str, Choice] | None = None, *,
                keep_theirs: bool = False) -> Changes:
        """Write the user's choice for a conflict, again as a versioned write.

        ``choices`` names base / mine / theirs for each conflicting field (the others go
        to the side that changed them). For a conflict met by undo or redo the step is
        performed with those values (``keep_theirs=True`` for a refused delete: the row
        stays, the rest of the step is done). For an edit, ``keep_theirs=True`` writes
        nothing (the colleague's row, or their deletion, stands). A further change of the
        row meanwhile raises a new ConflictError.

        Raises:
            ValidationError: a conflicting field without a choice, or a conflict with
                nothing left to write (a row deleted since: re-read and edit again).
        """
        row = conflict.conflict if isinstance(conflict, ConflictError) else conflict
        if row is None:
            raise ValidationError("this conflict cannot be resolved field by field: "
                                  "read the record again and redo the edit")
        try:
            values = {} if row.action == "delete" else row.resolved(choices or {})
        except KeyError as exc:
            raise ValidationError(str(exc.args[0])) from exc
        theirs = {f.field: f.theirs for f in row.fields}
        if row.origin in ("undo", "redo"):
            resolution = RowResolution(row.table, row.id, values, theirs,
                                       skip=row.action == "delete" and keep_theirs)
            step = self._history.undo if row.origin == "undo" else self._history.redo
            return step(resolution)
        if keep_theirs:
            return Changes()  # the row stays as the colleague left it: nothing to write
        if row.deleted or row.action != "update":
            raise ValidationError(f"{row.describe()}: read it again and redo the edit")
        with self._writer.edit(f"resolve conflict in {row.table} {row.id}") as tx:
            tx.rec.write(row.table, row.id, values,
                         Seen(row.table, row.id, row.version, theirs))
        return tx.changes
