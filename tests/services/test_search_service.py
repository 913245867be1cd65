"""One search service over articles and notes: one index, one outbox, one ranking."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command

from app.services import Notebook
from app.store.engine import _alembic_config, make_engine

ARTICLE = "Präsident Tokajew unterzeichnete das Abkommen über Wolfram in Astana.\n"


def _notebook_with_article_and_note(tmp_path: Path) -> Notebook:
    (tmp_path / "a.txt").write_text(f"Wolfram-Abkommen\n{ARTICLE}", encoding="utf-8")
    nb = Notebook.open(tmp_path / "nb")
    nb.imports.import_paths([tmp_path / "a.txt"])
    nb.notes.create("Wolfram", "Das Abkommen über Wolfram ist unterzeichnet.")
    nb.search.flush()
    return nb


def test_search_ranks_articles_and_notes_in_one_list(tmp_path):
    """One query returns both kinds from one index (one total, one score scale); kinds
    narrows it to one kind."""
    with _notebook_with_article_and_note(tmp_path) as nb:
        both = nb.search.search("Abkommen")
        assert both.total == 2 and {h.kind for h in both.hits} == {"article", "note"}
        assert [h.score for h in both.hits] == sorted((h.score for h in both.hits),
                                                      reverse=True)
        [note] = nb.search.search("Abkommen", kinds=("note",)).hits
        assert (note.kind, note.title) == ("note", "Wolfram") and note.note_id
        body = nb.notes.get(note.note_id).body
        assert [body[s:e] for s, e in note.hit_spans] == ["Abkommen"]
        assert [h.kind for h in nb.search.search("Abkommen", kinds=("article",)).hits] == [
            "article"]
        assert nb.notes.search_all("Abkommen").total == 2


def test_note_and_article_with_the_same_id_are_separate_documents(tmp_path):
    """Article 1 and note 1 are two documents: deleting the note leaves the article."""
    with _notebook_with_article_and_note(tmp_path) as nb:
        [note] = nb.notes.list()
        assert note.id == 1 and nb.articles.get(1)
        nb.notes.delete(note.id)
        nb.search.flush()
        assert [h.kind for h in nb.search.search("Wolfram").hits] == ["article"]
        assert nb.search.check(repair=False).is_ok


def test_cli_search_shows_notes_beside_articles(tmp_path, capsys):
    """The command line finds notes too (it used to search articles only)."""
    from app.cli import main as cli

    _notebook_with_article_and_note(tmp_path).close()
    capsys.readouterr()
    assert cli(["search", "unterzeichnet", "--notebook", str(tmp_path / "nb")]) == 0
    out = capsys.readouterr().out
    assert "Wolfram  (Note" in out and "Wolfram-Abkommen" in out


def test_upgrade_carries_queued_articles_and_notes_into_the_one_outbox(tmp_path):
    """A notebook at schema 0005 with work queued in both old outboxes: after the
    upgrade that work is in the one outbox, in order, and gets indexed."""
    folder = tmp_path / "old"
    folder.mkdir()
    db = folder / "notebook.db"
    engine = make_engine(f"sqlite:///{db}")
    command.upgrade(_alembic_config(engine), "0005")
    engine.dispose()
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO article (title, text, language, outlet, url, author, published, "
            "original_name, imported_at, sha256, content_key, char_count, extra, rev) VALUES "
            "('Alt', 'Alter Text über Wolfram', 'de', '', '', '', '', 'a.txt', "
            "'2025-01-01 00:00:00', 'x', 'y', 10, '{}', 1)")
        conn.execute("INSERT INTO note (title, body, created_at, modified_at) VALUES "
                     "('Notiz', 'Wolfram und Uran', '2025-01-01 00:00:00', "
                     "'2025-01-01 00:00:00')")
        conn.execute("INSERT INTO index_outbox (article_id) VALUES (1)")
        conn.execute("INSERT INTO note_outbox (note_id) VALUES (1)")
    conn.close()
    with Notebook.open(folder) as nb:
        with sqlite3.connect(db) as conn:
            queued = conn.execute("SELECT entity, entity_id FROM change_log "  # since 0009
                                  "WHERE op = 'stale' ORDER BY id").fetchall()
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        conn.close()
        assert queued[:2] == [("article", 1), ("note", 1)]
        assert not {"index_outbox", "note_outbox"} & tables
        nb.search.flush()
        assert sorted(h.kind for h in nb.search.search("Wolfram").hits) == ["article", "note"]


def test_old_notes_index_folder_is_removed_only_if_it_is_dossiers(tmp_path):
    """The notes' former own index folder is tidied away; a folder of that name holding
    anything else is left alone."""
    from app.search import SearchIndex

    SearchIndex.open(tmp_path / "nb" / "index-notes").close()
    Notebook.open(tmp_path / "nb").close()
    assert not (tmp_path / "nb" / "index-notes").exists()
    (tmp_path / "nb" / "index-notes").mkdir()
    (tmp_path / "nb" / "index-notes" / "mine.txt").write_text("keep", encoding="utf-8")
    Notebook.open(tmp_path / "nb").close()
    assert (tmp_path / "nb" / "index-notes" / "mine.txt").read_text(encoding="utf-8") == "keep"
