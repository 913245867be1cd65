"""Reads one notebook snapshot into the records of a REFI-QDA project (``app.qdpx``).

Notes come first (their links become note references on the sources and selections
written next), then articles one at a time (texts straight into the zip), then actors and
agreements as cases, whose selection references keep only passages that were written.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from app.qdpx.export_model import Case, Code, Link, Project, Selection
from app.qdpx.from_notebook import Users, Variables, code_tree, is_placed, selection, text_source
from app.qdpx.from_records import (
    NoteLinks,
    actor_case,
    agreement_case,
    agreement_links,
    note_parent_links,
    note_record,
    outlet_sets,
)
from app.qdpx.guids import Guids
from app.qdpx.write import QdpxWriter
from app.store import actors, agreements, articles, highlights, note_links, notes, tags
from app.store.sessions import Session


@dataclass(frozen=True, slots=True)
class ProjectCounts:
    """How many of each element an export wrote."""

    sources: int = 0
    selections: int = 0
    codings: int = 0
    codes: int = 0
    notes: int = 0
    cases: int = 0
    links: int = 0
    users: int = 0
    variables: int = 0

    def summary(self) -> str:
        names = ("sources", "selections", "codings", "codes", "notes", "cases", "links",
                 "users", "variables")
        return ", ".join(f"{getattr(self, n):,} {n}" for n in names
                         if getattr(self, n) or n == "codes")


class ProjectBuilder:
    """Collects the project's records from one session (a consistent snapshot).

    Args:
        session: the read session.
        guids: GUIDs in the notebook's namespace.
        exporter: the user exporting (declared, and the project's creating user).
    """

    def __init__(self, session: Session, guids: Guids, exporter: str) -> None:
        self._session = session
        self._guids = guids
        self._exporter = exporter
        self.users = Users(guids)
        self.variables = Variables(guids)
        self._note_links = NoteLinks(guids)
        self._note_refs: dict[str, tuple[str, ...]] = {}
        self._notes = [n for n in (notes.get(session, i) for i in notes.ids(session)) if n]
        self._exported: set[str] = set()
        self._article_ids: set[int] = set()
        self._highlight_ids: set[int] = set()
        self._cases: list[Case] = []
        self._links: list[Link] = []
        self._actor_ids: set[int] = set()
        self._agreement_ids: set[int] = set()
        self._sources = self._selections = self._codings = 0
        self._outlets: dict[str, list[str]] = defaultdict(list)
        self.skipped: list[str] = []
        self.counts = ProjectCounts()

    def read_notes(self) -> None:
        """Read every note's resolved links (before the articles they annotate)."""
        for note in self._notes:
            for kind, text, target in note_links.resolved_targets(self._session, note.id):
                if kind in NoteLinks.TARGET_KINDS:
                    self._note_links.add(note.id, kind, text, target)
        self._note_refs = self._note_links.note_refs()

    def add_article(self, writer: QdpxWriter, article_id: int) -> None:
        """Write one article's text and keep its source record with its selections."""
        article = articles.get(self._session, article_id)
        if article is None:
            return
        guid = self._guids.of("article", article.id)
        layout = writer.add_text(f"{guid}.txt", article.text)
        selections: list[Selection] = []
        for h in highlights.of_article(self._session, article.id):
            if not is_placed(h, article.text):
                self.skipped.append(f"highlight {h.id} in article {article.id} "
                                    f"({article.title!r}): orphaned, its words are no longer "
                                    f"in the text ({h.exact[:40]!r})")
                continue
            refs = self._note_refs.get(self._guids.of("highlight", h.id), ())
            sel = selection(h, layout, self._guids, self.users, refs)
            selections.append(sel)
            self._exported.add(sel.guid)
            self._highlight_ids.add(h.id)
            self._codings += len(sel.codings)
        writer.add_source(text_source(article, f"{guid}.txt", tuple(selections), self._guids,
                                      self.variables, self._note_refs))
        self._article_ids.add(article.id)
        if article.summary.outlet:
            self._outlets[article.summary.outlet].append(guid)
        self._sources += 1
        self._selections += len(selections)

    def read_cases(self) -> None:
        """Actors and agreements as cases, parties and evidence as links."""
        for actor in actors.list_actors(self._session):
            mentions = actors.mentions_of_actor(self._session, actor.id)
            self._cases.append(actor_case(actor, mentions, self._exported, self._guids,
                                          self.variables))
            self._actor_ids.add(actor.id)
        for agreement in agreements.list_agreements(self._session):
            self._cases.append(agreement_case(agreement, self._exported, self._guids,
                                              self.variables))
            self._links += agreement_links(agreement, self._exported, self._guids)
            self._agreement_ids.add(agreement.id)

    def project(self, name: str, origin: str) -> Project:
        """The project's records (everything but the sources, already with the writer)."""
        exporter = self.users.guid(self._exporter)
        exists: dict[str, set[int]] = {"article": self._article_ids, "passage": self._highlight_ids,
                  "actor": self._actor_ids, "agreement": self._agreement_ids,
                  "note": {int(n.id) for n in self._notes}}
        links, dropped = self._note_links.links(exists)
        self.skipped += dropped
        parents: dict[int, int | None] = {n.id: n.summary.parent_id for n in self._notes}
        all_links = (*self._links, *links, *note_parent_links(parents, self._guids))
        codes = code_tree(tags.all_tags(self._session), self._guids)
        self.counts = ProjectCounts(
            self._sources, self._selections, self._codings, count_codes(codes),
            len(self._notes), len(self._cases), len(all_links), len(self.users.all()),
            len(self.variables.all()))
        return Project(name, origin, exporter, dt.datetime.now().replace(microsecond=0),
                       f"Exported from the Dossier notebook {name!r}.", self.users.all(),
                       codes, self.variables.all(), tuple(self._cases),
                       tuple(note_record(n, self._guids) for n in self._notes), all_links,
                       outlet_sets(self._outlets, self._guids))


def count_codes(codes: tuple[Code, ...]) -> int:
    """How many codes a code tree holds."""
    return sum(1 + count_codes(c.children) for c in codes)
