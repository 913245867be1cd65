"""Title, date and outlet guessed from the first lines of plain text."""

from __future__ import annotations

import pytest

from app.ingest.headline import find_title
from app.ingest.textmeta import find_date, split_outlet_suffix


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Berlin, 6. November 2025\nText", "2025-11-06"),
        ("Stand: 06.11.2025, 14:00 Uhr", "2025-11-06"),
        ("Sunday, January 11, 2026", "2026-01-11"),
        ("Published 2025-11-06T10:00:00Z", "2025-11-06"),
        ("Nov. 6, 2025 — Washington", "2025-11-06"),
        ("11 January 2026", "2026-01-11"),
        ("am 3. März 2024 in Astana", "2024-03-03"),
        ("Aktualisiert am 1. Dezember 2025", "2025-12-01"),
    ],
)
def test_find_date_reads_german_and_english_dates(text: str, expected: str) -> None:
    """Common date spellings become ISO dates."""
    assert find_date(text) == expected


@pytest.mark.parametrize(
    "text",
    ["31.02.2025 war kein Tag", "am 6. November in Washington", "Seite 12 von 30", ""],
)
def test_find_date_returns_empty_when_no_full_date(text: str) -> None:
    """Impossible dates and dates without a year are not guessed."""
    assert find_date(text) == ""


def test_find_date_ignores_dates_after_first_lines() -> None:
    """A date deep in the body is an event, not the publication date."""
    text = "\n".join(["Zeile mit Text"] * 12 + ["6. November 2025"])
    assert find_date(text) == ""


def test_find_title_skips_junk_lines_when_page_furniture_first() -> None:
    """Bylines, 'back to top' and date lines are not titles."""
    text = (
        "back to top\nVon \nVeröffentlicht am\n•Aktualisiert\nSunday, January 11, 2026\n"
        "Europe\nTrump calls Tokayev to the G20 summit\nBody text here."
    )
    assert find_title(text) == "Trump calls Tokayev to the G20 summit"


def test_find_title_prefers_headline_over_sentence() -> None:
    """A line without a final full stop beats an earlier sentence."""
    text = "Short first sentence here.\nA Headline Without Full Stop\nMore."
    assert find_title(text) == "A Headline Without Full Stop"


def test_find_title_cuts_first_sentence_when_no_headline() -> None:
    """Without a headline the first sentence is used, cut to 200 characters."""
    text = ("word " * 100).strip() + ". Second sentence."
    title = find_title(text)
    assert title.endswith("…") and len(title) <= 203


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Blinken führt Gespräche – EURACTIV.de", ("Blinken führt Gespräche", "EURACTIV.de")),
        ("Trump meets Tokayev | example.com", ("Trump meets Tokayev", "example.com")),
        ("Gipfel in Washington – ein Wendepunkt", ("Gipfel in Washington – ein Wendepunkt", "")),
    ],
)
def test_split_outlet_suffix_only_splits_domains(title: str, expected: tuple[str, str]) -> None:
    """A domain after a dash is the outlet; ordinary dashes stay in the title."""
    assert split_outlet_suffix(title) == expected
