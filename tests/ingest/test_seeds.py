"""The five real seed articles: titles, languages and dates that can be found."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.ingest import ParsedArticle, read_sources

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="module")
def seeds() -> dict[str, ParsedArticle]:
    """Seed file name prefix ("000") -> parsed article."""
    if not SEEDS.is_dir():
        pytest.skip("seeds folder not in this checkout")
    items = list(read_sources([SEEDS]))
    assert all(isinstance(i, ParsedArticle) for i in items)
    return {i.original_name[:3]: i for i in items}  # type: ignore[union-attr]


def test_seed_languages_are_detected(seeds: dict[str, ParsedArticle]) -> None:
    """Four German seeds and one English."""
    assert {k: a.language for k, a in seeds.items()} == {
        "000": "de", "001": "de", "002": "en", "003": "de", "004": "de",
    }  # fmt: skip


def test_seed_titles_skip_page_furniture(seeds: dict[str, ParsedArticle]) -> None:
    """Titles come from the first meaningful line, not 'Von' or 'back to top'."""
    assert seeds["002"].title == "Trump calls Tokayev and Mirziyev to G20 summit in Miami"
    assert seeds["003"].title == "Blinken führt Gespräche mit zentralasiatischen Staaten"
    assert seeds["000"].title == "Telefonat mit Präsident Tokajew"
    assert seeds["001"].title.startswith("Der Präsident der Vereinigten Staaten von Amerika")
    assert len(seeds["001"].title) <= 202


def test_seed_outlet_comes_from_title_suffix(seeds: dict[str, ParsedArticle]) -> None:
    """'… – EURACTIV.de' names the outlet."""
    assert seeds["003"].outlet == "EURACTIV.de"


def test_seed_dates_are_found_only_where_a_full_date_is_given(
    seeds: dict[str, ParsedArticle],
) -> None:
    """Only seed 002 states a full date ('Sunday, January 11, 2026') in its first lines."""
    assert {k: a.published for k, a in seeds.items()} == {
        "000": "", "001": "", "002": "2026-01-11", "003": "", "004": "",
    }  # fmt: skip


def test_seed_text_keeps_original_lines(seeds: dict[str, ParsedArticle]) -> None:
    """The stored text is the file text (normalised), junk lines included."""
    raw = (SEEDS / seeds["000"].original_name).read_text(encoding="utf-8")
    assert seeds["000"].text == raw.strip()
