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


def _dated(notebook, tmp_path: Path, dates: list[str]) -> dict[str, int]:
    """One article per date (``""``: unknown); returns date -> article id."""
    paths = [_write(tmp_path, f"d{i}.txt", f"Artikel Nummer {i} über Handel mit Wolfram.")
             for i in range(len(dates))]
    report = notebook.imports.import_paths(paths)
    assert not report.failures, report.failures
    ids = {}
    for summary, date in zip(report.imported, dates, strict=True):
        notebook.articles.update_meta(summary.id, ArticleMeta(title=f"am {date or '?'}",
                                                              published=date))
        ids[date] = summary.id
    return ids


def _dates_in(notebook, ids: dict[str, int], date_from: str = "", date_to: str = "") -> set[str]:
    flt = ArticleFilter(date_from=date_from, date_to=date_to)
    page = notebook.articles.list(flt)
    assert page.total == notebook.articles.count(flt) == len(page.items)
    by_id = {v: k for k, v in ids.items()}
    return {by_id[a.id] for a in page.items}


@pytest.mark.parametrize(("date_from", "date_to", "expected"), [
    ("", "", {"2025-11", "2025", "2025-11-06", ""}),
    ("2025-11", "", {"2025-11", "2025", "2025-11-06"}),
    ("2025-11-06", "", {"2025-11", "2025", "2025-11-06"}),
    ("2025-11-07", "", {"2025-11", "2025"}),
    ("2025-12", "", {"2025"}),
    ("2026", "", set()),
    ("", "2025-11", {"2025-11", "2025", "2025-11-06"}),
    ("", "2025-11-05", {"2025-11", "2025"}),
    ("", "2025-10", {"2025"}),
    ("", "2024", set()),
    ("2025-11", "2025-11", {"2025-11", "2025", "2025-11-06"}),
    ("2025-11-06", "2025-11-06", {"2025-11", "2025", "2025-11-06"}),
    ("2024-12-31", "2025-01-01", {"2025"}),
    ("2025-12-01", "2025-12-31", {"2025"}),
])
def test_date_filter_keeps_articles_whose_period_overlaps_the_range(notebook, tmp_path,
                                                                    date_from, date_to,
                                                                    expected):
    """A partial date is a period: --from 2025-11 keeps an article dated 2025-11 (issue 10)."""
    ids = _dated(notebook, tmp_path, ["2025-11", "2025", "2025-11-06", ""])
    assert _dates_in(notebook, ids, date_from, date_to) == expected


def test_date_filter_agrees_with_period_overlap_for_every_kind_of_date(notebook, tmp_path):
    """The SQL filter keeps exactly the articles app.core.dates.overlaps keeps."""
    from app.core.dates import overlaps

    stored = ["", "2024", "2024-12", "2024-12-31", "2025", "2025-01", "2025-01-01",
              "2025-02", "2025-02-28", "2025-03-01", "2025-12", "2025-12-31", "2026-01-01"]
    ids = _dated(notebook, tmp_path, stored)
    bounds = ["", "2024", "2024-12-31", "2025", "2025-01", "2025-01-01", "2025-02",
              "2025-02-15", "2025-02-28", "2025-03", "2025-12-31", "2026"]
    for lo in bounds:
        for hi in bounds:
            expected = {d for d in stored if overlaps(d, lo or None, hi or None)}
            assert _dates_in(notebook, ids, lo, hi) == expected, (lo, hi)


def test_sort_by_date_puts_partial_dates_at_the_first_day_of_their_period(notebook, tmp_path):
    """2025 sorts with 1 January 2025, 2025-11 with 1 November 2025."""
    ids = _dated(notebook, tmp_path,
                 ["2025-11-02", "2025-11", "2025-10-31", "2025", "2024-12-31", "2025-01-02"])
    by_id = {v: k for k, v in ids.items()}
    page = notebook.articles.list(ArticleFilter(sort="published"))
    assert [by_id[a.id] for a in page.items] == [
        "2024-12-31", "2025", "2025-01-02", "2025-10-31", "2025-11", "2025-11-02"]


@pytest.mark.parametrize("bad", ["0000", "2025-00", "2025-13", "2025-02-30", "11/2025", "x"])
def test_date_filter_with_an_impossible_date_is_refused(notebook, three, bad):
    """A filter date the parser refuses raises ValidationError naming it, for both ends."""
    for flt in (ArticleFilter(date_from=bad), ArticleFilter(date_to=bad)):
        with pytest.raises(ValidationError, match=repr(bad).replace("/", ".")):
            notebook.articles.list(flt)
        with pytest.raises(ValidationError):
            notebook.articles.count(flt)


@pytest.mark.parametrize("bad", ["0000", "2025-00", "2025-11-00", "2025-02-30", "11.2025"])
def test_update_meta_refuses_an_invalid_date_and_stores_nothing(notebook, three, bad):
    """An invalid date never reaches the database: the article and history are unchanged."""
    before = notebook.articles.get(three[0])
    label = notebook.history.undo_label
    with pytest.raises(ValidationError, match="not a"):
        notebook.articles.update_meta(three[0], ArticleMeta(title="Neu", published=bad))
    assert notebook.articles.get(three[0]) == before
    assert notebook.history.undo_label == label


def test_update_meta_normalises_a_valid_partial_date(notebook, three):
    """2025-1-6 is stored as 2025-01-06; an empty date is stored as unknown."""
    notebook.articles.update_meta(three[0], ArticleMeta(title="a", published=" 2025-1-6 "))
    assert notebook.articles.get(three[0]).summary.published == "2025-01-06"
    notebook.articles.update_meta(three[0], ArticleMeta(title="a", published="  "))
    assert notebook.articles.get(three[0]).summary.published == ""


def test_set_fields_on_many_articles_is_one_undo_step(tmp_path) -> None:
    """Outlet, language and date set on three articles at once; one undo restores all three."""
    from app.services import Notebook

    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(3):
        text = f"Artikel {n}\n\nText {n} über Handel.\n"
        (folder / f"{n}.txt").write_text(text, encoding="utf-8")
    with Notebook.open(tmp_path / "nb") as nb:
        ids = [s.id for s in nb.imports.import_paths([folder]).imported]
        before = nb.articles.summaries(ids)
        changes = nb.articles.set_fields(ids, outlet="Euronews", published="2025-11")
        assert set(changes.articles) == set(ids)
        after = nb.articles.summaries(ids)
        assert {(s.outlet, s.published) for s in after} == {("Euronews", "2025-11")}
        assert nb.history.undo_label.startswith("set outlet 'Euronews', published '2025-11'")
        nb.history.undo()
        assert nb.articles.summaries(ids) == before


def test_set_fields_refuses_an_impossible_date_for_all(tmp_path) -> None:
    """'2025-00' is refused before anything is written."""
    import pytest

    from app.core.errors import ValidationError
    from app.services import Notebook

    path = tmp_path / "a.txt"
    path.write_text("Titel\n\nText.\n", encoding="utf-8")
    with Notebook.open(tmp_path / "nb") as nb:
        [summary] = nb.imports.import_paths([path]).imported
        with pytest.raises(ValidationError):
            nb.articles.set_fields([summary.id], outlet="X", published="2025-00")
        assert nb.articles.summaries([summary.id])[0].outlet == summary.outlet
        assert not nb.history.can_undo
