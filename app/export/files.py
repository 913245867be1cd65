"""Atomic file writing: a failed or cancelled export never leaves a half-written file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def _atomic(path: Path, opener: str, newline: str | None = None) -> Iterator[IO[str] | IO[bytes]]:
    """A temp file beside ``path``, renamed onto it only if the block succeeds."""
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder, not a file name")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if opener == "w":
            handle: IO[str] | IO[bytes] = os.fdopen(fd, "w", encoding="utf-8", newline=newline)
        else:
            handle = os.fdopen(fd, "wb")
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def atomic_text(path: Path, newline: str | None = None) -> Iterator[IO[str]]:
    """Open a UTF-8 temp file beside ``path``; rename it into place only on success."""
    with _atomic(path, "w", newline) as handle:
        yield handle  # type: ignore[misc]  # opened in text mode above


@contextlib.contextmanager
def atomic_binary(path: Path) -> Iterator[IO[bytes]]:
    """Open a binary temp file beside ``path``; rename it into place only on success."""
    with _atomic(path, "wb") as handle:
        yield handle  # type: ignore[misc]  # opened in binary mode above
