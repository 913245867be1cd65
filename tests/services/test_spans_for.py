"""``nb.annotations.spans_for``: the lean highlight read that readers draw from."""

from __future__ import annotations

from pathlib import Path

from app.core.records import HighlightSpan
from app.services import Notebook


def _article(nb: Notebook, tmp_path: Path, text: str) -> int:
    path = tmp_path / "a.txt"
    path.write_text(text, encoding="utf-8")
    return nb.imports.import_paths([path]).imported[0].id


def test_spans_for_matches_highlights_for_on_demo(demo_notebook):
    """Every demo article's spans equal the full records' id, span, colour and tags."""
    nb = demo_notebook
    articles = nb.articles.list().items
    assert articles
    total = 0
    for article in articles:
        spans = nb.annotations.spans_for(article.id)
        full = nb.annotations.highlights_for(article.id)
        assert spans == [HighlightSpan(h.id, h.start, h.end, h.colour, h.tag_ids) for h in full]
        total += len(spans)
    assert total > 0


def test_spans_for_groups_tags_and_keeps_untagged(notebook, tmp_path):
    """A highlight with three tags is one span with sorted ids; an untagged one has none."""
    nb = notebook
    aid = _article(nb, tmp_path, "Tokajew traf Trump in Washington 😀 und Boeing.")
    tags = [nb.tags.ensure(name)[0].id for name in ("Gamma", "Alpha", "Beta")]
    tagged, _ = nb.annotations.add(aid, 0, 7, tag_ids=list(reversed(tags)))
    plain, _ = nb.annotations.add(aid, 13, 18, colour="#ffcc00")
    assert nb.annotations.spans_for(aid) == [
        HighlightSpan(tagged.id, 0, 7, "", tuple(sorted(tags))),
        HighlightSpan(plain.id, 13, 18, "#ffcc00", ()),
    ]


def test_spans_for_is_sorted_and_scoped_to_the_article(notebook, tmp_path):
    """Spans come sorted by start, then end, and only for the article asked."""
    nb = notebook
    first = _article(nb, tmp_path, "eins zwei drei vier fünf sechs")
    (tmp_path / "b.txt").write_text("ganz anderer Text hier", encoding="utf-8")
    other = nb.imports.import_paths([tmp_path / "b.txt"]).imported[0].id
    nb.annotations.add(first, 10, 14)
    nb.annotations.add(first, 0, 9)
    nb.annotations.add(first, 0, 4)
    nb.annotations.add(other, 0, 4)
    assert [(s.start, s.end) for s in nb.annotations.spans_for(first)] == [
        (0, 4), (0, 9), (10, 14)]
    assert nb.annotations.spans_for(999) == []
