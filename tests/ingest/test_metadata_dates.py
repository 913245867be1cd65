"""Metadata dates go through the one partial-date parser; a bad one is reported, not kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.ingest import parse_file

BODY = ("Berlin, 6. November 2025\n\nKasachstan und Usbekistan bestellen Flugzeuge bei "
        "Boeing, teilte das Weiße Haus am Donnerstag mit.\n")


def _markdown(tmp_path: Path, date: str) -> Path:
    path = tmp_path / "meldung.md"
    path.write_text(f"---\ntitle: Boeing-Auftrag aus Zentralasien\ndate: {date}\n---\n{BODY}",
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("date", ["2025-00", "2025-11-00", "0000", "0000-00-00", "2025-02-30",
                                  "2025-13-01", "morgen"])
def test_front_matter_date_stored_as_unknown_when_not_real(tmp_path: Path, date: str) -> None:
    """Month/day 00, year 0000 and impossible days never reach the article: the date is
    unknown (not guessed from the text either) and the report says why."""
    article = parse_file(_markdown(tmp_path, date))[0]
    assert article.published == ""
    assert f"date '{date}' is not a real date; stored as unknown" in article.notes


@pytest.mark.parametrize(
    ("date", "expected"),
    [("2025-11", "2025-11"), ("2025-1-6", "2025-01-06"), ("2025-11-06T10:00:00Z", "2025-11-06"),
     ("6. November 2025", "2025-11-06"), ("Nov. 6, 2025", "2025-11-06")],
)
def test_front_matter_date_kept_when_real(tmp_path: Path, date: str, expected: str) -> None:
    """Real partial dates, timestamps and spelled-out dates are kept without a note."""
    article = parse_file(_markdown(tmp_path, date))[0]
    assert article.published == expected
    assert not any("date" in note for note in article.notes)


def test_text_date_used_when_front_matter_has_none(tmp_path: Path) -> None:
    """Without a metadata date the first date in the text is still used."""
    path = tmp_path / "ohne.md"
    path.write_text("---\ntitle: Ohne Datum im Kopf\n---\n" + BODY, encoding="utf-8")
    assert parse_file(path)[0].published == "2025-11-06"
