"""discover, read_sources (progress, cancel, per-file failures) and parse_file."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.errors import Cancelled, IngestError
from app.core.progress import CancelToken, ProgressEvent
from app.ingest import IngestFailure, ParsedArticle, discover, parse_file, read_sources

from .hostile import ENGLISH, GERMAN


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder tree with supported, unsupported and hidden files."""
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "z.txt").write_text(ENGLISH)
    (tmp_path / "a.md").write_text("# Title of the note\n\n" + GERMAN)
    (tmp_path / "c.HTML").write_text(f"<p>{ENGLISH}</p>")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8")
    (tmp_path / ".hidden.txt").write_text(ENGLISH)
    (tmp_path / ".git" / "x.txt").write_text(ENGLISH)
    return tmp_path


def test_discover_expands_folders_sorted_and_skips_hidden(folder: Path) -> None:
    """Supported files only, recursively and sorted; dot-files and dot-dirs skipped."""
    assert discover([folder]) == [folder / "a.md", folder / "b" / "z.txt", folder / "c.HTML"]


def test_discover_keeps_named_files_and_drops_duplicates(folder: Path) -> None:
    """Explicit files are kept (even unsupported ones) and listed once."""
    paths = [folder / "photo.jpg", folder / "a.md", folder, folder / "missing.txt"]
    found = discover(paths)
    assert found[:2] == [folder / "photo.jpg", folder / "a.md"]
    assert found.count(folder / "a.md") == 1 and found[-1] == folder / "missing.txt"


def test_read_sources_reports_failures_and_goes_on(folder: Path) -> None:
    """Missing and unsupported files fail with reasons; the others import."""
    items = list(read_sources([folder / "missing.txt", folder / "photo.jpg", folder]))
    failures = [(Path(i.source).name, i.reason) for i in items if isinstance(i, IngestFailure)]
    assert failures == [
        ("missing.txt", "file not found"),
        ("photo.jpg", "unsupported file type '.jpg'"),
    ]
    assert next(i.title for i in items if isinstance(i, ParsedArticle)) == "Title of the note"
    assert len(items) == 5


def test_read_sources_reports_progress_per_file(folder: Path) -> None:
    """One event before each file, labelled with its name, and a final one."""
    events: list[ProgressEvent] = []
    list(read_sources([folder], progress=events.append))
    assert events == [
        ProgressEvent(0, 3, "a.md"),
        ProgressEvent(1, 3, "z.txt"),
        ProgressEvent(2, 3, "c.HTML"),
        ProgressEvent(3, 3, ""),
    ]


def test_read_sources_raises_cancelled_between_files(folder: Path) -> None:
    """Cancelling after the first article stops before the second file."""
    token = CancelToken()
    items = read_sources([folder], cancel=token)
    first = next(items)
    token.cancel()
    with pytest.raises(Cancelled):
        next(items)
    assert isinstance(first, ParsedArticle)


def test_read_sources_yields_nothing_when_cancelled_before_start(folder: Path) -> None:
    """A token cancelled up front stops before the first file."""
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        list(read_sources([folder], cancel=token))


def test_read_sources_reports_unexpected_errors_as_failures(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A library bug in one converter becomes a failure, not a crash of the batch."""
    from app.ingest import formats

    def crash(data: bytes, name: str, source: str) -> ParsedArticle:
        raise RuntimeError("library bug")

    monkeypatch.setitem(formats.CONVERTERS, ".md", crash)
    items = list(read_sources([folder]))
    assert items[0] == IngestFailure(
        str(folder / "a.md"), "could not be read (RuntimeError: library bug)"
    )
    assert all(isinstance(i, ParsedArticle) for i in items[1:])


def test_read_sources_refuses_folder_named_like_a_file(tmp_path: Path) -> None:
    """A folder is expanded, never read as a file; an empty folder yields nothing."""
    (tmp_path / "x.txt").mkdir()
    assert list(read_sources([tmp_path])) == []


def test_parse_file_raises_ingest_error_when_missing(tmp_path: Path) -> None:
    """parse_file raises IngestError with the path and reason."""
    with pytest.raises(IngestError) as info:
        parse_file(tmp_path / "nope.txt")
    assert info.value.reason == "file not found"


def test_parse_file_refuses_large_file_before_reading(tmp_path: Path) -> None:
    """A file over the limit is refused with its size named."""
    path = tmp_path / "big.txt"
    with path.open("wb") as stream:
        stream.truncate(30 * 1024 * 1024)
    with pytest.raises(IngestError, match=r"file is 30\.0 MB, above the 25\.0 MB limit"):
        parse_file(path)
