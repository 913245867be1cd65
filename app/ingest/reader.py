"""Public entry points: find input files, read them, report per-file failures.

:func:`read_sources` is long work in the Orange style: a plain generator taking a
``progress`` callback and a ``cancel`` token, which the service layer runs in a
worker thread. It never raises for one bad file.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from app.core.errors import Cancelled, IngestError
from app.core.import_notes import SkippedEntry
from app.core.progress import CancelToken, ProgressEvent, ProgressFn, no_progress
from app.ingest.archive import iter_zip
from app.ingest.article import IngestFailure, ParsedArticle, with_note
from app.ingest.formats import ARCHIVE_SUFFIX, check_size, parse_bytes
from app.ingest.limits import MAX_FILE_BYTES
from app.ingest.walk import (
    discover_all,
    display_path,
    has_undecodable_name,
    os_reason,
    special_file_kind,
)

log = logging.getLogger(__name__)

_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
"""Opening never waits for a writer (a pipe swapped in after the stat check)."""


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Expand folders into the supported files they hold (recursively, sorted).

    Files named directly are kept whatever their type or existence, so that the
    caller gets a failure for each instead of silence. Duplicates are dropped;
    the order of ``paths`` is kept. :func:`discover_all` also says what was skipped.
    """
    return discover_all(paths)[0]


def read_file_bytes(path: Path) -> bytes:
    """Read a whole file, refusing missing, unreadable, special and oversized files.

    Named pipes, sockets and devices are refused from ``stat`` data without being
    opened (opening a pipe blocks until a writer appears, which hung imports); the
    file is opened non-blocking and checked again in case it was swapped meanwhile.
    The size is checked before reading and again while reading (files can grow).
    """
    source = display_path(path)
    try:
        _check_regular(os.stat(path).st_mode, source)
        fd = os.open(path, os.O_RDONLY | _NONBLOCK)
        with os.fdopen(fd, "rb") as stream:
            info = os.fstat(stream.fileno())
            _check_regular(info.st_mode, source)
            check_size(info.st_size, source)
            data = stream.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise IngestError(source, "file not found") from None
    except PermissionError:
        raise IngestError(source, "permission denied") from None
    except OSError as exc:
        raise IngestError(source, f"cannot be read ({os_reason(exc)})") from None
    check_size(len(data), source)
    return data


def _check_regular(mode: int, source: str) -> None:
    """Refuse folders, pipes, sockets and devices: only regular files are read."""
    if stat.S_ISDIR(mode):
        raise IngestError(source, "is a folder, not a file")
    if not stat.S_ISREG(mode):
        raise IngestError(source, f"{special_file_kind(mode)}, not a file (never opened)")


def _read_path(
    path: Path, cancel: CancelToken | None, on_skip: Callable[[SkippedEntry], None] | None
) -> Iterator[ParsedArticle | IngestFailure]:
    """Article(s) or failure(s) of one discovered file."""
    source = display_path(path)
    try:
        data = read_file_bytes(path)
        if path.suffix.lower() == ARCHIVE_SUFFIX:
            yield from iter_zip(data, source, cancel=cancel, on_skip=on_skip)
        else:
            name = display_path(path.name)
            article = parse_bytes(name, data, source)
            if has_undecodable_name(path.name):
                # the \xNN escapes must not be read as Windows folder separators
                article = with_note(replace(article, original_name=name),
                                    "the file name is not valid UTF-8; its non-UTF-8 bytes "
                                    "are shown as \\xNN")
            yield article
    except IngestError as exc:
        yield IngestFailure(exc.path or source, exc.reason)
    except Cancelled:
        raise
    except Exception as exc:  # a library bug in one archive must not stop a whole import
        log.exception("unexpected error reading %s", source)
        yield IngestFailure(source, f"could not be read ({type(exc).__name__}: {exc})")


def read_sources(
    paths: Iterable[str | Path],
    *,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    on_skip: Callable[[SkippedEntry], None] | None = None,
) -> Iterator[ParsedArticle | IngestFailure]:
    """Yield one article or failure per input (many for a zip), never raising for one file.

    Entries met while walking folders and not imported (unsupported types, pipes,
    links to folders, unreadable folders) go to ``on_skip`` first, one
    :class:`SkippedEntry` each (logged if there is no ``on_skip``); zip members of
    unsupported types go there as the zip is read. Progress is
    reported before each file (``done`` files finished of ``total``, labelled with
    the file name) and once at the end.

    Raises:
        Cancelled: ``cancel`` was triggered; checked between files and zip members.
    """
    files, skipped = discover_all(paths)
    for entry in skipped:
        if on_skip is None:
            log.info("skipped %s: %s", entry.source, entry.reason)
        else:
            on_skip(entry)
    total = len(files)
    for done, path in enumerate(files):
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(ProgressEvent(done, total, display_path(path.name)))
        yield from _read_path(path, cancel, on_skip)
    progress(ProgressEvent(total, total, ""))


def parse_file(path: str | Path) -> list[ParsedArticle]:
    """Parse one file; a zip gives all its articles.

    Raises:
        IngestError: the file, or any member of a zip, cannot be imported
            (use :func:`read_sources` to get per-member failures instead).
    """
    path = Path(path)
    data = read_file_bytes(path)
    source = display_path(path)
    if path.suffix.lower() != ARCHIVE_SUFFIX:
        return [parse_bytes(display_path(path.name), data, source)]
    articles = []
    for item in iter_zip(data, source):
        if isinstance(item, IngestFailure):
            raise IngestError(item.source, item.reason)
        articles.append(item)
    return articles
