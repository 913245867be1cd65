"""Find input files in folders, and say why every other entry met on the way is skipped.

A folder holds more than articles: photos, named pipes, links to other folders,
subfolders that cannot be read, names that are not valid UTF-8. None of these may
stop or hang an import, and none may vanish without a word: each becomes a
:class:`SkippedEntry` with a reason, and the batch goes on. Entries are classified
from ``stat`` data only; nothing here opens a file.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from app.core.import_notes import SkippedEntry
from app.ingest.formats import SUPPORTED_SUFFIXES

log = logging.getLogger(__name__)


def display_path(path: str | os.PathLike[str]) -> str:
    """``path`` as printable text: bytes of a name that are not UTF-8 shown as ``\\xNN``.

    Python keeps such bytes as lone surrogates, which cannot be stored in the
    database, written to a UTF-8 terminal or shown by Qt.
    """
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def has_undecodable_name(path: str | os.PathLike[str]) -> bool:
    """True if the name of ``path`` holds bytes that are not UTF-8."""
    return display_path(path) != os.fspath(path)


def special_file_kind(mode: int) -> str:
    """What a non-regular, non-folder ``st_mode`` is, for messages ("a named pipe")."""
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def os_reason(exc: OSError) -> str:
    """A short reason for an ``OSError`` (``permission denied``), without the path."""
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.ELOOP:
        return "too many levels of links"
    return (exc.strerror or type(exc).__name__).lower()


class _Walk:
    """One folder walk: the files found and the entries skipped, in walk order."""

    def __init__(self) -> None:
        self.files: list[Path] = []
        self.skipped: list[SkippedEntry] = []

    def skip(self, path: str, reason: str) -> None:
        self.skipped.append(SkippedEntry(display_path(path), reason))

    def run(self, folder: str) -> None:
        pending = [folder]
        while pending:
            current = pending.pop()
            try:
                with os.scandir(current) as listing:
                    entries = sorted(listing, key=lambda entry: entry.name)
            except OSError as exc:
                self.skip(current, f"folder cannot be read ({os_reason(exc)})")
                continue
            for entry in entries:
                if not entry.name.startswith("."):  # hidden files and folders: by design
                    self._classify(entry, pending)

    def _classify(self, entry: os.DirEntry[str], pending: list[str]) -> None:
        """File to import, folder to walk, or a skipped entry with its reason."""
        try:
            if entry.is_dir(follow_symlinks=False):
                pending.append(entry.path)
            elif entry.is_symlink() and entry.is_dir():
                self.skip(entry.path, "a link to a folder, not followed (import that folder "
                                      "itself to include it)")
            elif entry.is_file():
                self._file(entry.path)
            else:
                self._special(entry.path)
        except OSError as exc:
            self.skip(entry.path, f"cannot be read ({os_reason(exc)})")

    def _file(self, path: str) -> None:
        suffix = Path(path).suffix.lower()
        if suffix in SUPPORTED_SUFFIXES:
            self.files.append(Path(path))
        else:
            self.skip(path, f"unsupported file type '{suffix}'" if suffix
                      else "no file type suffix (.txt, .md, .html, .pdf, .docx, .zip)")

    def _special(self, path: str) -> None:
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            self.skip(path, "a broken link (its target does not exist)")
            return
        self.skip(path, f"{special_file_kind(mode)}, not a file (never opened)")


def walk_folder(folder: str | os.PathLike[str]) -> tuple[list[Path], list[SkippedEntry]]:
    """Supported files under ``folder`` (recursively, sorted) and every entry skipped.

    Hidden entries (names starting with ``.``) are left out without a report, as
    version-control and system folders would otherwise flood it.
    """
    walk = _Walk()
    walk.run(os.fspath(folder))
    walk.skipped.sort(key=lambda entry: entry.source)
    return sorted(walk.files), walk.skipped


def discover_all(paths: Iterable[str | Path]) -> tuple[list[Path], list[SkippedEntry]]:
    """Expand folders into the supported files they hold, and list what was skipped.

    Files named directly are kept whatever their type or existence, so that the
    caller gets a failure for each instead of silence. Duplicates are dropped (an
    entry skipped in a folder but also named directly is reported once, as the named
    file's outcome); the order of ``paths`` is kept.
    """
    result: list[Path] = []
    skipped: list[SkippedEntry] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(os.path.abspath(raw))
        if path.is_dir():
            files, skipped_here = walk_folder(path)
            skipped.extend(skipped_here)
        else:
            files = [path]
        for file in files:
            if file not in seen:
                seen.add(file)
                result.append(file)
    named = {display_path(file) for file in result}
    return result, [entry for entry in skipped if entry.source not in named]
