"""Actors, agreements and notes as REFI-QDA cases, notes and links.

The standard has no actors or agreements; a *case* ("a subject, object or topic by which
sources and selections can be grouped", section 13) is the nearest element: each actor
and each agreement becomes one, its fields variables, the passages that mention the
actor or are evidence for the agreement its selection references. What only a relation
can say (a party's role, an evidence passage's stance, a note's links) becomes a
``Link``. ``docs/refi-qda.md`` has the table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from typing import ClassVar

from app.core.actor_records import Actor, Agreement, Evidence, Mention
from app.core.notes import Note as DossierNote
from app.qdpx.export_model import Case, Link, Note, Set, Value
from app.qdpx.from_notebook import FLOATS, RECORD, Variables
from app.qdpx.guids import Guids

LinkTarget = tuple[str, int]
"""A note link's target: Dossier kind (article, passage, actor, agreement, note) and id."""


def _text_values(variables: Variables, pairs: Iterable[tuple[str, str, str]]) -> list[Value]:
    return [variables.value(name, text, "Text", meaning) for name, text, meaning in pairs
            if text]


def actor_case(actor: Actor, mentions: Iterable[Mention], exported: Collection[str],
               guids: Guids, variables: Variables) -> Case:
    """An actor as a case: kind, country, aliases, external id; its mentions as selections
    and the articles they are in as sources."""
    aliases = "\n".join(_alias(a.name, a.language, a.script) for a in actor.aliases)
    values = _text_values(variables, (
        (RECORD, "actor", "which Dossier record the case stands for: actor or agreement"),
        ("Actor kind", actor.kind, "person, state, company, ... (Dossier's actor kinds)"),
        ("Country", actor.country, "ISO 3166-1 alpha-2 country code"),
        ("Aliases", aliases, "other spellings, one a line: name (language, script)"),
        ("External id", actor.external_id, "an id elsewhere, such as a Wikidata Q-number")))
    selections = _present(guids.of("highlight", m.highlight_id) for m in mentions)
    selections = tuple(g for g in selections if g in exported)
    articles = _present(guids.of("article", m.article_id) for m in mentions
                        if guids.of("highlight", m.highlight_id) in exported)
    return Case(guids.of("actor", actor.id), actor.name, actor.description, tuple(values),
                articles, selections)


def _alias(name: str, language: str, script: str) -> str:
    detail = ", ".join(p for p in (language, script) if p)
    return f"{name} ({detail})" if detail else name


def _present(guids: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(guids))


def agreement_case(agreement: Agreement, exported: Collection[str], guids: Guids,
                   variables: Variables) -> Case:
    """An agreement as a case: type, status, dates, value, parties, status history; its
    evidence passages as selections."""
    value = agreement.value
    parties = "\n".join(f"{p.actor_name} ({p.role})" for p in agreement.parties)
    history = "\n".join(_event_line(e.status, e.date, e.note) for e in agreement.events)
    values = _text_values(variables, (
        (RECORD, "agreement", "which Dossier record the case stands for: actor or agreement"),
        ("Agreement type", agreement.type, "treaty, MoU, contract, ... (Dossier's types)"),
        ("Status", agreement.status, "the current status, from the status history"),
        ("Date", agreement.date, "the agreement's date (signing preferred), partial date"),
        ("Value", value.text or value.display(), "the value as reported"),
        ("Currency", value.currency, "ISO 4217 currency code"),
        ("Value qualifier", value.qualifier if value.amount is not None else "",
         "exact, about, up to, at least, range"),
        ("Value unit", value.unit, "unit of the value, if not money"),
        ("Parties", parties, "one a line: actor (role)"),
        ("Status history", history, "one a line: date status: note")))
    for name, amount in zip(FLOATS, (value.amount, value.amount_max), strict=True):
        if amount is not None:
            values.append(variables.value(name, amount, "Float", "the value as a number"))
    selections = _present(g for g in (guids.of("highlight", e.highlight_id)
                                      for e in agreement.evidence) if g in exported)
    articles = _present(guids.of("article", e.article_id) for e in agreement.evidence
                        if guids.of("highlight", e.highlight_id) in exported)
    return Case(guids.of("agreement", agreement.id), agreement.title, agreement.summary,
                tuple(values), articles, selections)


def _event_line(status: str, date: str, note: str) -> str:
    line = f"{date or 'undated'} {status}"
    return f"{line}: {note}" if note else line


def agreement_links(agreement: Agreement, exported: Collection[str],
                    guids: Guids) -> list[Link]:
    """A link per party (agreement -> actor, named by the role) and per evidence passage
    (selection -> agreement, named by stance and field, with the evidence's note)."""
    case = guids.of("agreement", agreement.id)
    links = [Link(guids.of("party", p.id), p.role, case, guids.of("actor", p.actor_id))
             for p in agreement.parties]
    names = {p.id: p.actor_name for p in agreement.parties}
    events = {e.id: f"{e.status} {e.date}".strip() for e in agreement.events}
    for ev in agreement.evidence:
        origin = guids.of("highlight", ev.highlight_id)
        if origin in exported:
            links.append(Link(guids.of("evidence", ev.id), _evidence_name(ev, names, events),
                              origin, case))
    return links


def _evidence_name(ev: Evidence, parties: Mapping[int, str], events: Mapping[int, str]) -> str:
    what = ev.field
    if ev.party_id is not None and ev.party_id in parties:
        what = f"party {parties[ev.party_id]}"
    elif ev.event_id is not None and ev.event_id in events:
        what = f"event {events[ev.event_id]}"
    name = f"evidence: {ev.stance} {what}"
    return f"{name} — {ev.note}" if ev.note else name


def note_record(note: DossierNote, guids: Guids) -> Note:
    """A note with its Markdown as the note's plain text."""
    s = note.summary
    return Note(guids.of("note", note.id), note.title, note.body, s.created_at, s.modified_at)


class NoteLinks:
    """A note's resolved ``[[links]]`` as links, and as note references on the sources and
    selections they point at (the way QDA tools attach memos)."""

    REFERENCED = ("article", "passage")
    TARGET_KINDS: ClassVar[Mapping[str, str]] = {
        "article": "article", "passage": "highlight", "actor": "actor",
        "agreement": "agreement", "note": "note"}

    def __init__(self, guids: Guids) -> None:
        self._guids = guids
        self._links: list[tuple[int, str, str, LinkTarget]] = []
        self._refs: dict[str, list[str]] = defaultdict(list)

    def add(self, note_id: int, kind: str, text: str, target_id: int) -> None:
        """Record one resolved link of a note (``kind:text`` as in its body)."""
        target = self._guids.of(self.TARGET_KINDS[kind], target_id)
        self._links.append((note_id, kind, text, (kind, target_id)))
        if kind in self.REFERENCED:
            self._refs[target].append(self._guids.of("note", note_id))

    def note_refs(self) -> dict[str, tuple[str, ...]]:
        """Note GUIDs by the GUID of the source or selection they refer to."""
        return {target: tuple(dict.fromkeys(notes)) for target, notes in self._refs.items()}

    def links(self, exists: Mapping[str, Collection[int]]) -> tuple[list[Link], list[str]]:
        """Links to targets that are exported, and a line for each that is not."""
        out, dropped = [], []
        for note_id, kind, text, (target_kind, target_id) in self._links:
            if target_id not in exists.get(target_kind, ()):
                dropped.append(f"note {note_id}: link [[{kind}:{text}]] points at a "
                               f"{kind} that is not exported")
                continue
            out.append(Link(self._guids.of("note-link", note_id, kind, target_id),
                            f"{kind}:{text}", self._guids.of("note", note_id),
                            self._guids.of(self.TARGET_KINDS[kind], target_id)))
        return out, dropped


def note_parent_links(parents: Mapping[int, int | None], guids: Guids) -> list[Link]:
    """A "part of" link from each sub-note to its parent note."""
    return [Link(guids.of("note-parent", child), "part of", guids.of("note", child),
                 guids.of("note", parent)) for child, parent in sorted(parents.items())
            if parent is not None]


def outlet_sets(outlets: Mapping[str, list[str]], guids: Guids) -> tuple[Set, ...]:
    """A set of sources per outlet (document groups in MAXQDA, sets in NVivo), by name."""
    return tuple(Set(guids.of("outlet-set", outlet), f"Outlet: {outlet}",
                     member_sources=tuple(members))
                 for outlet, members in sorted(outlets.items(), key=lambda o: o[0].casefold()))
