"""Walking folders: odd entries are reported as skipped, never fatal, never opened."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from app.core.import_notes import SkippedEntry
from app.ingest import IngestFailure, ParsedArticle, read_sources
from app.ingest.walk import display_path, walk_folder

from .hostile import ENGLISH, GERMAN

ROOT = Path(__file__).resolve().parents[2]
BAD_NAME = b"Caf\xe9 Bericht.txt"
"""A Latin-1 file name: not valid UTF-8, as copied from an old Windows share."""


@pytest.fixture
def odd_folder(tmp_path: Path) -> Path:
    """Good files next to an invalid-UTF-8 name, a pipe, links and an unsupported type."""
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(ENGLISH, encoding="utf-8")
    (folder / "sub" / "b.md").write_text("# Überschrift der Meldung\n\n" + GERMAN)
    with open(os.path.join(os.fsencode(folder), BAD_NAME), "wb") as stream:
        stream.write(GERMAN.encode())
    os.mkfifo(folder / "pipe.txt")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (folder / "README").write_text("no suffix")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "c.txt").write_text(ENGLISH)
    (folder / "linked").symlink_to(elsewhere, target_is_directory=True)
    (folder / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    return folder


def _read(folder: Path) -> tuple[list[ParsedArticle | IngestFailure], list[SkippedEntry]]:
    skipped: list[SkippedEntry] = []
    items = list(read_sources([folder], on_skip=skipped.append))
    return items, skipped


def test_walk_reports_each_odd_entry_and_imports_the_rest(odd_folder: Path) -> None:
    """The pipe, the link to a folder, the broken link and unsupported files each get a
    reason; every good file (also the one with a non-UTF-8 name) is imported."""
    items, skipped = _read(odd_folder)
    reasons = {Path(entry.source).name: entry.reason for entry in skipped}
    assert reasons == {
        "pipe.txt": "a named pipe, not a file (never opened)",
        "photo.jpg": "unsupported file type '.jpg'",
        "README": "no file type suffix (.txt, .md, .html, .pdf, .docx, .zip)",
        "linked": "a link to a folder, not followed (import that folder itself to include it)",
        "dangling.txt": "a broken link (its target does not exist)",
    }
    assert all(isinstance(item, ParsedArticle) for item in items)
    assert sorted(item.original_name for item in items) == ["Caf\\xe9 Bericht.txt", "a.txt",
                                                            "b.md"]


def test_walk_shows_undecodable_name_readably_when_not_utf8(odd_folder: Path) -> None:
    """Bytes of a name that are not UTF-8 become \\xNN: storable, printable, and noted."""
    items, _ = _read(odd_folder)
    article = next(i for i in items if isinstance(i, ParsedArticle) and "Caf" in i.source)
    article.source.encode("utf-8")  # no lone surrogates left
    assert article.source.endswith("Caf\\xe9 Bericht.txt")
    assert any("not valid UTF-8" in note for note in article.notes)
    assert display_path(os.fsdecode(BAD_NAME)) == "Caf\\xe9 Bericht.txt"


def test_pipe_named_directly_fails_at_once_without_opening(tmp_path: Path) -> None:
    """A FIFO given by name is refused from its stat data; reading never blocks."""
    os.mkfifo(tmp_path / "feed.txt")
    code = ("import sys; from app.ingest import read_sources\n"
            f"print([i.reason for i in read_sources([{str(tmp_path / 'feed.txt')!r}])])")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "a named pipe, not a file (never opened)" in result.stdout


def test_walk_reports_unreadable_folder_and_goes_on() -> None:
    """A subfolder that cannot be listed is one skipped line; its siblings still import.

    Runs in a real process; as root it drops the capabilities that let root read every
    folder (``setpriv``), so the permission check is the one users meet.
    """
    command = [sys.executable]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("root reads every folder and setpriv is not available to drop that")
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", sys.executable]
    base = Path(tempfile.mkdtemp(prefix="dossier-walk-"))
    try:
        (base / "ok").mkdir()
        (base / "ok" / "a.txt").write_text(ENGLISH)
        (base / "secret").mkdir()
        (base / "secret" / "b.txt").write_text(ENGLISH)
        (base / "secret").chmod(0)
        code = ("from app.ingest.walk import walk_folder\n"
                f"files, skipped = walk_folder({str(base)!r})\n"
                "print([f.name for f in files]); print([(s.source, s.reason) for s in skipped])")
        result = subprocess.run([*command, "-c", code], cwd=ROOT, capture_output=True,
                                text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert "['a.txt']" in result.stdout
        expected = (str(base / "secret"), "folder cannot be read (permission denied)")
        assert repr(expected) in result.stdout
    finally:
        (base / "secret").chmod(0o755)
        for path in sorted(base.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        base.rmdir()


def test_walk_skips_hidden_entries_without_report(tmp_path: Path) -> None:
    """Dot-files and dot-folders (.git, .DS_Store) are left out silently, by design."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("x")
    (tmp_path / ".DS_Store").write_bytes(b"\x00")
    (tmp_path / "a.txt").write_text(ENGLISH)
    assert walk_folder(tmp_path) == ([tmp_path / "a.txt"], [])


def test_metadata_never_keeps_lone_surrogates() -> None:
    """A metadata value holding a lone surrogate is stored with U+FFFD instead (the
    database refuses surrogates, which once aborted a whole import)."""
    from app.ingest.article import build_article

    article = build_article(source="s", name="n.txt", text=ENGLISH,
                            title="Caf\udce9 talks", author="Erika\ud800")
    assert (article.title, article.author) == ("Caf\ufffd talks", "Erika\ufffd")
