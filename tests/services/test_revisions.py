"""Editing an article's text through ``nb.revisions``: re-anchored highlights, revisions,
diffs, orphans, undo, search and re-import of newer versions (real notebooks)."""

from __future__ import annotations

import itertools
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.errors import NotFound, ValidationError
from app.core.text import normalise_text
from app.ingest.article import ParsedArticle
from app.services import Notebook

TEXT = ("Back to top\n-2.4 C / Europe\n"
        "Kazakhstan joins the Abraham Accords, Tokajev said on Thursday.\n"
        "Boeing will deliver 37 jets to Air Astana 😀 over five years.\n"
        "Footer: © 2025\n")
_numbers = itertools.count(1)


def _article(nb: Notebook, text: str = TEXT, url: str = "", name: str = "") -> int:
    number = next(_numbers)
    parsed = ParsedArticle(source=name or f"a{number}.txt", original_name=name,
                           title=f"Article {number}", text=normalise_text(text),
                           language="en", outlet="", url=url, author="", published="")
    return int(nb.imports.import_parsed([parsed]).imported[0].id)


def _mark(nb: Notebook, article_id: int, words: str, memo: str = "") -> int:
    text = nb.articles.get(article_id).text
    start = text.index(words)
    highlight, _ = nb.annotations.add(article_id, start, start + len(words), memo=memo)
    return int(highlight.id)


def dump(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted; without the outbox and the search revision
    counter (bookkeeping an undo does not restore)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name NOT IN ('search_outbox', 'alembic_version', 'change_log',"
            " 'notebook_clock')")]
        out = {}
        for table in tables:
            cols = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')
                    if (table, r[1]) != ("article", "rev")
                    # row versions only grow, undo included (schema 0010)
                    and r[1] not in ("version", "changed_by", "changed_at")]
            names = ", ".join(f'"{c}"' for c in cols)
            out[table] = sorted(conn.execute(f'SELECT {names} FROM "{table}"').fetchall(),
                                key=repr)
        return out
    finally:
        conn.close()


def test_edit_text_reports_unchanged_moved_orphaned(notebook: Notebook) -> None:
    """Trimming furniture moves later highlights, fixes keep theirs, a cut one is orphaned."""
    aid = _article(notebook)
    accords = _mark(notebook, aid, "Abraham Accords")
    name = _mark(notebook, aid, "Tokajev")
    furniture = _mark(notebook, aid, "-2.4 C / Europe")
    footer = _mark(notebook, aid, "Footer: © 2025")
    new = TEXT.replace("Back to top\n-2.4 C / Europe\n", "").replace("Tokajev", "Tokajew")
    report = notebook.revisions.edit_text(aid, new, reason="furniture and a typo")
    assert (report.unchanged, report.moved, report.orphaned) == (0, 3, 1)
    get = notebook.annotations.get
    assert [get(h).exact for h in (accords, name, footer)] == [
        "Abraham Accords", "Tokajew", "Footer: © 2025"]
    text = notebook.articles.get(aid).text
    for h in (accords, name, footer):
        assert text[get(h).start:get(h).end] == get(h).exact
    assert get(furniture).is_orphaned
    assert report.changes.articles == {aid}


def test_edit_text_orphan_keeps_quote_context_and_memo(notebook: Notebook) -> None:
    """An orphan is listed for review with its old quote, context and memo, never dropped."""
    aid = _article(notebook)
    hid = _mark(notebook, aid, "37 jets", memo="*value*")
    notebook.revisions.edit_text(aid, TEXT.replace("Boeing will deliver 37 jets to ", ""))
    [orphan] = notebook.revisions.orphans(aid)
    assert (orphan.highlight_id, orphan.exact, orphan.memo) == (hid, "37 jets", "*value*")
    assert orphan.prefix.endswith("Boeing will deliver ")
    assert orphan.suffix.startswith(" to Air Astana")
    assert notebook.revisions.orphans() == [orphan]
    assert notebook.articles.get(aid).summary.highlight_count == 1


def test_preview_says_what_an_edit_would_do_writing_nothing(notebook: Notebook) -> None:
    """preview reports the outcomes an edit would have and leaves the article alone."""
    aid = _article(notebook)
    hid = _mark(notebook, aid, "37 jets")
    [outcome] = notebook.revisions.preview(aid, TEXT.replace("37 jets", "planes"))
    assert (outcome.id, outcome.state) == (hid, "orphaned")
    assert notebook.articles.get(aid).text == normalise_text(TEXT)
    assert not notebook.annotations.get(hid).is_orphaned


def test_edit_undo_restores_text_and_every_position(notebook: Notebook) -> None:
    """One undo restores the text, revisions and every highlight exactly; redo re-applies."""
    aid = _article(notebook)
    for words in ("Abraham Accords", "Tokajev", "Back to top", "😀 over", "37 jets"):
        _mark(notebook, aid, words)
    db = Path(notebook.path or "") / "notebook.db"
    before = dump(db)
    notebook.revisions.edit_text(aid, "Intro.\n" + TEXT.replace("Back to top\n", "")
                                 .replace("37 jets", "thirty-seven jets"))
    after = dump(db)
    assert after != before
    notebook.history.undo()
    assert dump(db) == before
    notebook.history.redo()
    assert dump(db) == after


def test_edit_text_line_ends_and_nfd_only_saves_nothing(notebook: Notebook) -> None:
    """A text differing only in line ends or normalisation form is not a new revision."""
    import unicodedata

    aid = _article(notebook, TEXT + "Café e\u0301\n")
    raw = unicodedata.normalize("NFD", notebook.articles.get(aid).text).replace("\n", "\r\n")
    report = notebook.revisions.edit_text(aid, raw)
    assert report.is_noop and report.revision is None
    assert notebook.revisions.revisions(aid) == []
    assert not notebook.history.can_undo or notebook.history.undo_label != "edit text"


def test_edit_text_refuses_empty_or_another_articles_text(notebook: Notebook) -> None:
    """An empty text, another article's text or a missing article change nothing."""
    aid = _article(notebook)
    other = _article(notebook, "Another article entirely.\n")
    with pytest.raises(ValidationError, match="empty"):
        notebook.revisions.edit_text(aid, " \n")
    with pytest.raises(ValidationError, match=f"article {other} already has this text"):
        notebook.revisions.edit_text(aid, "Another   article entirely.")
    with pytest.raises(NotFound):
        notebook.revisions.edit_text(999, "x")
    assert notebook.articles.get(aid).text == normalise_text(TEXT)
    assert notebook.revisions.revisions(aid) == []


def test_revisions_keep_each_text_with_who_when_why(notebook: Notebook) -> None:
    """Each edit keeps the text before it; the diff between revisions shows the change."""
    aid = _article(notebook)
    first = notebook.revisions.edit_text(aid, TEXT.replace("Tokajev", "Tokajew"), "typo")
    notebook.revisions.edit_text(aid, TEXT.replace("Tokajev", "Tokayev"), "spelling")
    revs = notebook.revisions.revisions(aid)
    assert [(r.number, r.reason) for r in revs] == [(1, "imported"), (2, "typo"),
                                                     (3, "spelling")]
    assert revs[1].id == first.revision and revs[2].author == notebook.annotations.author
    assert notebook.revisions.revision_text(revs[0].id) == normalise_text(TEXT)
    runs = notebook.revisions.diff(aid, revs[1].id, revs[2].id)
    assert [(r.kind, r.text) for r in runs if r.kind != "equal"] == [
        ("delete", "jew"), ("insert", "yev")]  # the semantic clean-up joins "j" and "w"
    assert all(r.kind == "equal" for r in notebook.revisions.diff(aid, revs[2].id))
    with pytest.raises(NotFound):
        notebook.revisions.diff(_article(notebook, "Other.\n"), revs[0].id)


def test_reattach_and_delete_orphans(notebook: Notebook) -> None:
    """Re-attaching puts an orphan on the chosen words; deleting uses annotations.delete."""
    aid = _article(notebook)
    a = _mark(notebook, aid, "Back to top")
    b = _mark(notebook, aid, "-2.4 C / Europe")
    notebook.revisions.trim_above(aid, TEXT.index("Kazakhstan"))
    assert {o.highlight_id for o in notebook.revisions.orphans(aid)} == {a, b}
    changes = notebook.revisions.reattach(a, 0, len("Kazakhstan"))
    assert changes.highlights == {a}
    assert notebook.annotations.get(a).exact == "Kazakhstan"
    assert not notebook.annotations.get(a).is_orphaned
    notebook.annotations.delete(b)
    assert notebook.revisions.orphans(aid) == []
    with pytest.raises(ValidationError):
        notebook.revisions.reattach(a, 5, 5000)


def test_trim_below_removes_the_end(notebook: Notebook) -> None:
    """Trim below keeps the text before the cut and highlights inside it."""
    aid = _article(notebook)
    hid = _mark(notebook, aid, "Abraham Accords")
    cut = TEXT.index("Footer")
    report = notebook.revisions.trim_below(aid, cut)
    assert notebook.articles.get(aid).text == normalise_text(TEXT[:cut])
    assert report.unchanged == 1 and notebook.annotations.get(hid).start == TEXT.index("Abr")
    with pytest.raises(ValidationError):
        notebook.revisions.trim_below(aid, 0)


def test_edit_search_index_follows_new_text(notebook: Notebook) -> None:
    """After an edit, search finds the new words and no longer the removed ones."""
    aid = _article(notebook)
    notebook.search.flush()
    assert notebook.search.search("Tokajev").total == 1
    notebook.revisions.edit_text(aid, TEXT.replace("Tokajev", "Kassym-Jomart"))
    notebook.search.flush()
    assert notebook.search.search("Tokajev").total == 0
    assert [h.article_id for h in notebook.search.search("Kassym").hits] == [aid]


def test_edit_keeps_tags_of_highlights(notebook: Notebook) -> None:
    """Highlights keep their ids, so their tags (and mentions, evidence) follow."""
    aid = _article(notebook)
    text = notebook.articles.get(aid).text
    highlight, _ = notebook.annotations.tag_passage(aid, text.index("Boeing"),
                                                    text.index("Boeing") + 6, "Firmen")
    notebook.revisions.edit_text(aid, "New first line.\n" + TEXT)
    moved = notebook.annotations.get(highlight.id)
    assert moved.tag_ids == highlight.tag_ids and moved.exact == "Boeing"


def test_delete_article_with_revisions_undo_restores_them(notebook: Notebook) -> None:
    """Revisions go with their article and come back with its undo."""
    aid = _article(notebook)
    notebook.revisions.edit_text(aid, TEXT + "More.\n")
    notebook.articles.delete([aid])
    with pytest.raises(NotFound):
        notebook.revisions.revisions(aid)
    notebook.history.undo()
    assert len(notebook.revisions.revisions(aid)) == 2


def test_import_newer_version_reported_not_added(notebook: Notebook, tmp_path: Path) -> None:
    """Re-importing a changed file reports a newer version instead of a new article."""
    path = tmp_path / "bericht.txt"
    path.write_text("Bericht\n\nTokajev trifft Trump in Washington.\n", encoding="utf-8")
    [first] = notebook.imports.import_paths([path]).imported
    path.write_text("Bericht\n\nTokajew trifft Trump in Washington.\n", encoding="utf-8")
    report = notebook.imports.import_paths([path])
    assert report.imported == [] and [n.article.id for n in report.newer] == [first.id]
    assert "Tokajew" in report.newer[0].text
    assert notebook.articles.count() == 1
    other = tmp_path / "other"
    other.mkdir()
    (other / "bericht.txt").write_text("Anderes\n\nGanz anderer Text.\n", encoding="utf-8")
    assert len(notebook.imports.import_paths([other / "bericht.txt"]).imported) == 1


# -- undo of random edits ------------------------------------------------------------------
@pytest.fixture(scope="module")
def shared() -> Iterator[Notebook]:
    folder = Path(tempfile.mkdtemp(prefix="dossier-revisions-"))
    nb = Notebook.open(folder / "nb")
    yield nb
    nb.close()
    shutil.rmtree(folder, ignore_errors=True)


PIECES = ["a", "b", " ", "\n", "é", "q\u0301", "😀", "👩\u200d🔬", "Q", "X"]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_edit_undo_restores_database_random_edits(shared: Notebook, data: st.DataObject) -> None:
    """Whatever the edit, undo gives back the database exactly, and redo the edited one."""
    text = normalise_text("".join(data.draw(st.lists(st.sampled_from(PIECES), min_size=5,
                                                     max_size=80))) + f" {next(_numbers)}")
    aid = _article(shared, text)
    for _ in range(data.draw(st.integers(1, 5))):
        start = data.draw(st.integers(0, len(text) - 1))
        end = data.draw(st.integers(start + 1, len(text)))
        shared.annotations.add(aid, start, end)
    i = data.draw(st.integers(0, len(text)))
    j = data.draw(st.integers(i, len(text)))
    inserted = "".join(data.draw(st.lists(st.sampled_from(PIECES), max_size=10)))
    new = text[:i] + inserted + text[j:] + "!"
    db = Path(shared.path or "") / "notebook.db"
    before = dump(db)
    report = shared.revisions.edit_text(aid, new.replace("\n", "\r\n"))
    assert len(report.outcomes) == len(shared.annotations.highlights_for(aid))
    after = dump(db)
    shared.history.undo()
    assert dump(db) == before
    shared.history.redo()
    assert dump(db) == after
