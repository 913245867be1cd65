"""Where a source's plain text is: ``plainTextPath`` resolved, read only, never written.

``internal://GUID.txt`` is a member of the ``.qdpx`` (``sources/`` or ``Sources/``, any
case); ``relative://...`` is relative to the project's ``basePath`` or, without one, to
the folder of the ``.qdpx``; ``absolute://...`` (and ``file://``) is a path on this
computer, read only if it exists and is a ``.txt`` file. Nothing outside the archive is
ever created or changed.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

from app.core.errors import IngestError
from app.ingest.limits import MAX_FILE_BYTES, human_size
from app.qdpx.archive import QdpxArchive

_WINDOWS_DRIVE = re.compile(r"^/?([A-Za-z]:[/\\])")
EXTERNAL_SUFFIXES = (".txt", ".text")
"""The only files read outside the archive (``plainTextPath`` names plain text)."""


def read_path(archive: QdpxArchive | None, value: str, base_path: str,
              project_file: Path) -> bytes:
    """The bytes at ``value`` (a ``plainTextPath``).

    Raises:
        IngestError: ``path`` is ``value``; the reason says what is missing or unsafe.
    """
    scheme, _, rest = value.partition("://")
    scheme = scheme.lower()
    if scheme == "internal":
        return _internal(archive, value, rest)
    if scheme == "relative":
        base = Path(base_path) if base_path.strip() else project_file.parent
        return _external(value, [base / _clean(rest).lstrip("/\\")])
    if scheme in ("absolute", "file"):
        return _external(value, [Path(_absolute(_clean(rest)))])
    raise IngestError(value, "not an internal://, relative:// or absolute:// path")


def _clean(rest: str) -> str:
    return unquote(rest).replace("\\", "/")


def _absolute(rest: str) -> str:
    """``/C:/x`` -> ``C:/x`` (a Windows path written as a URL path)."""
    match = _WINDOWS_DRIVE.match(rest)
    return rest[match.start(1):] if match else rest


def _internal(archive: QdpxArchive | None, value: str, rest: str) -> bytes:
    if archive is None:
        raise IngestError(value, "an internal file, but there is no .qdpx archive around it")
    name = _clean(rest).lstrip("/")
    member = archive.find(name)
    if not member:
        raise IngestError(value, f"no such file in the project's sources folder ({name})")
    return archive.read(member)


def _external(value: str, candidates: list[Path]) -> bytes:
    # A project names files on the importing computer: only plain-text files are read,
    # so a crafted project cannot pull other files (keys, documents) into the notebook.
    if any(path.suffix.lower() not in EXTERNAL_SUFFIXES for path in candidates):
        raise IngestError(value, "an external file that is not a .txt file is not read")
    for path in candidates:
        try:
            if not path.is_file():
                continue
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise IngestError(value, f"{path} is {human_size(size)}, above the "
                                  f"{human_size(MAX_FILE_BYTES)} limit")
            return path.read_bytes()
        except OSError as exc:
            raise IngestError(value, f"{path} cannot be read ({exc.strerror or exc})") from None
    raise IngestError(value, f"external file not found ({candidates[0]})")
