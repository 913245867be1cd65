"""End to end: importing the hostile folder into a real notebook."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.core.progress import CancelToken, ProgressEvent
from app.services import Notebook
from tests.ingest.hostile import build_hostile_folder


def test_hostile_folder_imports_good_files_and_names_each_bad_one(tmp_path):
    """Every bad file is reported with its reason, every good file is stored and indexed,
    and nothing half-written remains in the database."""
    folder = tmp_path / "hostile"
    expected = build_hostile_folder(folder)
    with Notebook.open(tmp_path / "nb") as nb:
        report = nb.imports.import_paths([folder])
        nb.search.flush()
        failures = {Path(src.split("!")[0]).name: reason for src, reason in report.failures}
        outcomes = {Path(s.original_name).name for s in report.imported}
        for name, outcome in expected.items():
            if outcome is None:
                assert name not in failures, (name, failures.get(name))
            else:
                assert name in failures, name
                assert outcome in failures[name], (name, failures[name])
                assert "Traceback" not in failures[name]
        assert len(report.imported) + len(report.duplicates) >= sum(
            1 for o in expected.values() if o is None)
        assert outcomes  # something good came in
        assert nb.search.check(repair=False).is_ok
        for summary in nb.articles.list(limit=1000).items:
            text = nb.articles.get(summary.id).text
            assert text.strip() and "\r" not in text and "\x00" not in text
    with sqlite3.connect(tmp_path / "nb" / "notebook.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()


def test_import_progress_and_cancel_keep_what_was_imported(tmp_path):
    """Cancelling after a few files stops the import; the files before it are kept."""
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(30):
        (folder / f"{i:02d}.txt").write_text(f"Artikel {i} über Handel und Energie.\n",
                                             encoding="utf-8")
    token = CancelToken()
    seen: list[ProgressEvent] = []

    def progress(event: ProgressEvent) -> None:
        seen.append(event)
        if event.done == 10:
            token.cancel()

    with Notebook.open(tmp_path / "nb") as nb:
        report = nb.imports.import_paths([folder], progress=progress, cancel=token)
        assert report.cancelled
        assert 9 <= len(report.imported) <= 11
        assert nb.articles.count() == len(report.imported)
        assert seen[0].total == 30
