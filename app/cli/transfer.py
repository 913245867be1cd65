"""``export --json FILE`` and ``import FILE.json``: the whole notebook as one file.

A ``.json`` path given to ``import`` is a notebook file (``docs/notebook-json.md``): it is
imported alone, into an empty notebook; its content is checked before anything is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from app.core.errors import ValidationError
from app.core.tables import TransferReport
from app.services import Notebook

NOTEBOOK_SUFFIX = ".json"
SHOWN = (("article", "articles"), ("highlight", "highlights"), ("tag", "tags"),
         ("actor", "actors"), ("agreement", "agreements"), ("evidence", "evidence passages"),
         ("note", "notes"))


def is_notebook_file(paths: Sequence[str]) -> bool:
    """True when the paths name a notebook file; refuses one mixed with other inputs."""
    files = [p for p in paths if Path(p).suffix.lower() == NOTEBOOK_SUFFIX]
    if files and len(paths) > 1:
        raise ValidationError(f"{files[0]} is a notebook file: import it alone, into a new "
                              "notebook (--notebook NEW import FILE.json)")
    return bool(files)


def summary(report: TransferReport) -> str:
    """``5 articles, 72 highlights, ...`` (the kinds a user counts, all rows in total)."""
    parts = [f"{report.count(table):,} {label}" for table, label in SHOWN]
    total = sum(n for _, n in report.rows)
    return f"{', '.join(parts)} ({total:,} rows in all)"


def import_notebook(nb: Notebook, path: str) -> None:
    """Import a notebook file into the (empty) notebook ``nb`` and say what came in."""
    report = nb.transfer.import_notebook(path)
    print(f"imported notebook {path}: {summary(report)}")


def export_notebook(nb: Notebook, path: str) -> None:
    """Write the whole notebook to ``path`` and say what went out."""
    report = nb.transfer.export_notebook(path)
    print(f"wrote {report.path}: {summary(report)}")
