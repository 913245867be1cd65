"""``import PROJECT.qdpx`` and ``import CODEBOOK.qdc``: REFI-QDA files, by their suffix.

Each file is one unit: a project comes in whole or not at all; a file that cannot be
read is one line on stderr naming it, and the next file goes on. The report prints the
counts, then every item not brought over (``skipped:``) and every remark (``note:``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from app.cli.progress import TerminalProgress
from app.core.errors import DossierError, ValidationError
from app.core.progress import CancelToken
from app.services import Notebook, QdpxImportReport

PROJECT, CODEBOOK = ".qdpx", ".qdc"
OK, FAILED_ITEMS, CANCELLED = 0, 1, 130  # the exit codes of app.cli.main


def is_exchange_input(paths: Sequence[str]) -> bool:
    """True when the paths are REFI-QDA files; refuses them mixed with other inputs."""
    exchange = [p for p in paths if Path(p).suffix.lower() in (PROJECT, CODEBOOK)]
    if exchange and len(exchange) != len(paths):
        raise ValidationError(f"{exchange[0]} is a REFI-QDA file: import it on its own, "
                              "not together with other files")
    return bool(exchange)


def import_exchange(nb: Notebook, paths: Sequence[str], token: CancelToken,
                    verbose: bool = False) -> int:
    """Import each file; print its report; the exit code for the batch."""
    code = OK
    for path in paths:
        try:
            report = _import_one(nb, path, token)
        except DossierError as exc:
            sys.stderr.write(f"dossier: {exc}\n")
            code = FAILED_ITEMS
            continue
        print_report(report, verbose)
        if report.cancelled:
            return CANCELLED
        if report.skipped and code == OK:
            code = FAILED_ITEMS
    return code


def _import_one(nb: Notebook, path: str, token: CancelToken) -> QdpxImportReport:
    if Path(path).suffix.lower() == CODEBOOK:
        return nb.qdpx_import.import_codebook(path)
    bar = TerminalProgress(verb="importing")
    try:
        return nb.qdpx_import.import_project(path, progress=bar, cancel=token)
    finally:
        bar.finish()


def print_report(report: QdpxImportReport, verbose: bool = False,
                 out: Callable[[str], object] = print) -> None:
    """The counts on one line, then what was not imported and, verbose, the remarks."""
    if report.cancelled:
        out(f"{report.path}: cancelled; nothing was imported")
        return
    out(f"{report.path}: {report.summary()}")
    for item, reason in report.skipped:
        out(f"  skipped: {item}: {reason}")
    shown = report.remarks if verbose else [r for r in report.remarks if "read as" in r[1]]
    for item, remark in shown:
        out(f"  note: {item}: {remark}")
    hidden = len(report.remarks) - len(shown)
    if hidden:
        out(f"  ({hidden} more remarks with --verbose)")
