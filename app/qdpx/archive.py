"""Opening a ``.qdpx`` (a zip) safely: the ``.qde`` inside and its internal sources.

The zip is checked with ingest's rules (:mod:`app.ingest.zipsafety`: member count, total
size, traversal, links, encryption, compression ratio) before anything is read. Real
files differ: the ``.qde`` may be named after the project (ATLAS.ti), the sources folder
may be ``sources/`` or ``Sources/``, and GUIDs in file names come in either case.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import IngestError
from app.ingest.limits import MAX_FILE_BYTES, human_size
from app.ingest.zipsafety import check_archive, member_problem, read_member

MAX_QDE_BYTES = 8 * MAX_FILE_BYTES
"""A project file may be far larger than one article (50,000 selections are ~20 MB)."""
SOURCE_FOLDERS = ("sources",)


@dataclass
class QdpxArchive:
    """An open, checked ``.qdpx``: its project XML and a lookup of its other members."""

    path: Path
    zip: zipfile.ZipFile
    qde_name: str
    _members: dict[str, zipfile.ZipInfo]

    def qde_bytes(self) -> bytes:
        """The project XML, read through the size-capped stream."""
        return _read(self, self._members[self.qde_name.casefold()], MAX_QDE_BYTES)

    def find(self, name: str) -> str:
        """The member name of ``name`` (``sources/`` or ``Sources/``, any case), or ``""``."""
        key = name.replace("\\", "/").lstrip("/").casefold()
        candidates = [key] if "/" in key else [f"{folder}/{key}" for folder in SOURCE_FOLDERS]
        candidates.append(key)
        for candidate in candidates:
            info = self._members.get(candidate)
            if info is not None:
                return info.filename
        return ""

    def read(self, member: str) -> bytes:
        """One member's bytes (safety-checked, size-capped)."""
        return _read(self, self._members[member.casefold()], MAX_FILE_BYTES)

    def close(self) -> None:
        self.zip.close()


def _read(archive: QdpxArchive, info: zipfile.ZipInfo, limit: int) -> bytes:
    problem = member_problem(info)
    if problem and not (_is_size_only(problem) and info.file_size <= limit):
        raise IngestError(str(archive.path), problem)
    try:
        if info.file_size > MAX_FILE_BYTES:  # the .qde: read_member would stop at the
            with archive.zip.open(info) as stream:  # article limit, so cap it here
                data = stream.read(limit + 1)
            if len(data) > limit:
                raise IngestError(str(archive.path), f"zip member '{info.filename}' expands "
                                  f"beyond the {human_size(limit)} limit")
            return data
        return read_member(archive.zip, info)
    except IngestError as exc:
        raise IngestError(str(archive.path), exc.reason) from None
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise IngestError(str(archive.path),
                          f"zip member '{info.filename}' is damaged ({exc})") from None


def _is_size_only(problem: str) -> bool:
    """True for :func:`member_problem`'s size sentence (it checks size last, so this is
    the member's only problem): the ``.qde`` has a larger limit of its own."""
    return " expands to " in problem


def open_qdpx(path: str | Path) -> QdpxArchive:
    """Open and check a ``.qdpx``; find its ``.qde``.

    Raises:
        IngestError: the file is missing, not a zip, unsafe, or has no (or several) ``.qde``.
    """
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise IngestError(str(path), "file not found") from None
    except zipfile.BadZipFile as exc:
        raise IngestError(str(path), f"not a REFI-QDA project: not a zip archive ({exc})") from None
    except OSError as exc:
        raise IngestError(str(path), f"cannot be read ({exc.strerror or exc})") from None
    try:
        return _checked(path, archive)
    except BaseException:
        archive.close()
        raise


def _checked(path: Path, archive: zipfile.ZipFile) -> QdpxArchive:
    try:
        check_archive(archive, "REFI-QDA project")
    except IngestError as exc:
        raise IngestError(str(path), exc.reason) from None
    members: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        if info.is_dir():
            continue
        problem = member_problem(info)
        if problem and not _is_size_only(problem):  # sizes are checked again on reading
            raise IngestError(str(path), problem)
        members[info.filename.replace("\\", "/").casefold()] = info
    qde = [info.filename for info in members.values()
           if info.filename.lower().endswith(".qde") and "/" not in info.filename.strip("/")]
    if not qde:
        qde = [info.filename for info in members.values() if info.filename.lower().endswith(".qde")]
    if not qde:
        raise IngestError(str(path), "not a REFI-QDA project: no .qde file inside")
    if len(qde) > 1:
        preferred = [n for n in qde if n.lower() == "project.qde"]
        if len(preferred) != 1:
            raise IngestError(str(path), f"holds {len(qde)} .qde files ({', '.join(sorted(qde))}); "
                              "expected one")
        qde = preferred
    return QdpxArchive(path, archive, qde[0], members)
