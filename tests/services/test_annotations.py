"""Highlights, tags and undo through the real service layer."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.errors import NotFound, ValidationError
from app.services import Notebook

TRICKY = "„Grüß Gott“ 😀 sagte x\u0301 👩‍👩‍👧 und مرحبا بالعالم 🇩🇪 Ende."


def _article(nb: Notebook, tmp_path: Path, text: str, name: str = "a.txt") -> int:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    report = nb.imports.import_paths([path])
    assert not report.failures, report.failures
    return report.imported[0].id


def test_highlight_spans_are_code_points_with_astral_and_combining(notebook, tmp_path):
    """A span counted in code points quotes exactly those characters, emoji included."""
    aid = _article(notebook, tmp_path, "Titelzeile mit Wörtern\n" + TRICKY)
    text = notebook.articles.get(aid).text
    for word in ("😀", "x\u0301", "👩‍👩‍👧", "بالعالم", "🇩🇪 Ende"):
        start = text.index(word)
        h, changes = notebook.annotations.add(aid, start, start + len(word))
        assert h.exact == word
        assert text[h.start - len(h.prefix):h.start] == h.prefix
        assert text[h.end:h.end + len(h.suffix)] == h.suffix
        assert changes.highlights == {h.id}


def test_add_highlight_outside_text_is_refused(notebook, tmp_path):
    """Spans past the end or empty spans raise ValidationError."""
    aid = _article(notebook, tmp_path, "kurzer Text hier")
    with pytest.raises(ValidationError):
        notebook.annotations.add(aid, 3, 100)
    with pytest.raises(ValidationError):
        notebook.annotations.add(aid, 4, 4)
    with pytest.raises(NotFound):
        notebook.annotations.add(999, 0, 1)


def test_overlapping_highlights_keep_their_own_tags(notebook, tmp_path):
    """Overlaps are allowed and each highlight keeps its tags."""
    aid = _article(notebook, tmp_path, "Kasachstan tritt dem Abraham-Abkommen bei.")
    a, _ = notebook.tags.ensure("Abkommen/Abraham")
    b, _ = notebook.tags.ensure("Staaten")
    h1, _ = notebook.annotations.add(aid, 0, 20, [a.id])
    h2, _ = notebook.annotations.add(aid, 0, 10, [b.id, a.id])
    got = notebook.annotations.highlights_for(aid)
    assert [(h.start, h.end) for h in got] == [(0, 10), (0, 20)]
    assert notebook.annotations.get(h2.id).tag_ids == tuple(sorted((a.id, b.id)))
    assert notebook.annotations.get(h1.id).tag_ids == (a.id,)


def test_tag_passage_creates_tag_and_highlight_in_one_undo_step(notebook, tmp_path):
    """Quick tag makes tag + highlight; one undo removes both; redo restores both."""
    aid = _article(notebook, tmp_path, "Trump lädt Tokajew ein.")
    h, _ = notebook.annotations.tag_passage(aid, 11, 18, "Akteure/Tokajew")
    assert h.exact == "Tokajew"
    assert notebook.history.undo_label == "add tag 'Akteure/Tokajew'"  # the path (issue 11)
    assert {t.path for t in notebook.tags.list()} == {"Akteure", "Akteure/Tokajew"}
    notebook.history.undo()
    assert notebook.tags.list() == []
    assert notebook.annotations.highlights_for(aid) == []
    notebook.history.redo()
    again = notebook.annotations.highlights_for(aid)
    assert [(x.id, x.exact) for x in again] == [(h.id, "Tokajew")]
    h2, _ = notebook.annotations.tag_passage(aid, 11, 18, "Personen")
    assert h2.id == h.id and len(h2.tag_ids) == 2


def test_memo_tags_and_delete_are_undoable(notebook, tmp_path):
    """Every edit is one history: memo, tag removal, delete, each undone in reverse."""
    aid = _article(notebook, tmp_path, "Ein Satz über Wolfram und Investitionen.")
    tag, _ = notebook.tags.create("Rohstoffe")
    h, _ = notebook.annotations.add(aid, 14, 21, [tag.id])
    notebook.annotations.set_memo(h.id, "**wichtig**")
    notebook.annotations.remove_tags(h.id, [tag.id])
    notebook.annotations.delete(h.id)
    assert notebook.annotations.highlights_for(aid) == []
    notebook.history.undo()  # delete
    assert notebook.annotations.get(h.id).tag_ids == ()
    notebook.history.undo()  # remove tag
    assert notebook.annotations.get(h.id).tag_ids == (tag.id,)
    assert notebook.annotations.get(h.id).memo == "**wichtig**"
    notebook.history.undo()  # memo
    assert notebook.annotations.get(h.id).memo == ""
    assert notebook.history.redo_label == "edit memo"


def test_tag_hierarchy_rename_move_merge_delete(notebook, tmp_path):
    """Paths follow renames and moves; merge keeps every use; delete lifts children."""
    aid = _article(notebook, tmp_path, "Boeing Air Astana Dreamliner Kauf")
    energy, _ = notebook.tags.ensure("Wirtschaft/Energie")
    oil, _ = notebook.tags.ensure("Wirtschaft/Energie/Öl")
    gas, _ = notebook.tags.ensure("Gas")
    h1, _ = notebook.annotations.add(aid, 0, 6, [oil.id])
    h2, _ = notebook.annotations.add(aid, 7, 17, [gas.id, oil.id])
    notebook.tags.rename(energy.id, "Energiepolitik")
    assert notebook.tags.get(oil.id).path == "Wirtschaft/Energiepolitik/Öl"
    with pytest.raises(ValidationError):
        notebook.tags.set_parent(energy.id, oil.id)
    notebook.tags.merge([gas.id], oil.id)
    assert notebook.annotations.get(h2.id).tag_ids == (oil.id,)
    assert notebook.tags.get(oil.id).highlight_count == 2
    notebook.tags.delete(energy.id)
    assert notebook.tags.get(oil.id).path == "Wirtschaft/Öl"
    notebook.history.undo()
    notebook.history.undo()
    assert notebook.tags.get(oil.id).path == "Wirtschaft/Energiepolitik/Öl"
    assert set(notebook.annotations.get(h2.id).tag_ids) == {gas.id, oil.id}
    assert notebook.annotations.get(h1.id).tag_ids == (oil.id,)


def test_sibling_tag_names_are_unique_case_insensitively(notebook):
    """Two tags of one parent cannot share a name; '/' is not allowed in names."""
    notebook.tags.create("Energie")
    with pytest.raises(ValidationError):
        notebook.tags.create("energie")
    with pytest.raises(ValidationError):
        notebook.tags.create("a/b")
    with pytest.raises(ValidationError):
        notebook.tags.create("   ")


def test_passages_with_tag_include_descendants(notebook, tmp_path):
    """'Show all passages' lists highlights of the tag and its children across articles."""
    a1 = _article(notebook, tmp_path, "Erster Artikel über Gas.", "a.txt")
    a2 = _article(notebook, tmp_path, "Second article about oil.", "b.txt")
    parent, _ = notebook.tags.ensure("Energie")
    child, _ = notebook.tags.ensure("Energie/Öl")
    notebook.annotations.add(a1, 20, 23, [parent.id])
    notebook.annotations.add(a2, 21, 24, [child.id])
    assert {p.highlight.exact for p in notebook.annotations.passages_with_tag(parent.id)} == {
        "Gas", "oil"}
    only = notebook.annotations.passages_with_tag(parent.id, include_descendants=False)
    assert [p.highlight.exact for p in only] == ["Gas"]


def test_delete_article_is_undone_with_its_highlights(notebook, tmp_path):
    """Deleting an article removes its highlights; undo brings both back with same ids."""
    aid = _article(notebook, tmp_path, "Ein Artikel mit einer Markierung.")
    tag, _ = notebook.tags.create("X")
    h, _ = notebook.annotations.add(aid, 4, 11, [tag.id])
    changes = notebook.articles.delete([aid])
    assert changes.deleted_articles == {aid} and h.id in changes.deleted_highlights
    with pytest.raises(NotFound):
        notebook.articles.get(aid)
    notebook.history.undo()
    assert notebook.annotations.get(h.id).tag_ids == (tag.id,)
    assert notebook.articles.get(aid).summary.highlight_count == 1


def test_ensure_at_span_reuses_the_exact_span_and_creates_otherwise(notebook, tmp_path):
    """The highlight at exactly a span is reused; a different span gets a new highlight."""
    aid = _article(notebook, tmp_path, "Kasachstan tritt dem Abraham-Abkommen bei.")
    h, _ = notebook.annotations.add(aid, 0, 10, memo="erste")
    with notebook._writer.edit("test") as tx:
        same = notebook.annotations.ensure_at_span(tx, aid, 0, 10)
        wider = notebook.annotations.ensure_at_span(tx, aid, 0, 16)
        again = notebook.annotations.ensure_at_span(tx, aid, 0, 16)
    assert same == (h.id, False)
    assert wider[1] is True and wider[0] != h.id
    assert again == (wider[0], False)
    created = notebook.annotations.get(wider[0])
    assert (created.exact, created.tag_ids, created.author) == (
        "Kasachstan tritt", (), notebook.annotations.author)
    assert len(notebook.annotations.highlights_for(aid)) == 2


def _rows(nb: Notebook) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every record table (sorted); the search to-do list and ``rev`` excluded
    (bookkeeping that undo does not roll back)."""
    import sqlite3

    conn = sqlite3.connect(f"file:{nb.path / 'notebook.db'}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name NOT LIKE '%outbox' AND name NOT IN ('change_log', 'notebook_clock')")]
        out = {}
        for table in tables:
            cols = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')
                    if (table, r[1]) != ("article", "rev")
                    # row versions only grow, undo included (schema 0010)
                    and r[1] not in ("version", "changed_by", "changed_at")]
            names = ", ".join(f'"{c}"' for c in cols)
            out[table] = sorted(conn.execute(f'SELECT {names} FROM "{table}"'), key=repr)
        return out
    finally:
        conn.close()


@pytest.fixture
def web(notebook, tmp_path):
    """An article whose tagged highlight is an actor mention, agreement evidence and cited
    in a note, next to a second article; tags with children."""
    aid = _article(notebook, tmp_path, "Tokajew traf Rubio in Washington. Wolfram-Abkommen.")
    other = _article(notebook, tmp_path, "Kasachstan kauft Boeing-Jets.", "b.txt")
    energy, _ = notebook.tags.ensure("Energie/Öl")
    trade, _ = notebook.tags.ensure("Handel/Rohstoffe")
    h, _ = notebook.annotations.add(aid, 0, 7, [energy.id, trade.id], memo="wer")
    notebook.annotations.add(other, 0, 10, [trade.id])
    actor, _ = notebook.actors.create("Tokayev", "person")
    notebook.actors.mark_highlight(h.id, actor.id)
    deal, _ = notebook.agreements.create("Wolfram", "purchase")
    notebook.agreements.add_evidence(deal.id, h.id, "agreement")
    notebook.notes.create("Notiz", f"Siehe [[passage:{h.id}]] und [[article:{aid}]].")
    return aid, energy, trade


@pytest.mark.parametrize("edit", ["delete article", "delete tag", "merge tags",
                                  "delete highlight"])
def test_deletions_are_undone_and_redone_exactly(notebook, web, edit):
    """Undo restores every row a deletion touched (links, mentions, evidence, child tags);
    redo gives back exactly the state after the edit."""
    aid, energy, trade = web
    before = _rows(notebook)
    highlight_id = notebook.annotations.highlights_for(aid)[0].id
    parent = notebook.tags.find("Handel")
    {"delete article": lambda: notebook.articles.delete([aid]),
     "delete tag": lambda: notebook.tags.delete(parent.id),
     "merge tags": lambda: notebook.tags.merge([trade.id], energy.id),
     "delete highlight": lambda: notebook.annotations.delete(highlight_id)}[edit]()
    after = _rows(notebook)
    assert after != before
    notebook.history.undo()
    assert _rows(notebook) == before
    notebook.history.redo()
    assert _rows(notebook) == after


def test_tag_whole_articles_is_one_undo_step_naming_the_path(tmp_path) -> None:
    """Two articles tagged whole with a new child tag; the label names the path; undo removes
    both highlights and the new tag."""
    from app.services import Notebook

    folder = tmp_path / "in"
    folder.mkdir()
    texts = ["Erster Text 😀 über Handel.\n", "Zweiter Text über Energie.\n"]
    for n, text in enumerate(texts):
        (folder / f"{n}.txt").write_text(text, encoding="utf-8")
    with Notebook.open(tmp_path / "nb") as nb:
        ids = [s.id for s in nb.imports.import_paths([folder]).imported]
        nb.annotations.tag_articles(ids, "Themen/Wirtschaft")
        assert nb.history.undo_label == "add tag 'Themen/Wirtschaft' to 2 articles"
        for article_id in ids:
            [highlight] = nb.annotations.highlights_for(article_id)
            text = nb.articles.get(article_id).text
            assert (highlight.start, highlight.end) == (0, len(text))
            assert [nb.tags.get(t).path for t in highlight.tag_ids] == ["Themen/Wirtschaft"]
        nb.history.undo()
        assert all(not nb.annotations.highlights_for(a) for a in ids)
        assert nb.tags.list() == []
