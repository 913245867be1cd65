"""Checks on zip archives made BEFORE anything is extracted.

Used for ``.zip`` imports and for ``.docx`` files (which are zips too). Header
sizes are only trusted for refusing: members are still read through a
size-capped stream (:func:`read_member`), because a header can lie.
"""

from __future__ import annotations

import io
import stat
import zipfile

from app.core.errors import IngestError
from app.ingest.limits import (
    MAX_COMPRESSION_RATIO,
    MAX_FILE_BYTES,
    MAX_ZIP_MEMBERS,
    MAX_ZIP_TOTAL_BYTES,
    RATIO_CHECK_MIN_BYTES,
    human_size,
)

_CHUNK = 1024 * 1024


def open_zip(data: bytes, what: str = "zip archive") -> zipfile.ZipFile:
    """Open a zip held in memory, translating zipfile's errors."""
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise IngestError("", f"{what} is damaged ({exc})") from None
    except (OSError, ValueError, EOFError) as exc:
        raise IngestError("", f"{what} cannot be read ({exc})") from None


def check_archive(archive: zipfile.ZipFile, what: str = "zip archive") -> None:
    """Refuse the whole archive if it has too many members or expands too far."""
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise IngestError(
            "", f"{what} has {len(members)} members, above the limit of {MAX_ZIP_MEMBERS}"
        )
    total = sum(info.file_size for info in members)
    if total > MAX_ZIP_TOTAL_BYTES:
        raise IngestError(
            "",
            f"{what} would expand to {human_size(total)}, "
            f"above the {human_size(MAX_ZIP_TOTAL_BYTES)} limit (zip bomb?)",
        )


def _unsafe_path(name: str) -> str:
    """Why a member name is unsafe to use as a path, or ``""``."""
    path = name.replace("\\", "/")
    if path.startswith("/") or (len(path) > 1 and path[1] == ":"):
        return f"zip member '{name}' has an absolute path"
    if ".." in path.split("/"):
        return f"zip member '{name}' escapes the archive"
    return ""


def member_problem(info: zipfile.ZipInfo) -> str:
    """Why one member must not be read (a sentence), or ``""`` if it is fine."""
    unsafe = _unsafe_path(info.filename)
    if unsafe:
        return unsafe
    if stat.S_ISLNK(info.external_attr >> 16):
        return f"zip member '{info.filename}' is a symbolic link"
    if info.flag_bits & 0x1:
        return f"zip member '{info.filename}' is encrypted"
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size >= RATIO_CHECK_MIN_BYTES and ratio > MAX_COMPRESSION_RATIO:
        return f"zip member '{info.filename}' has a compression ratio of {ratio:.0f}:1 (zip bomb?)"
    if info.file_size > MAX_FILE_BYTES:
        return (
            f"zip member '{info.filename}' expands to {human_size(info.file_size)}, "
            f"above the {human_size(MAX_FILE_BYTES)} limit"
        )
    return ""


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """Read one member, never more than ``MAX_FILE_BYTES`` whatever its header says."""
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > MAX_FILE_BYTES:
                    raise IngestError(
                        "",
                        f"zip member '{info.filename}' expands beyond the "
                        f"{human_size(MAX_FILE_BYTES)} limit",
                    )
                chunks.append(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise IngestError("", f"zip member '{info.filename}' is damaged ({exc})") from None
    except (NotImplementedError, RuntimeError) as exc:
        raise IngestError("", f"zip member '{info.filename}' cannot be read ({exc})") from None
    return b"".join(chunks)
