"""The demo notebook's notes: linked to seed passages, actors and agreements."""

from __future__ import annotations

import json

from app.notes.links import find_links
from app.services.demo import SEEDS


def test_demo_notes_links_all_resolve(demo_notebook) -> None:
    """Every [[link]] of every demo note points at something, of every kind used."""
    notes = demo_notebook.notes.list()
    assert len(notes) == 3
    kinds = set()
    for summary in notes:
        body = demo_notebook.notes.get(summary.id).body
        refs = find_links(body)
        resolved = demo_notebook.notes.resolve(refs, summary.id)
        assert "{{" not in body
        assert [r.target for r in refs if r.key not in resolved] == []
        kinds |= {r.kind for r in refs}
    assert {"actor", "agreement", "passage", "note"} <= kinds


def test_demo_notes_cite_seed_highlights_without_adding_any(demo_notebook) -> None:
    """Passages are found by quote and reuse the tagged seed highlight of that span."""
    quotes = {p["quote"] for p in json.loads(
        (SEEDS / "notes.json").read_text(encoding="utf-8"))["passages"].values()}
    cited = {}
    for summary in demo_notebook.notes.list():
        for ref in find_links(demo_notebook.notes.get(summary.id).body):
            if ref.kind == "passage":
                highlight = demo_notebook.annotations.get(int(ref.target))
                cited[highlight.exact] = highlight
    assert set(cited) == quotes
    for quote, highlight in cited.items():
        same = [h for h in demo_notebook.annotations.highlights_for(highlight.article_id)
                if (h.start, h.end) == (highlight.start, highlight.end)]
        assert same == [highlight] and highlight.tag_ids, quote


def test_demo_actor_lists_demo_notes_as_backlinks(demo_notebook) -> None:
    """Tokayev is cited by two demo notes, under two spellings."""
    tokayev = demo_notebook.actors.find("Tokajew")
    titles = [b.note_title for b in demo_notebook.notes.backlinks("actor", tokayev.id)]
    assert titles == ["Kasachstan und das Abraham-Abkommen",
                      "Tokajew on Ukraine: German vs. English wording"]
