"""Articles from a zip archive, member by member, without extracting to disk.

The archive as a whole is checked first (member count, expanded size); then each
member is checked (path, symlink, encryption, size, compression ratio) and read
through a size-capped stream. A bad member becomes an :class:`IngestFailure`
and the others go on. Zips inside a zip are read one level deep.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Callable, Iterator

from app.core.errors import IngestError
from app.core.import_notes import SkippedEntry
from app.core.progress import CancelToken
from app.ingest.article import IngestFailure, ParsedArticle
from app.ingest.formats import (
    ARCHIVE_SUFFIX,
    SUPPORTED_SUFFIXES,
    parse_bytes,
    suffix_of,
)
from app.ingest.limits import MAX_ZIP_DEPTH
from app.ingest.zipsafety import check_archive, member_problem, open_zip, read_member

log = logging.getLogger(__name__)

Item = ParsedArticle | IngestFailure
OnSkip = Callable[[SkippedEntry], None]


def _is_skipped(name: str) -> bool:
    """Hidden files, macOS resource forks and folders are not articles."""
    parts = name.replace("\\", "/").split("/")
    return name.endswith("/") or any(p.startswith(".") or p == "__MACOSX" for p in parts)


def _read_one(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, source: str, depth: int,
    on_skip: OnSkip | None,
) -> Iterator[Item]:
    """The article(s) or failure of one supported member."""
    member_source = f"{source}!{info.filename}"
    try:
        data = read_member(archive, info)
        if suffix_of(info.filename) == ARCHIVE_SUFFIX:
            yield from iter_zip(data, member_source, depth + 1, on_skip=on_skip)
        else:
            yield parse_bytes(info.filename, data, member_source)
    except IngestError as exc:
        yield IngestFailure(member_source, exc.reason)


def _members(
    archive: zipfile.ZipFile, source: str, depth: int, on_skip: OnSkip | None
) -> Iterator[Item | None]:
    """Items of every member; ``None`` for members skipped without a failure.

    Members of an unsupported type go to ``on_skip`` (as files met while walking a
    folder do); hidden members and folders are left out silently.
    """
    for info in archive.infolist():
        problem = member_problem(info)
        suffix = suffix_of(info.filename)
        if problem:
            yield IngestFailure(f"{source}!{info.filename}", problem)
        elif _is_skipped(info.filename) or suffix not in SUPPORTED_SUFFIXES:
            if on_skip is not None and not _is_skipped(info.filename):
                on_skip(SkippedEntry(f"{source}!{info.filename}",
                                     f"unsupported file type '{suffix}'" if suffix
                                     else "no file type suffix"))
            yield None
        elif suffix == ARCHIVE_SUFFIX and depth >= MAX_ZIP_DEPTH:
            yield IngestFailure(
                f"{source}!{info.filename}",
                "zip archive nested too deeply (only zips directly inside a zip are read)",
            )
        else:
            yield from _read_one(archive, info, source, depth, on_skip)


def iter_zip(
    data: bytes, source: str, depth: int = 0, cancel: CancelToken | None = None,
    on_skip: OnSkip | None = None,
) -> Iterator[Item]:
    """Yield an article or a failure for each supported member of a zip archive.

    Members of unsupported types are passed to ``on_skip``.

    Raises:
        IngestError: the archive as a whole is damaged or refused (raised on the
            first ``next()``, before any member is read); nested archives report
            this as a failure item instead.
        Cancelled: ``cancel`` was triggered between two members.
    """
    try:
        archive = open_zip(data)
        check_archive(archive)
    except IngestError as exc:
        if depth == 0:
            raise IngestError(source, exc.reason) from None
        yield IngestFailure(source, exc.reason)
        return
    count = 0
    with archive:
        for item in _members(archive, source, depth, on_skip):
            if cancel is not None:
                cancel.raise_if_cancelled()
            if item is not None:
                count += 1
                yield item
    if count == 0:
        yield IngestFailure(source, "zip archive holds no files Dossier can import")
