"""Library listing, filters, metadata edits, duplicates, export."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from app.core.errors import ValidationError
from app.core.records import ArticleFilter, ArticleMeta


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def three(notebook, tmp_path):
    paths = [
        _write(tmp_path, "a.txt",
               "Kasachstan und die USA vereinbaren ein Abkommen über Wolfram."),
        _write(tmp_path, "b.txt", "The United States and Uzbekistan set up an investment council."),
        _write(tmp_path, "c.txt",
               "Blinken trifft Tokajew in Astana zu Gesprächen über Sicherheit."),
    ]
    report = notebook.imports.import_paths(paths)
    ids = [s.id for s in report.imported]
    metas = [("Wolfram-Abkommen", "Der Standard", "2025-11-06"),
             ("Investment council", "Eurasianet", "2025-12"),
             ("Blinken in Astana", "EURACTIV.de", "2023-02-28")]
    for aid, (title, outlet, date) in zip(ids, metas, strict=True):
        art = notebook.articles.get(aid)
        notebook.articles.update_meta(aid, ArticleMeta(
            title=title, language=art.summary.language, outlet=outlet, published=date))
    return ids


def test_list_filters_by_outlet_language_date_and_text(notebook, three):
    """Each filter narrows the library in SQL; totals match."""
    page = notebook.articles.list(ArticleFilter(languages=("de",)))
    assert {a.title for a in page.items} == {"Wolfram-Abkommen", "Blinken in Astana"}
    assert notebook.articles.count(ArticleFilter(outlets=("Eurasianet",))) == 1
    assert [a.title for a in notebook.articles.list(
        ArticleFilter(date_from="2025", date_to="2025-12-31")).items] == [
        "Wolfram-Abkommen", "Investment council"]
    assert notebook.articles.list(ArticleFilter(text="astan")).total == 1  # "Blinken in Astana"
    assert notebook.articles.list(ArticleFilter(text="100%_")).total == 0


def test_list_sorts_and_pages(notebook, three):
    """Sorting by title and paging return stable slices."""
    flt = ArticleFilter(sort="title")
    assert [a.title for a in notebook.articles.list(flt).items] == [
        "Blinken in Astana", "Investment council", "Wolfram-Abkommen"]
    page = notebook.articles.list(ArticleFilter(sort="published", descending=True), 1, 1)
    assert page.total == 3 and [a.title for a in page.items] == ["Wolfram-Abkommen"]
    with pytest.raises(ValidationError):
        notebook.articles.list(ArticleFilter(sort="text; DROP TABLE article"))


def test_filter_by_tag_includes_child_tags(notebook, three):
    """Filtering by a tag finds articles whose highlights carry it or a descendant."""
    child, _ = notebook.tags.ensure("Themen/Rohstoffe")
    notebook.annotations.add(three[0], 0, 10, [child.id])
    parent = notebook.tags.find("Themen")
    assert [a.id for a in notebook.articles.list(ArticleFilter(tag_ids=(parent.id,))).items] == [
        three[0]]


def test_update_meta_validates_dates_and_is_undoable(notebook, three):
    """A bad date is refused; a good edit is undone by the history."""
    with pytest.raises(ValidationError):
        notebook.articles.update_meta(three[0], ArticleMeta(title="x", published="2025-13-01"))
    notebook.articles.update_meta(three[0], ArticleMeta(title="Neu", published="2024"))
    assert notebook.articles.get(three[0]).title == "Neu"
    notebook.history.undo()
    assert notebook.articles.get(three[0]).title == "Wolfram-Abkommen"


def test_duplicate_text_is_reported_not_imported(notebook, tmp_path, three):
    """The same text (even with other line endings) is a duplicate of the stored article."""
    dup = tmp_path / "dup.txt"
    dup.write_bytes("Kasachstan und die USA vereinbaren ein Abkommen über Wolfram.\r\n".encode())
    report = notebook.imports.import_paths([dup])
    assert report.imported == []
    assert [(Path(s).name, a.id) for s, a in report.duplicates] == [("dup.txt", three[0])]


def test_export_json_and_csv_contain_everything(notebook, three, tmp_path):
    """JSON has articles with text and highlights; CSVs have one row per item."""
    tag, _ = notebook.tags.ensure("Rohstoffe/Wolfram")
    text = notebook.articles.get(three[0]).text
    start = text.index("Wolfram")
    notebook.annotations.add(three[0], start, start + 7, [tag.id], memo="=1+1")
    doc = json.loads(notebook.exports.to_json(tmp_path / "out" / "nb.json").read_text("utf-8"))
    assert len(doc["articles"]) == 3
    first = next(a for a in doc["articles"] if a["id"] == three[0])
    assert first["highlights"][0]["exact"] == "Wolfram"
    assert doc["tags"][1]["path"] == "Rohstoffe/Wolfram"
    arts, hls = notebook.exports.to_csv(tmp_path / "csv")
    rows = list(csv.DictReader(hls.read_text("utf-8").splitlines()))
    assert rows[0]["quote"] == "Wolfram" and rows[0]["tags"] == "Rohstoffe/Wolfram"
    assert rows[0]["memo"] == "'=1+1"  # no formula injection
    assert len(list(csv.DictReader(arts.read_text("utf-8").splitlines()))) == 3
    assert not list((tmp_path / "csv").glob(".*tmp"))
