"""End to end: importing the hostile folder into a real notebook."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from app.core.progress import CancelToken, ProgressEvent
from app.services import Notebook
from tests.ingest.hostile import build_hostile_folder

ROOT = Path(__file__).resolve().parents[2]


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


def _odd_folder(folder: Path, good: int) -> None:
    """``good`` distinct articles plus a non-UTF-8 name, a pipe and a link to a folder."""
    folder.mkdir()
    for i in range(good):
        (folder / f"{i:03d}.txt").write_text(
            f"Meldung {i}: Handel und Energie\n\nArtikel {i} über Handel, Energie und "
            f"Rohstoffe in Zentralasien, Nummer {i}.\n", encoding="utf-8")
    with open(os.path.join(os.fsencode(folder), b"Caf\xe9 Bericht.txt"), "wb") as stream:
        stream.write("Café-Bericht\n\nEin Bericht über Kaffee und Handel in Astana.\n".encode())
    os.mkfifo(folder / "pipe.txt")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (folder / "linked").symlink_to(folder.parent, target_is_directory=True)


def test_import_goes_on_when_folder_holds_bad_name_pipe_and_links(tmp_path):
    """A non-UTF-8 name, a named pipe and a link to a folder neither stop nor hang the
    import: every good file is stored and indexed, each odd entry is one report line."""
    folder = tmp_path / "in"
    _odd_folder(folder, 120)  # more than one storage batch (BATCH = 100)
    with Notebook.open(tmp_path / "nb") as nb:
        report = nb.imports.import_paths([folder])
        nb.search.flush()
        assert len(report.imported) == 121 and not report.failures
        assert sorted(Path(s).name for s, _ in report.skipped) == ["linked", "photo.jpg",
                                                                   "pipe.txt"]
        names = {s.original_name for s in nb.articles.list(limit=1000).items}
        assert "Caf\\xe9 Bericht.txt" in names
        assert any("not valid UTF-8" in note for _, note in report.notes)
        assert nb.search.check(repair=False).is_ok


def test_import_reports_assumed_encoding_bad_date_and_trim(tmp_path):
    """The report carries one note per assumption or refusal, and the trim suggestion
    by article id; the stored text keeps the furniture lines."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "pound.txt").write_bytes(
        b"UK firm wins \xa315.8m contract for Kazakh turbines\n\n"
        b"The contract was signed in Astana on Monday, the company said.\n")
    (folder / "datum.md").write_text(
        "---\ntitle: Ein Datum, das es nicht gibt\ndate: 2025-00\n---\n"
        "Berlin, 6. November 2025. Ein Text mit einem Datum im ersten Satz.\n")
    (folder / "page.txt").write_text(
        "back to top\n-2.4 C\nEurope\nTrump calls Tokayev to the G20 summit\n"
        "The White House said on Sunday that the invitation had been sent.\n")
    with Notebook.open(tmp_path / "nb") as nb:
        report = nb.imports.import_paths([folder])
        notes = {Path(source).name: note for source, note in report.notes}
        assert "encoding assumed: ISO-8859-1 (Latin-1)" in notes["pound.txt"]
        assert notes["datum.md"] == "date '2025-00' is not a real date; stored as unknown"
        assert notes["page.txt"].startswith("page furniture before the headline")
        by_name = {s.original_name: s for s in report.imported}
        assert by_name["datum.md"].published == ""
        (article_id, trim), = report.trims
        assert article_id == by_name["page.txt"].id
        text = nb.articles.get(article_id).text
        assert text.startswith("back to top") and trim.lines[-1] == "Europe"
        assert nb.articles.get(by_name["pound.txt"].id).text.startswith("UK firm wins £15.8m")
        nb.search.flush()
        assert nb.search.search("Datum").total == 1  # the refused date broke no search


def test_cli_import_lists_skipped_entries_and_notes_and_never_hangs(tmp_path):
    """`dossier import` on a folder with a pipe ends promptly, prints a 'skipped:' line per
    odd entry and a 'note:' line per assumption, and exits 0 (nothing failed)."""
    folder = tmp_path / "in"
    _odd_folder(folder, 3)
    result = subprocess.run(
        [sys.executable, "main.py", "--notebook", str(tmp_path / "nb"), "import", str(folder)],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "imported 4, duplicates 0, failed 0, skipped 3, notes 1" in out
    assert f"  skipped: {folder / 'pipe.txt'}, a named pipe, not a file (never opened)" in out
    assert f"  skipped: {folder / 'photo.jpg'}, unsupported file type '.jpg'" in out
    assert f"  note: {folder / 'Caf'}\\xe9 Bericht.txt: the file name is not valid" in out
