"""Editing an article's text is a versioned write too (issue 13): the edit says which text
it began from (``base=``); a colleague's save since merges line by line, or, in the same
lines, refuses the edit naming the colleague. Two Notebook objects on one database (SQLite
and PostgreSQL by the backend parameter)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.errors import ConflictError
from app.core.text_merge import resolve
from app.services import Notebook
from tests.clients import two_clients

TEXT = "Erste Zeile.\nZweite Zeile.\nDritte Zeile.\n"


@pytest.fixture
def two(tmp_path: Path) -> Iterator[tuple[Notebook, Notebook]]:
    """Anna's and Bert's notebook objects on one database, each with its own index."""
    with two_clients(tmp_path, "anna", "bert") as pair:
        yield pair


def _article(nb: Notebook, tmp_path: Path) -> tuple[int, str]:
    source = tmp_path / "text.txt"
    source.write_text(TEXT, encoding="utf-8")
    article_id = nb.imports.import_paths([source]).imported[0].id
    return article_id, nb.articles.get(article_id).text


def test_text_edit_merges_a_colleagues_other_lines(two, tmp_path):
    """Bert corrects line three after Anna began editing line one: both corrections are
    kept, and a highlight on line two stays on its words."""
    anna, bert = two
    article_id, base = _article(anna, tmp_path)
    start = base.index("Zweite")
    highlight, _ = anna.annotations.add(article_id, start, start + len("Zweite"))
    bert.revisions.edit_text(article_id, base.replace("Dritte", "Die dritte"), base=base)
    anna.revisions.edit_text(article_id, base.replace("Erste", "Die erste"), base=base)
    text = bert.articles.get(article_id).text
    assert text.startswith("Die erste Zeile.\nZweite Zeile.\nDie dritte Zeile.")
    moved = bert.annotations.get(highlight.id)
    assert text[moved.start:moved.end] == "Zweite"


def test_text_edit_of_the_same_line_is_refused_naming_the_colleague(two, tmp_path):
    """Both change line two: Anna's save raises a conflict naming Bert and writes
    nothing; without ``base`` (the old behaviour) it would have replaced Bert's text."""
    anna, bert = two
    article_id, base = _article(anna, tmp_path)
    bert.revisions.edit_text(article_id, base.replace("Zweite", "2."), base=base)
    with pytest.raises(ConflictError) as caught:
        anna.revisions.edit_text(article_id, base.replace("Zweite", "Second"), base=base)
    assert "bert" in str(caught.value)
    assert "2. Zeile" in bert.articles.get(article_id).text
    assert len(bert.revisions.revisions(article_id)) == 2  # imported + Bert's


def test_a_clash_carries_both_versions_by_place(two, tmp_path):
    """The refused edit carries every region, for a merge by hand: Anna's correction of
    line one merges on its own, line three is the one place to choose; saving her choice
    based on Bert's text keeps his correction of line five."""
    anna, bert = two
    source = tmp_path / "five.txt"
    source.write_text("Eins.\nZwischen.\nDrei.\nZwischen.\nFünf.\n", encoding="utf-8")
    article_id = anna.imports.import_paths([source]).imported[0].id
    base = anna.articles.get(article_id).text
    bert.revisions.edit_text(article_id, base.replace("Drei.", "3.").replace(
        "Fünf.", "Die fünfte."), base=base)
    mine = base.replace("Drei.", "Three.").replace("Eins.", "Die erste.")
    with pytest.raises(ConflictError) as caught:
        anna.revisions.edit_text(article_id, mine, base=base)
    clash = caught.value.text_clash
    assert clash is not None and clash.their_author == "bert" and clash.id == article_id
    assert clash.theirs == bert.articles.get(article_id).text and clash.mine == mine
    assert [(c.base, c.mine, c.theirs) for c in clash.clashes] == [
        ("Drei.\n", "Three.\n", "3.\n")]
    assert clash.merged_without_asking == 2
    anna.revisions.edit_text(article_id, resolve(clash.regions, ["mine"]), base=clash.theirs)
    assert bert.articles.get(article_id).text.rstrip("\n") == (
        "Die erste.\nZwischen.\nThree.\nZwischen.\nDie fünfte.")


def test_text_edits_based_on_the_text_just_saved_do_not_conflict(two, tmp_path):
    """Two edits in a row, each based on the text the previous one saved."""
    anna, _bert = two
    article_id, base = _article(anna, tmp_path)
    first = base.replace("Erste", "1.")
    anna.revisions.edit_text(article_id, first, base=base)
    anna.revisions.edit_text(article_id, first.replace("1.", "Eins"),
                             base=anna.articles.get(article_id).text)
    assert anna.articles.get(article_id).text.startswith("Eins Zeile.")


def test_trim_counts_in_the_text_shown_and_merges_or_conflicts(two, tmp_path):
    """Anna trims at positions counted in the text her reader shows: Bert's edits since
    of lines she keeps are kept (a correction below, a line added above); when he
    rewrote the line she removes, her trim is refused instead of cutting his text at a
    position counted in hers."""
    anna, bert = two
    article_id, base = _article(anna, tmp_path)
    bert.revisions.edit_text(article_id, base.replace("Dritte", "Die dritte"), base=base)
    anna.revisions.trim_above(article_id, base.index("Zweite"), base=base)
    assert bert.articles.get(article_id).text.startswith("Zweite Zeile.\nDie dritte Zeile.")
    shown = bert.articles.get(article_id).text
    bert.revisions.edit_text(article_id, "Werbung\n" + shown, base=shown)
    anna.revisions.trim_below(article_id, shown.index("Die dritte"), base=shown)
    assert bert.articles.get(article_id).text.rstrip("\n") == "Werbung\nZweite Zeile."
    shown = bert.articles.get(article_id).text
    bert.revisions.edit_text(article_id, "Anzeige\n" + shown[len("Werbung\n"):], base=shown)
    with pytest.raises(ConflictError):
        anna.revisions.trim_above(article_id, shown.index("Zweite"), base=shown)
    assert bert.articles.get(article_id).text.startswith("Anzeige\nZweite Zeile.")
