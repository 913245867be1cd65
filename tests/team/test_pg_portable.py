"""What SQLite and PostgreSQL do differently gives the same result through Dossier:
length-limited text columns (PostgreSQL refuses a value longer than ``varchar(n)`` where
SQLite keeps it, so the services check first) and case-insensitive names beyond ASCII."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.errors import ValidationError
from app.core.records import ArticleMeta
from app.services import Notebook
from tests import pg


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def either(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Notebook]:
    """An empty notebook on SQLite, then on PostgreSQL."""
    if request.param == "sqlite":
        nb = Notebook.open(tmp_path / "nb")
    else:
        nb = pg.open_pg_notebook(request.getfixturevalue("pg_url"), tmp_path)
    try:
        yield nb
    finally:
        nb.close()


def _article(nb: Notebook, tmp_path: Path, outlet: str = "Reuters") -> int:
    source = tmp_path / "a.md"
    source.write_text(f"---\ntitle: Gipfel\noutlet: {outlet}\n---\n\nGipfel in Astana.\n",
                      encoding="utf-8")
    report = nb.imports.import_paths([source])
    assert not report.failures, report.failures
    return int(report.imported[0].id)


def test_too_long_outlet_or_language_is_refused_with_its_name(either: Notebook,
                                                              tmp_path: Path) -> None:
    """An outlet over 300 characters (or a language over 16) is a ValidationError on both
    databases, and the article keeps its metadata."""
    article_id = _article(either, tmp_path)
    before = either.articles.get(article_id)
    with pytest.raises(ValidationError, match="outlet of an article can be at most 300"):
        either.articles.update_meta(article_id, ArticleMeta(title="Gipfel", outlet="O" * 301))
    with pytest.raises(ValidationError, match="language of an article can be at most 16"):
        either.articles.set_fields([article_id], language="x" * 17)
    assert either.articles.get(article_id) == before


def test_import_keeps_the_first_300_characters_of_a_long_outlet(either: Notebook,
                                                                 tmp_path: Path) -> None:
    """A file whose outlet is longer than the column is imported with the outlet cut."""
    article_id = _article(either, tmp_path, outlet="Sehr lange Zeitung " * 30)
    outlet = either.articles.get(article_id).summary.outlet
    assert len(outlet) <= 300 and outlet.startswith("Sehr lange Zeitung Sehr")


def test_sibling_tag_names_differing_in_non_ascii_case_are_one_name(either: Notebook) -> None:
    """"öl" beside "Öl" is refused on both databases (SQLite's lower() folds only ASCII)."""
    either.tags.create("Öl")
    with pytest.raises(ValidationError):
        either.tags.create("öl")
    tag, _ = either.tags.ensure("ÖL")
    assert [t.name for t in either.tags.list()] == ["Öl"] and tag.name == "Öl"
