"""The ``.qdpx`` file: a zip of ``project.qde`` and the texts in ``sources/``.

Written into a temp file beside the target and renamed over it only when complete (the
same rule as every Dossier export): a failure or a cancel leaves nothing half-written
and the previous file untouched. Texts go into the zip as they come, so only the records
of the project (not the texts) are held until ``project.qde`` is written at the end.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import zipfile
from pathlib import Path
from typing import IO

from app.export.files import atomic_binary
from app.qdpx import nvivo_offsets
from app.qdpx.export_model import Project, TextSource
from app.qdpx.nvivo_offsets import Layout
from app.qdpx.qde_write import NAMESPACE, write_project
from app.qdpx.xmlout import XmlOut

log = logging.getLogger(__name__)

QDE_NAME = "project.qde"
SOURCES = "sources/"  # lower case: the standard's name; some tools find no other
_SURROGATE = re.compile("[\ud800-\udfff]")


class QdpxWriter:
    """Builds one ``.qdpx``: :meth:`add_text` per source, then :meth:`finish`.

    Args:
        handle: the (temp) file the zip goes into.
        is_nvivo: write CRLF texts and UTF-16 offsets instead of the standard's code points.
    """

    def __init__(self, handle: IO[bytes], is_nvivo: bool = False) -> None:
        self._zip = zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED)
        self._zip.writestr(zipfile.ZipInfo(SOURCES), b"")
        self._convert = nvivo_offsets.nvivo if is_nvivo else nvivo_offsets.standard
        self._sources: list[TextSource] = []
        self.replaced = 0

    def add_text(self, file_name: str, text: str) -> Layout:
        """Store a source's text as ``sources/<file_name>`` (UTF-8, no BOM).

        Returns how the text was written: the map from stored code-point offsets to the
        offsets in the file, and the quoted words. Lone surrogates (which UTF-8 cannot
        hold) become U+FFFD, one unit for one, so no offset moves.
        """
        clean, count = _SURROGATE.subn("\ufffd", text)
        self.replaced += count
        layout = self._convert(clean)
        self._zip.writestr(SOURCES + file_name, layout.written.encode("utf-8"))
        return layout

    def add_source(self, source: TextSource) -> None:
        """Keep a source's record (its selections) for ``project.qde``."""
        self._sources.append(source)

    def finish(self, project: Project) -> int:
        """Write ``project.qde`` and close the zip; returns the characters replaced."""
        with self._zip.open(QDE_NAME, "w", force_zip64=True) as raw, \
                io.TextIOWrapper(raw, encoding="utf-8", newline="") as text:
            out = XmlOut(text, NAMESPACE)
            write_project(out, project, self._sources)
        self._zip.close()
        return self.replaced + out.replaced

    def abort(self) -> None:
        """Close the zip after a failure (the caller deletes the temp file)."""
        with contextlib.suppress(Exception):
            self._zip.close()


def write_text_file(path: Path, document: str) -> None:
    """``document`` as UTF-8 without BOM at ``path``, replaced only when complete."""
    with atomic_binary(path) as handle:
        handle.write(document.encode("utf-8"))
