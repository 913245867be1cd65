"""The index folder on disk: open, verify, and reset it, never touching other files.

The index is derived data, so a missing, damaged or outdated one is recreated empty. But
the folder is the user's choice (``--index-dir``), and it may hold their own files, or
even the notebook's database: it is only ever cleared when everything in it is one of
Dossier's own index files (:func:`is_dossier_folder`); otherwise opening refuses with a
message naming the folder. The reset itself runs under the index's write lock, so two
processes opening one damaged index do not wipe each other's fresh one.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import re
import shutil
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as windex
from whoosh.filedb.filestore import FileStorage, RamStorage

from app.core.errors import NotebookError, NotebookLocked, SearchIndexError
from app.search.schema import SCHEMA_VERSION, build_schema

log = logging.getLogger(__name__)

INDEX_NAME = "dossier"
VERSION_FILE = "dossier-index.json"
"""The marker of a Dossier index folder; it also stamps the schema version and holds the
folder's cursor in the notebook's change log (see :class:`Cursor`)."""
WRITE_LOCK = f"{INDEX_NAME}_WRITELOCK"
CURSOR_LOCK = f"{INDEX_NAME}_CURSOR"
"""Held while a batch is written and the cursor moved, by one process at a time."""

OWN_FILE = re.compile(
    rf"^(?:{re.escape(VERSION_FILE)}(?:\.tmp)?"
    rf"|_{INDEX_NAME}_\d+\.toc(?:\.[0-9.]+)?"   # table of contents (and its temp file)
    rf"|{INDEX_NAME}_[0-9a-z]+\.[A-Za-z0-9_.]+"  # segment files
    rf"|{INDEX_NAME}_[A-Z]+"                    # lock files
    rf"|{INDEX_NAME}\.tmp)$"                    # a writer's temporary folder
)
"""Names of the files Whoosh and Dossier create in an index folder (index "dossier")."""
_LOCK_FILE = re.compile(rf"^{INDEX_NAME}_[A-Z]+$")


def storage(directory: Path) -> FileStorage:
    """The index's file storage, without memory-mapping.

    With mmap, every index page a merge or search touches stays mapped into the
    process; at 10,000 articles that added 200 MB to the resident size during a bulk
    import and kept growing with the index. Plain reads measured as fast here.
    """
    return FileStorage(str(directory), supports_mmap=False)


def is_dossier_folder(directory: Path) -> bool:
    """True if every entry of ``directory`` is one of Dossier's own index files."""
    return all(OWN_FILE.match(entry.name) for entry in directory.iterdir())


def foreign_files(directory: Path) -> list[str]:
    """Names in ``directory`` that are not Dossier's index files, sorted."""
    return sorted(e.name for e in directory.iterdir() if not OWN_FILE.match(e.name))


def refuse_foreign(directory: Path) -> None:
    """Raise :class:`NotebookError` if ``directory`` holds files Dossier did not create."""
    foreign = foreign_files(directory)
    if foreign:
        shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
        raise NotebookError(
            f"the index folder {directory} holds files that are not a Dossier search "
            f"index ({shown}); choose an empty folder for the index (nothing was deleted)")


def open_or_reset(directory: Path, lock_timeout: float) -> tuple[Any, str]:
    """Open the index, or clear and create it; returns it and why it was (re)created.

    Raises:
        NotebookError: the folder holds files that are not Dossier's (left untouched).
        NotebookLocked: another process held the write lock for ``lock_timeout``.
    """
    ix, reason = probe(directory)
    if ix is not None:
        return ix, ""
    refuse_foreign(directory)
    lock = storage(directory).lock(WRITE_LOCK)
    if not _acquire(lock, lock_timeout):
        raise NotebookLocked(
            f"the search index at {directory} is being rebuilt by another Dossier process")
    try:
        ix, reason = probe(directory)  # another process may have rebuilt it meanwhile
        if ix is not None:
            return ix, ""
        refuse_foreign(directory)
        _wipe(directory)
        _write_marker(directory, None)  # a fresh index: no cursor, so it is rebuilt
        return storage(directory).create_index(build_schema(), indexname=INDEX_NAME), reason
    finally:
        lock.release()


def open_read_only(directory: Path) -> tuple[Any, str]:
    """Open the index without creating, clearing or writing anything.

    An unusable (or missing) index is replaced by an empty one in memory, so a
    consistency check reports every article as missing instead of failing.
    """
    ix, reason = probe(directory) if directory.is_dir() else (None, "missing")
    if ix is None:
        ix = RamStorage().create_index(build_schema(), indexname=INDEX_NAME)
    return ix, reason


def probe(directory: Path) -> tuple[Any, str]:
    """The opened index and "", or None and the reason it cannot be used."""
    with warnings.catch_warnings():
        # Whoosh leaves files open when it fails to read a damaged index; they
        # are closed here, without ResourceWarnings (errors under pytest).
        warnings.simplefilter("ignore", ResourceWarning)
        reason = _problem(directory)
        if reason == "missing":  # nothing was opened: no files to close (and a collection
            return None, reason   # costs seconds in a process holding many objects)
        if reason:
            gc.collect()
            return None, reason
        try:
            return _verified(directory), ""
        except Exception as error:  # any damage: unpickling, missing segment, garbage
            # the message, not the error: a kept log record would keep its open files
            log.warning("search index at %s is damaged: %s", directory, repr(error))
        gc.collect()  # once the traceback, which holds the open files, is gone
        return None, "damaged"


def _problem(directory: Path) -> str:
    """Why the index cannot be opened ("missing", "schema", "damaged"), or ""."""
    try:
        if not windex.exists_in(str(directory), indexname=INDEX_NAME):
            only_locks = all(_LOCK_FILE.match(e.name) for e in directory.iterdir())
            return "missing" if only_locks else "damaged"
        stamp = json.loads((directory / VERSION_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError, windex.EmptyIndexError):
        return "damaged"
    except Exception:  # exists_in unpickles the table of contents; garbage raises anything
        return "damaged"
    if not isinstance(stamp, dict) or stamp.get("schema_version") != SCHEMA_VERSION:
        return "schema"
    return ""


def _verified(directory: Path) -> Any:
    """Open the index and read a little of everything, so damage shows now."""
    ix = storage(directory).open_index(indexname=INDEX_NAME)
    if set(ix.schema.names()) != set(build_schema().names()):
        raise SearchIndexError("the index fields differ from this version's schema")
    with ix.searcher() as searcher:
        reader = searcher.reader()
        searcher.doc_count()
        for _fields in reader.all_stored_fields():
            break
        for _term in reader.lexicon("body_exact"):
            break
    return ix


def _acquire(lock: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not lock.acquire():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)
    return True


def _wipe(directory: Path) -> None:
    """Delete Dossier's index files (the caller checked there are no others and holds
    the write lock; the lock files stay, as another process may hold the cursor's)."""
    for entry in directory.iterdir():
        if entry.name in (WRITE_LOCK, CURSOR_LOCK) or not OWN_FILE.match(entry.name):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


# -- the cursor -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Cursor:
    """How far this index follows its notebook's change log.

    Attributes:
        notebook_uuid: the notebook the index was built from; "" for an index made
            before the change log existed (schema 0008 and older), which is adopted.
        last_seq: every write up to this number is in the index.
        rebuilding: the token of a rebuild under way (then ``last_seq`` means nothing).
    """

    notebook_uuid: str = ""
    last_seq: int = 0
    rebuilding: str = ""

    @property
    def is_usable(self) -> bool:
        return bool(self.notebook_uuid) and not self.rebuilding


LEGACY = Cursor()
"""The cursor of an index made before the change log: trusted (as it was then), for
the notebook it is opened with, from the log's start."""


def read_cursor(directory: Path) -> Cursor | None:
    """The folder's cursor; None when there is none (a fresh or reset index, or a
    marker that cannot be read): the index must be rebuilt."""
    try:
        stamp = json.loads((directory / VERSION_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stamp, dict):
        return None
    if "cursor" not in stamp:
        return LEGACY
    value = stamp["cursor"]
    if not isinstance(value, dict):
        return None
    if value.get("rebuilding"):
        return Cursor(rebuilding=str(value["rebuilding"]))
    try:
        return Cursor(str(value["notebook"]), int(value["last_seq"]))
    except (KeyError, TypeError, ValueError):
        return None


def write_cursor(directory: Path, cursor: Cursor | None) -> None:
    """Store the cursor (None: none, so the index is rebuilt) in the marker file,
    atomically: a crash leaves the old cursor or the new one, never half of one."""
    _write_marker(directory, cursor)


def _write_marker(directory: Path, cursor: Cursor | None) -> None:
    value: dict[str, object] | None
    if cursor is None:
        value = None
    elif cursor.rebuilding:
        value = {"rebuilding": cursor.rebuilding}
    else:
        value = {"notebook": cursor.notebook_uuid, "last_seq": cursor.last_seq}
    temporary = directory / (VERSION_FILE + ".tmp")
    temporary.write_text(json.dumps({"schema_version": SCHEMA_VERSION, "cursor": value}),
                         encoding="utf-8")
    os.replace(temporary, directory / VERSION_FILE)


@contextmanager
def cursor_lock(directory: Path, timeout: float) -> Iterator[None]:
    """Hold the folder's cursor lock (across processes) for a write and its cursor.

    Raises:
        NotebookLocked: another process held it for ``timeout`` seconds.
    """
    lock = storage(directory).lock(CURSOR_LOCK)
    if not _acquire(lock, timeout):
        raise NotebookLocked(
            f"the search index at {directory} is being written by another Dossier process")
    try:
        yield
    finally:
        lock.release()
