"""The File > Export formats: what each writes, its file suffix, and the work that writes it.

Every format writes one file, replaced only when complete (the services write atomically;
reports are rendered to text and written here the same way). The work runs on a worker
thread and returns an :class:`Exported` for the report and the status bar.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.progress import CancelToken, ProgressEvent, ProgressFn
from app.gui.exchange.files import write_text_atomic
from app.services import ActorExports, QdpxExportService

if TYPE_CHECKING:
    from app.services import Notebook

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Exported:
    """What an export wrote: the file, a count for the message, lines for the report."""

    path: Path
    what: str = ""
    lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Options:
    """Choices of the export dialog that only some formats use."""

    nvivo_offsets: bool = False


Writer = Callable[["Notebook", Path, Options, ProgressFn, CancelToken], Exported]


@dataclass(frozen=True)
class ExportFormat:
    """One entry of the export dialog's list."""

    key: str
    label: str
    what: str  # the middle of the suggested file name ("highlights")
    suffix: str
    file_filter: str
    write: Writer
    shows_report: bool = False  # keep the progress dialog open with the report


def _start(progress: ProgressFn, cancel: CancelToken, label: str) -> None:
    cancel.raise_if_cancelled()
    progress(ProgressEvent(0, 1, label))


def _qdpx(nb: Notebook, path: Path, options: Options, progress: ProgressFn,
          cancel: CancelToken) -> Exported:
    report = QdpxExportService(nb).export_project(
        path, nvivo_offsets=options.nvivo_offsets, progress=progress, cancel=cancel)
    lines = [f"Offsets: {report.offsets}"]
    lines += [f"Not exported: {line}" for line in report.skipped]
    return Exported(path, report.summary(), lines)


def _qdc(nb: Notebook, path: Path, _options: Options, progress: ProgressFn,
         cancel: CancelToken) -> Exported:
    _start(progress, cancel, "Writing the code book…")
    report = QdpxExportService(nb).export_codebook(path)
    return Exported(path, report.summary(), [f"Not exported: {s}" for s in report.skipped])


def _highlights_csv(nb: Notebook, path: Path, _options: Options, progress: ProgressFn,
                    cancel: CancelToken) -> Exported:
    _start(progress, cancel, "Writing highlights…")
    nb.exports.highlights_to_csv(path)
    return Exported(path, "highlights with tags and memos")


def _highlights_xlsx(nb: Notebook, path: Path, _options: Options, progress: ProgressFn,
                     cancel: CancelToken) -> Exported:
    _start(progress, cancel, "Writing highlights…")
    nb.exports.highlights_to_xlsx(path)
    return Exported(path, "highlights with tags and memos")


def _notebook_json(nb: Notebook, path: Path, _options: Options, progress: ProgressFn,
                   cancel: CancelToken) -> Exported:
    report = nb.transfer.export_notebook(path, progress=progress, cancel=cancel)
    total = sum(n for _, n in report.rows)
    return Exported(path, f"{total:,} rows",
                    [f"{table}: {count:,}" for table, count in report.rows if count])


def _notes(fmt: str) -> Writer:
    def write(nb: Notebook, path: Path, _options: Options, progress: ProgressFn,
              cancel: CancelToken) -> Exported:
        _start(progress, cancel, "Writing the notes report…")
        write_text_atomic(path, nb.notes.export_notebook(nb.name, fmt))
        return Exported(path, "notes report")
    return write


def _actors(method: str) -> Writer:
    def write(nb: Notebook, path: Path, _options: Options, progress: ProgressFn,
              cancel: CancelToken) -> Exported:
        _start(progress, cancel, "Writing actors and agreements…")
        getattr(ActorExports(nb.actors, nb.agreements), method)(path)
        return Exported(path, "actors and agreements")
    return write


FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat("highlights_csv", "Highlights with tags and memos (CSV)", "highlights",
                 ".csv", "CSV files (*.csv)", _highlights_csv),
    ExportFormat("highlights_xlsx", "Highlights with tags and memos (Excel XLSX)",
                 "highlights", ".xlsx", "Excel workbooks (*.xlsx)", _highlights_xlsx),
    ExportFormat("notebook_json", "Whole notebook (JSON, can be imported again)", "notebook",
                 ".json", "JSON files (*.json)", _notebook_json),
    ExportFormat("notes_md", "Notes report (Markdown)", "notes", ".md",
                 "Markdown files (*.md)", _notes("md")),
    ExportFormat("notes_html", "Notes report (HTML)", "notes", ".html", "HTML files (*.html)",
                 _notes("html")),
    ExportFormat("actors_xlsx", "Actors and agreement evidence (Excel XLSX)", "actors",
                 ".xlsx", "Excel workbooks (*.xlsx)", _actors("to_xlsx")),
    ExportFormat("actors_json", "Actors and agreements (JSON)", "actors", ".json",
                 "JSON files (*.json)", _actors("to_json")),
    ExportFormat("network_graphml", "Actor network (GraphML for Gephi)", "network",
                 ".graphml", "GraphML files (*.graphml)", _actors("to_graphml")),
    ExportFormat("qdpx", "REFI-QDA project (NVivo, MAXQDA, ATLAS.ti, QualCoder)", "",
                 ".qdpx", "REFI-QDA projects (*.qdpx)", _qdpx, shows_report=True),
    ExportFormat("qdc", "REFI-QDA code book (tags only)", "codebook", ".qdc",
                 "REFI-QDA code books (*.qdc)", _qdc, shows_report=True),
)


def format_by_key(key: str) -> ExportFormat:
    """The format called ``key`` (KeyError when there is none)."""
    for item in FORMATS:
        if item.key == key:
            return item
    raise KeyError(key)


class ExportWork:
    """The worker-side call: a plain callable, so no Qt object runs on the pool thread."""

    def __init__(self, nb: Notebook, fmt: ExportFormat, path: Path, options: Options) -> None:
        self._nb, self._fmt, self._path, self._options = nb, fmt, path, options

    def __call__(self, progress: ProgressFn, cancel: CancelToken) -> Any:
        return self._fmt.write(self._nb, self._path, self._options, progress, cancel)
