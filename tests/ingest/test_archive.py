"""Zip archives: checks before extraction, per-member failures, nesting, capped reads."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from app.core.errors import Cancelled, IngestError
from app.core.import_notes import SkippedEntry
from app.core.progress import CancelToken
from app.ingest import IngestFailure, ParsedArticle, parse_file, read_sources, zipsafety
from app.ingest import archive as archive_module

from .hostile import ENGLISH, GERMAN, zip_bytes


def _read(path: Path) -> list[ParsedArticle | IngestFailure]:
    return list(read_sources([path]))


def test_other_members_go_on_when_one_member_is_hostile(tmp_path: Path) -> None:
    """A '../' member fails; the good members are still imported."""
    path = tmp_path / "mixed.zip"
    path.write_bytes(
        zip_bytes({"a/de.txt": GERMAN.encode(), "../evil.txt": b"x", "en.txt": ENGLISH.encode()})
    )
    items = _read(path)
    articles = [i for i in items if isinstance(i, ParsedArticle)]
    failures = [i for i in items if isinstance(i, IngestFailure)]
    assert [a.source for a in articles] == [f"{path}!a/de.txt", f"{path}!en.txt"]
    assert [a.original_name for a in articles] == ["de.txt", "en.txt"]
    assert [f.reason for f in failures] == ["zip member '../evil.txt' escapes the archive"]


def test_hidden_and_unsupported_members_are_skipped(tmp_path: Path) -> None:
    """Dot-files, __MACOSX and images are silently skipped."""
    path = tmp_path / "a.zip"
    path.write_bytes(
        zip_bytes({
            "__MACOSX/._de.txt": b"junk", ".DS_Store": b"junk", "pic.png": b"\x89PNG",
            "de.txt": GERMAN.encode(),
        })
    )  # fmt: skip
    assert [i.source for i in _read(path)] == [f"{path}!de.txt"]


def test_unsupported_members_are_reported_as_skipped(tmp_path: Path) -> None:
    """A zip is a folder too: its image is one skipped entry, its dot-files are not."""
    path = tmp_path / "a.zip"
    path.write_bytes(zip_bytes({".DS_Store": b"junk", "pic.png": b"\x89PNG",
                                "de.txt": GERMAN.encode()}))
    skipped: list[SkippedEntry] = []
    items = list(read_sources([path], on_skip=skipped.append))
    assert [i.source for i in items] == [f"{path}!de.txt"]
    assert skipped == [SkippedEntry(f"{path}!pic.png", "unsupported file type '.png'")]


def test_archive_fails_when_nothing_importable(tmp_path: Path) -> None:
    """A zip without supported members is reported, not silently ignored."""
    path = tmp_path / "pics.zip"
    path.write_bytes(zip_bytes({"pic.png": b"\x89PNG"}))
    assert [i.reason for i in _read(path)] == ["zip archive holds no files Dossier can import"]


def test_nested_zip_is_read_when_one_level_deep(tmp_path: Path) -> None:
    """A zip inside a zip is read; its members are named outer!inner!member."""
    inner = zip_bytes({"de.txt": GERMAN.encode()})
    path = tmp_path / "outer.zip"
    path.write_bytes(zip_bytes({"inner.zip": inner}))
    (item,) = _read(path)
    assert isinstance(item, ParsedArticle) and item.source == f"{path}!inner.zip!de.txt"


def test_nested_zip_is_refused_when_two_levels_deep(tmp_path: Path) -> None:
    """A zip in a zip in a zip is refused as too deep."""
    deepest = zip_bytes({"de.txt": GERMAN.encode()})
    path = tmp_path / "outer.zip"
    path.write_bytes(zip_bytes({"mid.zip": zip_bytes({"deep.zip": deepest})}))
    (item,) = _read(path)
    assert isinstance(item, IngestFailure) and "nested too deeply" in item.reason
    assert item.source == f"{path}!mid.zip!deep.zip"


def test_damaged_nested_zip_fails_alone(tmp_path: Path) -> None:
    """A broken inner zip is one failure; its siblings import."""
    path = tmp_path / "outer.zip"
    path.write_bytes(zip_bytes({"bad.zip": b"PK\x03\x04broken", "en.txt": ENGLISH.encode()}))
    items = _read(path)
    assert isinstance(items[0], IngestFailure) and "damaged" in items[0].reason
    assert isinstance(items[1], ParsedArticle)


def test_archive_refused_when_too_many_members(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Too many entries refuses the whole archive before reading any member."""
    monkeypatch.setattr(zipsafety, "MAX_ZIP_MEMBERS", 2)
    path = tmp_path / "many.zip"
    path.write_bytes(zip_bytes({f"{n}.txt": ENGLISH.encode() for n in range(3)}))
    (item,) = _read(path)
    assert item == IngestFailure(str(path), "zip archive has 3 members, above the limit of 2")


def test_archive_refused_when_total_size_too_large(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The declared expanded total is checked before extraction."""
    monkeypatch.setattr(zipsafety, "MAX_ZIP_TOTAL_BYTES", 100)
    path = tmp_path / "big.zip"
    path.write_bytes(zip_bytes({"a.txt": ENGLISH.encode()}))
    (item,) = _read(path)
    assert isinstance(item, IngestFailure) and "would expand to" in item.reason


def test_member_read_is_capped_when_header_lies(monkeypatch: pytest.MonkeyPatch) -> None:
    """read_member stops at the limit even if the header size was acceptable."""
    data = zip_bytes({"a.txt": b"x" * 5000})
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo("a.txt")
    monkeypatch.setattr(zipsafety, "MAX_FILE_BYTES", 1000)
    monkeypatch.setattr(zipsafety, "_CHUNK", 256)
    with pytest.raises(IngestError, match="expands beyond"):
        zipsafety.read_member(archive, info)


def test_member_problem_flags_encrypted_member() -> None:
    """An encrypted member is refused by name."""
    info = zipfile.ZipInfo("secret.txt")
    info.flag_bits |= 0x1
    assert zipsafety.member_problem(info) == "zip member 'secret.txt' is encrypted"


@pytest.mark.parametrize(
    ("name", "reason"),
    [("C:\\evil.txt", "absolute path"), ("a\\..\\..\\evil.txt", "escapes the archive")],
)
def test_member_problem_flags_windows_style_paths(name: str, reason: str) -> None:
    """Backslash paths and drive letters are caught too."""
    assert reason in zipsafety.member_problem(zipfile.ZipInfo(name))


def test_parse_file_raises_when_zip_member_fails(tmp_path: Path) -> None:
    """parse_file has no per-member results: the first failure raises."""
    path = tmp_path / "mixed.zip"
    path.write_bytes(zip_bytes({"en.txt": ENGLISH.encode(), "empty.txt": b""}))
    with pytest.raises(IngestError) as info:
        parse_file(path)
    assert info.value.path == f"{path}!empty.txt" and info.value.reason == "file is empty"


def test_parse_file_returns_all_articles_when_zip_is_good(tmp_path: Path) -> None:
    """A good zip gives one article per member."""
    path = tmp_path / "good.zip"
    path.write_bytes(zip_bytes({"en.txt": ENGLISH.encode(), "de.txt": GERMAN.encode()}))
    assert [a.language for a in parse_file(path)] == ["en", "de"]


def test_cancel_stops_between_zip_members() -> None:
    """A cancel during an archive stops before the next member."""
    token = CancelToken()
    data = zip_bytes({"a.txt": ENGLISH.encode(), "b.txt": ENGLISH.encode()})
    items = archive_module.iter_zip(data, "x.zip", cancel=token)
    assert isinstance(next(items), ParsedArticle)
    token.cancel()
    with pytest.raises(Cancelled):
        next(items)


def test_nothing_is_written_when_reading_zip(tmp_path: Path) -> None:
    """Reading an archive leaves its folder unchanged (no extraction to disk)."""
    path = tmp_path / "a.zip"
    path.write_bytes(zip_bytes({"d/de.txt": GERMAN.encode(), "en.txt": ENGLISH.encode()}))
    before = sorted(tmp_path.rglob("*"))
    assert len(_read(path)) == 2
    assert sorted(tmp_path.rglob("*")) == before


def test_unexpected_archive_error_becomes_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug while walking an archive fails that archive only; the next file imports."""

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("zip bug")

    monkeypatch.setattr(archive_module, "check_archive", crash)
    bad = tmp_path / "a.zip"
    bad.write_bytes(zip_bytes({"en.txt": ENGLISH.encode()}))
    (tmp_path / "b.txt").write_text(GERMAN)
    items = _read(tmp_path)
    assert items[0] == IngestFailure(str(bad), "could not be read (RuntimeError: zip bug)")
    assert isinstance(items[1], ParsedArticle)
