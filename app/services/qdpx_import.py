"""Import REFI-QDA projects (``.qdpx``) and codebooks (``.qdc``) into a notebook.

A project comes in as one unit of work: text sources become articles, codes become tags
(same path: reused), coded selections become highlights on the same words, selection
memos become highlight memos, notes become notes linked to what they are about, users
become highlight authors. Cancelling (or any failure) writes nothing. The import is not
undoable step by step (like a file import: delete its articles to take it back). The
report counts what came in and names everything that did not, with the reason.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from app.core.changes import Changes
from app.core.errors import Cancelled
from app.core.ids import ArticleId, HighlightId, TagId
from app.core.progress import CancelToken, ProgressEvent, ProgressFn, no_progress
from app.core.records import ArticleSummary
from app.core.text import content_key, quote, text_sha256
from app.qdpx.read import read_codebook, read_project
from app.qdpx.read_model import QdaCode, QdaProject
from app.services.qdpx_notes import write_notes
from app.services.qdpx_prepare import PreparedSource, parse_time, prepare_source
from app.services.tags import PALETTE
from app.services.unit import Transaction, Writer
from app.store import articles, highlight_batches, highlights, imports, tags
from app.store.sessions import Sessions

log = logging.getLogger(__name__)
MAX_TAG_NAME = 200
EXTERNAL = ("relative://", "absolute://", "file://")
BATCH = 5000
"""Highlights written per multi-row INSERT round (see :mod:`app.store.highlight_batches`)."""
SLASH = "\u2215"  # DIVISION SLASH: looks like '/', which separates tag paths in Dossier


@dataclass
class QdpxImportReport:
    """What an import of a ``.qdpx`` or ``.qdc`` brought in, and what it could not.

    ``skipped`` are (item, reason) pairs for everything not brought over; ``remarks``
    are (item, remark) pairs on what came over differently (offset convention detected,
    tags reused, variables kept as extra metadata).
    """

    path: str
    sources: int = 0
    codes: int = 0
    selections: int = 0
    memos: int = 0
    notes: int = 0
    users: int = 0
    articles: list[ArticleId] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    remarks: list[tuple[str, str]] = field(default_factory=list)
    cancelled: bool = False
    changes: Changes = field(default_factory=Changes)

    def summary(self) -> str:
        """One line: the counts."""
        return (f"{self.sources:,} sources, {self.codes:,} codes, {self.selections:,} "
                f"selections ({self.memos:,} with memos), {self.notes:,} notes, "
                f"{self.users:,} users; {len(self.skipped):,} items not imported")


class QdpxImportService:
    """Long work: call from a worker thread (GUI) or the CLI."""

    def __init__(self, sessions: Sessions, writer: Writer) -> None:
        self._sessions = sessions
        self._writer = writer

    def import_project(self, path: str | Path, progress: ProgressFn = no_progress,
                       cancel: CancelToken | None = None) -> QdpxImportReport:
        """Import a ``.qdpx`` in one transaction.

        Raises:
            IngestError: the file is not a readable project (one line naming it).
        """
        progress(ProgressEvent(0, 0, f"reading {Path(path).name}"))
        project = read_project(path)
        report = QdpxImportReport(str(path), users=len(project.users))
        _report_reading(project, report)
        try:
            prepared = self._prepare(project, report, progress, cancel)
            with self._writer.edit(f"import REFI-QDA project '{project.name}'",
                                   undoable=False) as tx:
                _Import(tx, project, report, progress, cancel).run(prepared)
        except Cancelled:
            return QdpxImportReport(str(path), cancelled=True)
        # Articles are inserted by the import store (not through the recorder), so the
        # Changes read off the recorded ops lack them: views must still see them.
        report.changes = tx.changes | Changes(articles=frozenset(report.articles))
        return report

    def import_codebook(self, path: str | Path) -> QdpxImportReport:
        """Import a ``.qdc`` codebook: its codes become tags (same path: reused)."""
        project = read_codebook(path)
        report = QdpxImportReport(str(path))
        _report_reading(project, report)
        with self._writer.edit(f"import codebook '{project.name}'") as tx:
            _write_codes(tx, project.codes, report)
        report.changes = tx.changes
        return report

    @staticmethod
    def _prepare(project: QdaProject, report: QdpxImportReport, progress: ProgressFn,
                 cancel: CancelToken | None) -> list[PreparedSource]:
        out = []
        total = len(project.sources) * 2
        for number, source in enumerate(project.sources):
            if cancel is not None:
                cancel.raise_if_cancelled()
            progress(ProgressEvent(number, total, f"reading {source.name}"))
            if source.text is None or not source.text.strip():
                reason = source.skip_reason or "its text is empty"
                report.skipped.append((f"source '{source.name}'", reason))
                continue
            if source.other_selections:
                report.skipped.append((f"source '{source.name}'", f"{source.other_selections} "
                                       "area or media selections (only text selections import)"))
            item = prepare_source(source, from_dossier=_is_dossier(project))
            if source.text_origin.lower().startswith(EXTERNAL):
                item.remarks.append((f"source '{source.name}'", "text read from "
                                     f"{source.text_origin}, outside the project file"))
            report.skipped.extend(item.skipped)
            report.remarks.extend(item.remarks)
            out.append(item)
        return out


def _is_dossier(project: QdaProject) -> bool:
    """True for Dossier's own export (its metadata is exact: nothing to guess)."""
    return project.origin.casefold().startswith("dossier")


def _report_reading(project: QdaProject, report: QdpxImportReport) -> None:
    report.skipped.extend(project.problems)
    for section, count in sorted(project.unsupported.items()):
        report.skipped.append((f"{count} {section.lower()}", f"Dossier has no {section.lower()}"
                               "; what they group or link is imported on its own"))


def _tag_name(code: QdaCode) -> str:
    name = " ".join(code.name.replace("/", SLASH).split())
    return name[:MAX_TAG_NAME]


def _write_codes(tx: Transaction, codes: list[QdaCode],
                 report: QdpxImportReport) -> dict[str, TagId]:
    """Tags for the codes (parents first); an existing tag at the same path is reused."""
    out: dict[str, TagId] = {}
    count = tags.count(tx.session)
    for code in codes:
        name = _tag_name(code)
        if name != code.name:
            report.remarks.append((f"code '{code.name}'", f"stored as tag '{name}'"))
        parent = out.get(code.parent) if code.parent else None
        found = tags.child_named(tx.session, parent, name)
        if found is not None:
            report.remarks.append((f"code '{code.name}'", "a tag of the same path exists; "
                                   "it is used (its colour and description are kept)"))
            out[code.guid] = found
        else:
            colour = code.colour or PALETTE[count % len(PALETTE)]
            out[code.guid] = tags.insert(tx.rec, name, parent, colour, code.description)
            count += 1
        report.codes += 1
        if not code.is_codable:
            report.remarks.append((f"code '{code.name}'", "a category (isCodable=false): "
                                   "a parent tag"))
    return out


class _Import:
    """The writing steps of one project import, inside its transaction."""

    def __init__(self, tx: Transaction, project: QdaProject, report: QdpxImportReport,
                 progress: ProgressFn, cancel: CancelToken | None) -> None:
        self.tx, self.project, self.report = tx, project, report
        self.progress, self.cancel = progress, cancel
        self.now = dt.datetime.now().replace(microsecond=0)
        self.from_dossier = _is_dossier(project)
        self.article_of: dict[str, ArticleId] = {}  # source guid -> article
        self.highlight_of: dict[str, HighlightId] = {}  # selection guid -> highlight
        self.tag_of: dict[str, TagId] = {}
        self.fresh: set[ArticleId] = set()  # created by this import, for one source only
        self.pending: list[tuple[dict[str, object], list[TagId], str]] = []

    def run(self, prepared: list[PreparedSource]) -> None:
        self.tag_of = _write_codes(self.tx, self.project.codes, self.report)
        existing = imports.by_content_keys(self.tx.session,
                                           [content_key(p.text) for p in prepared])
        total = len(self.project.sources) * 2
        for number, item in enumerate(prepared):
            if self.cancel is not None:
                self.cancel.raise_if_cancelled()
            self.progress(ProgressEvent(len(self.project.sources) + number, total,
                                        f"storing {item.source.name}"))
            article_id = self._article(item, existing)
            if article_id is not None:
                self._highlights(item, article_id)
        self._flush()
        self.report.notes = write_notes(self.tx, self.project, self.report.remarks,
                                        self.article_of,
                                        self.highlight_of, self.tag_of)

    def _article(self, item: PreparedSource,
                 existing: dict[str, ArticleSummary]) -> ArticleId | None:
        """The new article for ``item``, or the stored one with exactly its text."""
        key = content_key(item.text)
        where = f"source '{item.source.name}'"
        if key in existing:
            found_id = existing[key].id
            self._flush()  # its passages so far must be in the table to be found again
            self.fresh.discard(found_id)
            if articles.text_of(self.tx.session, found_id) != item.text:
                self.report.skipped.append((where, f"article {found_id} has the same words "
                                            "with other spacing; its selections would not "
                                            "fit it, so the source is not imported"))
                return None
            self.report.remarks.append((where, f"same text as article {found_id}: its "
                                        "selections are added there"))
            article_id = found_id
        else:
            summary = imports.insert_article(self.tx.session, self._row(item, key),
                                             self.tx.rec.author)
            existing[key] = summary
            article_id = summary.id
            self.fresh.add(article_id)
            self.report.sources += 1
        self.article_of[item.source.guid] = article_id
        self.report.articles.append(article_id)
        return article_id

    def _row(self, item: PreparedSource, key: str) -> dict[str, object]:
        from app.ingest.language import detect_language

        fields = item.fields
        return {
            "title": item.source.name, "text": item.text,
            "language": fields.get("language", "") if self.from_dossier
                        else fields.get("language") or detect_language(item.text),
            "outlet": fields.get("outlet", ""), "url": fields.get("url", ""),
            "author": fields.get("author", ""), "published": fields.get("published", ""),
            "original_name": fields.get("original_name", "" if self.from_dossier
                                        else item.source.name),
            "imported_at": self.now,
            "sha256": text_sha256(item.text), "content_key": key,
            "char_count": len(item.text), "rev": 1,
            "extra": json.dumps(item.extra, ensure_ascii=False),
        }

    def _highlights(self, item: PreparedSource, article_id: ArticleId) -> None:
        digest = text_sha256(item.text)
        for placed in item.placed:
            selection = placed.selection
            self._highlight(article_id, item.text, digest, placed.start, placed.end,
                            selection.description, selection.user, selection.created,
                            [self.tag_of[g] for g in selection.codes], selection.guid)
            self.report.selections += 1
            self.report.memos += bool(selection.description)
        if item.source.codes and item.text:
            self._highlight(article_id, item.text, digest, 0, len(item.text), "",
                            item.source.user, item.source.created,
                            [self.tag_of[g] for g in item.source.codes], "")
            self.report.remarks.append((f"source '{item.source.name}'", "coded as a whole: "
                                        "a highlight over its whole text"))
        if len(self.pending) >= BATCH:
            self._flush()

    def _highlight(self, article_id: ArticleId, text: str, digest: str, start: int, end: int,
                   memo: str, user: str, created: str, tag_ids: list[TagId],
                   selection_guid: str) -> None:
        """A new highlight (batched), or the tags and memo added to the stored one at
        exactly this span of an article that existed before."""
        at = None if article_id in self.fresh else highlights.at_span(
            self.tx.session, article_id, start, end)
        if at is not None:
            if memo:
                highlights.update(self.tx.rec, at, {"memo": memo})
            highlights.add_tags(self.tx.rec, at, tag_ids)
            if selection_guid:
                self.highlight_of[selection_guid] = at
            return
        selector = quote(text, start, end)
        when = parse_time(created) or self.now
        self.pending.append(({
            "article_id": article_id, "start": start, "end": end, "exact": selector.exact,
            "prefix": selector.prefix, "suffix": selector.suffix, "text_sha256": digest,
            "colour": "", "memo": memo, "author": self.project.users.get(user, ""),
            "created_at": when, "modified_at": when, "is_orphaned": 0,
        }, tag_ids, selection_guid))

    def _flush(self) -> None:
        """Write the pending highlights and their tag links."""
        if not self.pending:
            return
        ids = highlight_batches.insert_highlights(self.tx.rec, [p[0] for p in self.pending])
        links: list[tuple[int, int]] = []
        for hid, (_row, tag_ids, selection_guid) in zip(ids, self.pending, strict=True):
            links.extend((hid, t) for t in tag_ids)
            if selection_guid:
                self.highlight_of[selection_guid] = hid
        highlight_batches.link_tags(self.tx.rec, links)
        self.pending = []
