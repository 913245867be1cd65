"""Export to REFI-QDA: the notebook as a ``.qdpx`` project, the tags as a ``.qdc`` code book.

One consistent read of the notebook (``dump.snapshot``) feeds ``app.qdpx``: texts go into
the zip article by article, the project's records are written as ``project.qde`` at the
end, and the file appears only when complete. What maps where: ``docs/refi-qda.md``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import app
from app.core.errors import NotebookError, ValidationError
from app.core.progress import CancelToken, ProgressEvent, ProgressFn, no_progress
from app.core.records import ArticleFilter, ArticleSummary
from app.export.files import atomic_binary
from app.qdpx.codebook import write_codebook
from app.qdpx.from_notebook import code_tree
from app.qdpx.guids import Guids, name_uuid, new_notebook_uuid
from app.qdpx.write import QdpxWriter
from app.services.qdpx_project import ProjectBuilder, ProjectCounts, count_codes
from app.store import articles, dump, meta, tags
from app.store.engine import translated_errors
from app.store.sessions import Session, Sessions

if TYPE_CHECKING:
    from app.services.notebook import Notebook

log = logging.getLogger(__name__)

UUID_KEY = "notebook_uuid"
"""``notebook_meta`` key of the notebook's own uuid, the namespace of its GUIDs (kept in
``notebook_meta`` because a notebook file carries that table: a restored notebook
exports with the same GUIDs)."""
PAGE = 200
STANDARD = "code points of the text as written (REFI-QDA 1.5, section 10.2)"
NVIVO = "UTF-16 code units of the text written with CRLF line ends (NVivo)"


@dataclass(frozen=True, slots=True)
class QdpxExportReport:
    """What an export wrote, and one line for each thing it could not write."""

    path: str
    offsets: str = STANDARD
    counts: ProjectCounts = field(default_factory=ProjectCounts)
    skipped: tuple[str, ...] = ()

    def summary(self) -> str:
        """``12 sources, 40 selections, ...`` in one line."""
        return self.counts.summary()


class QdpxExportService:
    """Writes REFI-QDA files from a notebook; never changes the notebook's records."""

    def __init__(self, nb: Notebook) -> None:
        self._nb = nb

    @property
    def _sessions(self) -> Sessions:
        return self._nb.sessions

    def export_project(self, path: str | Path, *, nvivo_offsets: bool = False,
                       progress: ProgressFn = no_progress,
                       cancel: CancelToken | None = None) -> QdpxExportReport:
        """Write the notebook as a ``.qdpx`` project at ``path`` (replaced when complete).

        Args:
            nvivo_offsets: count selections in UTF-16 units of CRLF texts (for NVivo)
                instead of the standard's code points.

        Raises:
            ValidationError: ``path`` cannot be written (the reason is named).
            Cancelled: ``cancel`` was set; no file was written or changed.
        """
        path = Path(path)
        guids = Guids(self.notebook_uuid())
        try:
            with translated_errors(), dump.snapshot(self._sessions) as session, \
                    atomic_binary(path) as handle:
                writer = QdpxWriter(handle, is_nvivo=nvivo_offsets)
                try:
                    builder = self._fill(session, writer, guids, progress, cancel)
                    replaced = writer.finish(builder.project(self._nb.name, self._origin()))
                except BaseException:
                    writer.abort()
                    raise
        except OSError as exc:
            raise ValidationError(f"cannot write {path}: {exc.strerror or exc}") from exc
        progress(ProgressEvent(1, 1, "done"))  # total unknown here: the share is what counts
        skipped = list(builder.skipped)
        if replaced:
            skipped.append(f"{replaced} characters that XML or UTF-8 cannot hold were "
                           "written as U+FFFD (offsets unchanged)")
        log.info("exported %s to %s", builder.counts.summary(), path)
        return QdpxExportReport(str(path), NVIVO if nvivo_offsets else STANDARD,
                                builder.counts, tuple(skipped))

    def _fill(self, session: Session, writer: QdpxWriter, guids: Guids,
              progress: ProgressFn, cancel: CancelToken | None) -> ProjectBuilder:
        builder = ProjectBuilder(session, guids, self._nb.annotations.author)
        builder.read_notes()
        total = articles.count_all(session) + 1
        for number, summary in enumerate(_summaries(session)):
            progress(ProgressEvent(number, total, summary.title))
            _check(cancel)
            builder.add_article(writer, summary.id)
        builder.read_cases()
        progress(ProgressEvent(total - 1, total, "project.qde"))
        _check(cancel)  # the last chance: what follows writes the file
        return builder

    def export_codebook(self, path: str | Path) -> QdpxExportReport:
        """Write the tags alone as a ``.qdc`` code book at ``path``.

        Raises:
            ValidationError: the notebook has no tags, or ``path`` cannot be written.
        """
        path = Path(path)
        guids = Guids(self.notebook_uuid())
        with translated_errors(), self._sessions() as session:
            items = code_tree(tags.all_tags(session), guids)
        if not items:
            raise ValidationError("the notebook has no tags; a code book needs at least one")
        try:
            write_codebook(path, items, self._origin())
        except OSError as exc:
            raise ValidationError(f"cannot write {path}: {exc.strerror or exc}") from exc
        return QdpxExportReport(str(path), counts=ProjectCounts(codes=count_codes(items)))

    def notebook_uuid(self) -> str:
        """The notebook's uuid, made and stored on first use (GUIDs derive from it)."""
        with translated_errors(), self._sessions() as session:
            value = meta.get_value(session, UUID_KEY)
        if value:
            return value
        try:
            with translated_errors(), self._sessions() as session, session.begin():
                value = meta.get_value(session, UUID_KEY)  # another process may have made it
                if not value:
                    value = new_notebook_uuid()
                    meta.set_value(session, UUID_KEY, value)
            return value
        except NotebookError as exc:
            # A reader of a shared notebook may not write; its exports still need GUIDs
            # that stay the same from one export to the next.
            log.info("cannot store the notebook's uuid (%s); deriving one from its name", exc)
            return name_uuid(self._nb.url)

    @staticmethod
    def _origin() -> str:
        return f"Dossier {app.__version__}"


def _check(cancel: CancelToken | None) -> None:
    if cancel is not None:
        cancel.raise_if_cancelled()


def _summaries(session: Session) -> Iterator[ArticleSummary]:
    offset, flt = 0, ArticleFilter(sort="id")
    while True:
        page = articles.page(session, flt, offset, PAGE)
        yield from page
        if len(page) < PAGE:
            return
        offset += len(page)
