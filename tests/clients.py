"""Two clients of one notebook (two ``Notebook`` objects on the same database, each with its
own index folder and author), as two desks of a team are: the tests of versioned writes
use them. In suites run on both backends the ``[postgres]`` variant opens them on the
test's PostgreSQL database (``tests/pg_backend.py`` redirects ``Notebook.open``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.services import Notebook


@contextmanager
def two_clients(tmp_path: Path, first: str, second: str) -> Iterator[tuple[Notebook, Notebook]]:
    """``first``'s and ``second``'s notebook objects on one database, closed afterwards."""
    one = Notebook.open(tmp_path / "nb", index_dir=tmp_path / f"index-{first}", author=first)
    try:
        other = Notebook.open(tmp_path / "nb", index_dir=tmp_path / f"index-{second}",
                              author=second)
        try:
            yield one, other
        finally:
            other.close()
    finally:
        one.close()
