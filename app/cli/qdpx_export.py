"""``export --qdpx FILE [--nvivo-offsets]`` and ``export --qdc FILE``: REFI-QDA files.

The project opens in NVivo, MAXQDA, ATLAS.ti and QualCoder; the mapping and what has no
place in the standard are in ``docs/refi-qda.md``. Everything the export could not write
is listed, one line each, after the summary.
"""

from __future__ import annotations

import sys

from app.cli.progress import TerminalProgress
from app.core.progress import CancelToken
from app.services import Notebook, QdpxExportReport


def export_project(nb: Notebook, path: str, nvivo_offsets: bool, token: CancelToken) -> None:
    """Write the notebook as a ``.qdpx`` project and say what went out."""
    bar = TerminalProgress(verb="exporting")
    try:
        report = nb.qdpx_export.export_project(
            path, nvivo_offsets=nvivo_offsets, progress=bar, cancel=token)
    finally:
        bar.finish()
    _say(report)
    print(f"offsets: {report.offsets}")


def export_codebook(nb: Notebook, path: str) -> None:
    """Write the tags as a ``.qdc`` code book."""
    _say(nb.qdpx_export.export_codebook(path))


def _say(report: QdpxExportReport) -> None:
    print(f"wrote {report.path}: {report.summary()}")
    for line in report.skipped:
        sys.stderr.write(f"not exported: {line}\n")
