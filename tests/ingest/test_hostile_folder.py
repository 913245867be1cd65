"""Every file of the hostile folder imports or fails exactly as expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.ingest import IngestFailure, ParsedArticle, read_sources

from .hostile import DATA

Hostile = tuple[Path, dict[str, str | None]]


def _outcomes(folder: Path) -> dict[str, list[str | None]]:
    """Archive-or-file name -> outcomes (None for an article, else the reason)."""
    found: dict[str, list[str | None]] = {}
    for item in read_sources([folder]):
        name = Path(item.source.split("!")[0]).name
        outcome = None if isinstance(item, ParsedArticle) else item.reason
        found.setdefault(name, []).append(outcome)
    return found


@pytest.fixture(scope="module")
def outcomes(hostile: Hostile) -> dict[str, list[str | None]]:
    """What read_sources made of the hostile folder."""
    return _outcomes(hostile[0])


def test_outcomes_cover_every_file_when_reading_hostile_folder(
    hostile: Hostile, outcomes: dict[str, list[str | None]]
) -> None:
    """Each built file yields results and the hidden file yields none."""
    assert set(outcomes) == set(hostile[1]) == set(HOSTILE_NAMES)


HOSTILE_NAMES = sorted([
    "empty.txt", "whitespace.txt", "binary.txt", "invalid-utf8.txt", "latin1.txt",
    "utf8-bom.txt", "utf16-le-bom.txt", "utf16-be-bom.txt", "crlf.txt", "lone-cr.txt",
    "nul-bytes.txt", "emoji-combining.txt", "rtl.txt", "good.pdf", "truncated.pdf",
    "scanned.pdf", "not-a-pdf.pdf", "good.docx", "not-a-zip.docx", "malformed.html",
    "no-text.html", "zip-slip.zip", "absolute.zip", "symlink.zip", "zip-bomb.zip",
    "damaged.zip", "good.zip", "huge.txt", "de_news.html", "en_news.html",
])  # fmt: skip


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_outcome_matches_expectation_for_each_hostile_file(
    name: str, hostile: Hostile, outcomes: dict[str, list[str | None]]
) -> None:
    """A file expected to import gives only articles; a bad one gives its reason."""
    expected = hostile[1][name]
    got = outcomes[name]
    if expected is None:
        assert got and all(reason is None for reason in got), got
    else:
        assert any(reason and expected in reason for reason in got), got


def test_failures_carry_no_traceback_when_reading_hostile_folder(
    outcomes: dict[str, list[str | None]],
) -> None:
    """Reasons are one human sentence, not exception dumps."""
    reasons = [r for results in outcomes.values() for r in results if r]
    assert reasons
    assert all("Traceback" not in r and "\n" not in r and len(r) < 200 for r in reasons)


def test_fixture_pages_exist_for_builder() -> None:
    """The committed German and English pages the builder copies are present."""
    assert (DATA / "de_news.html").is_file() and (DATA / "en_news.html").is_file()


def test_failure_sources_name_member_when_zip_member_refused(hostile: Hostile) -> None:
    """A refused zip member is reported as archive!member."""
    items = list(read_sources([hostile[0] / "zip-slip.zip"]))
    assert [type(i) for i in items] == [IngestFailure]
    assert items[0].source.endswith("zip-slip.zip!../evil.txt")
