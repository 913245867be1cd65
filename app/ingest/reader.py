"""Public entry points: find input files, read them, report per-file failures.

:func:`read_sources` is long work in the Orange style: a plain generator taking a
``progress`` callback and a ``cancel`` token, which the service layer runs in a
worker thread. It never raises for one bad file.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from app.core.errors import Cancelled, IngestError
from app.core.progress import CancelToken, ProgressEvent, ProgressFn, no_progress
from app.ingest.archive import iter_zip
from app.ingest.article import IngestFailure, ParsedArticle
from app.ingest.formats import (
    ARCHIVE_SUFFIX,
    SUPPORTED_SUFFIXES,
    check_size,
    parse_bytes,
)
from app.ingest.limits import MAX_FILE_BYTES

log = logging.getLogger(__name__)


def _walk(folder: Path) -> list[Path]:
    """Supported files under ``folder``, recursively, sorted; hidden entries skipped."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(
            Path(root, name)
            for name in files
            if not name.startswith(".") and Path(name).suffix.lower() in SUPPORTED_SUFFIXES
        )
    return sorted(found)


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Expand folders into the supported files they hold (recursively, sorted).

    Files named directly are kept whatever their type or existence, so that the
    caller gets a failure for each instead of silence. Duplicates are dropped;
    the order of ``paths`` is kept.
    """
    result: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(os.path.abspath(raw))
        for file in _walk(path) if path.is_dir() else [path]:
            if file not in seen:
                seen.add(file)
                result.append(file)
    return result


def read_file_bytes(path: Path) -> bytes:
    """Read a whole file, refusing missing, unreadable and oversized files.

    The size is checked before reading and again while reading (files can grow).
    """
    source = str(path)
    try:
        check_size(path.stat().st_size, source)
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise IngestError(source, "file not found") from None
    except IsADirectoryError:
        raise IngestError(source, "is a folder, not a file") from None
    except PermissionError:
        raise IngestError(source, "permission denied") from None
    except OSError as exc:
        raise IngestError(source, f"cannot be read ({exc.strerror or exc})") from None
    check_size(len(data), source)
    return data


def _read_path(path: Path, cancel: CancelToken | None) -> Iterator[ParsedArticle | IngestFailure]:
    """Article(s) or failure(s) of one discovered file."""
    source = str(path)
    try:
        data = read_file_bytes(path)
        if path.suffix.lower() == ARCHIVE_SUFFIX:
            yield from iter_zip(data, source, cancel=cancel)
        else:
            yield parse_bytes(path.name, data, source)
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
) -> Iterator[ParsedArticle | IngestFailure]:
    """Yield one article or failure per input (many for a zip), never raising for one file.

    Progress is reported before each file (``done`` files finished of ``total``,
    labelled with the file name) and once at the end.

    Raises:
        Cancelled: ``cancel`` was triggered; checked between files and zip members.
    """
    files = discover(paths)
    total = len(files)
    for done, path in enumerate(files):
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(ProgressEvent(done, total, path.name))
        yield from _read_path(path, cancel)
    progress(ProgressEvent(total, total, ""))


def parse_file(path: str | Path) -> list[ParsedArticle]:
    """Parse one file; a zip gives all its articles.

    Raises:
        IngestError: the file, or any member of a zip, cannot be imported
            (use :func:`read_sources` to get per-member failures instead).
    """
    path = Path(path)
    data = read_file_bytes(path)
    if path.suffix.lower() != ARCHIVE_SUFFIX:
        return [parse_bytes(path.name, data, str(path))]
    articles = []
    for item in iter_zip(data, str(path)):
        if isinstance(item, IngestFailure):
            raise IngestError(item.source, item.reason)
        articles.append(item)
    return articles
