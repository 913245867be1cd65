"""The change log on SQLite (one client, same code as on PostgreSQL), the cursor beside
the index, retention, and what a live update carries (issue 13)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

from app.core.changelog import ChangeEntry, LiveUpdate
from app.search.index_files import VERSION_FILE, Cursor, read_cursor
from app.services import Notebook


def _log(nb_dir: Path) -> list[tuple[int, str, int, str]]:
    with sqlite3.connect(nb_dir / "notebook.db") as conn:
        rows = conn.execute("SELECT seq, entity, entity_id, op FROM change_log ORDER BY id")
        out = [(int(s), str(e), int(i), str(o)) for s, e, i, o in rows]
    conn.close()
    return out


def test_two_index_folders_on_one_notebook_both_get_every_edit(tmp_path: Path) -> None:
    """Two clients of one notebook, each with its own index: the first one's drain no
    longer takes the second one's work (the bug of the shared outbox)."""
    (tmp_path / "a.txt").write_text("Tokajew trifft Rubio in Astana.", encoding="utf-8")
    with Notebook.open(tmp_path / "nb", index_dir=tmp_path / "ix-a") as a, \
            Notebook.open(tmp_path / "nb", index_dir=tmp_path / "ix-b") as b:
        a.imports.import_paths([tmp_path / "a.txt"])
        a.notes.create("Treffen", "Gesprächsnotiz über Astana")
        assert a.search.flush() == 2
        assert b.search.status().pending == 2
        assert b.search.flush() == 2
        for nb in (a, b):
            assert nb.search.search("Astana").total == 2
            assert nb.search.status().pending == 0


def test_each_write_is_numbered_once_with_its_records_and_stale_documents(
        tmp_path: Path) -> None:
    """One edit is one number; its entries name the records (for views) and the search
    documents (for indexes); reading takes no number, and the notebook's watcher does
    not report its own writes back."""
    (tmp_path / "a.txt").write_text("Tokajew trifft Rubio.", encoding="utf-8")
    with Notebook.open(tmp_path / "nb") as nb:
        nb.imports.import_paths([tmp_path / "a.txt"])
        highlight, _ = nb.annotations.add(1, 0, 7)
        nb.annotations.set_memo(highlight.id, "Präsident")
        nb.search.flush()
        nb.search.search("Tokajew")
        assert nb.live.check() is None
    log = _log(tmp_path / "nb")
    assert {row[0] for row in log} == {1, 2, 3}
    assert (1, "articles", 1, "insert") in log and (1, "article", 1, "stale") in log
    assert (2, "highlights", highlight.id, "insert") in log
    assert (3, "highlights", highlight.id, "update") in log


def test_cursor_sits_beside_the_index_and_follows_the_clock(tmp_path: Path) -> None:
    """The index folder's marker holds the notebook uuid and the last number indexed;
    after a drain it equals the clock."""
    with Notebook.open(tmp_path / "nb") as nb:
        nb.notes.create("Eins", "Erste Notiz")
        nb.search.flush()
        cursor = read_cursor(tmp_path / "nb" / "index")
        with sqlite3.connect(tmp_path / "nb" / "notebook.db") as conn:
            seq, uuid = conn.execute("SELECT seq, notebook_uuid FROM notebook_clock").fetchone()
        conn.close()
        assert cursor == Cursor(uuid, seq)


def test_index_from_before_the_change_log_is_adopted_not_rebuilt(tmp_path: Path) -> None:
    """An index whose marker has no cursor (made by schema 0008's Dossier) is kept and
    follows the log from its start, so an upgrade costs no rebuild."""
    with Notebook.open(tmp_path / "nb") as nb:
        nb.notes.create("Alt", "Altbestand")
        nb.search.flush()
    marker = tmp_path / "nb" / "index" / VERSION_FILE
    stamp = json.loads(marker.read_text(encoding="utf-8"))
    marker.write_text(json.dumps({"schema_version": stamp["schema_version"]}),
                      encoding="utf-8")
    with Notebook.open(tmp_path / "nb") as nb:
        cursor = read_cursor(tmp_path / "nb" / "index")
        assert cursor is not None and cursor.is_usable and cursor.last_seq == 0
        assert nb.search.status().pending == 1  # the log from its start: one note
        assert nb.search.search("Altbestand").total == 1  # still indexed meanwhile


def test_pruning_raises_the_floor_and_a_lagging_index_rebuilds(tmp_path: Path) -> None:
    """Entries older than the retention go and the floor rises to them; an index whose
    cursor is below the floor is rebuilt in full on its next drain."""
    with Notebook.open(tmp_path / "nb", index_dir=tmp_path / "ix-b") as b:
        b.search.flush()
    with Notebook.open(tmp_path / "nb") as a:
        a.notes.create("Eins", "Erstens")
        a.notes.create("Zwei", "Zweitens")
        assert a.live.prune() == 0  # nothing is 30 days old
        floor = a.live.prune(now=dt.datetime.now(dt.UTC) + dt.timedelta(days=31))
        assert floor == 2 and _log(tmp_path / "nb") == []
    with Notebook.open(tmp_path / "nb", index_dir=tmp_path / "ix-b") as b:
        assert b.search.status().pending == 2  # every document: a rebuild
        b.search.flush()
        assert b.search.search("Erstens").total == 1
        cursor = read_cursor(tmp_path / "ix-b")
        assert cursor is not None and cursor.last_seq == floor


def test_loading_a_notebook_file_makes_every_index_rebuild(tmp_path: Path) -> None:
    """A notebook file imported into an empty notebook raises the floor to that write:
    every client (this one too) rebuilds, and views are told to reload."""
    with Notebook.open(tmp_path / "src") as src:
        src.notes.create("Quelle", "Quellnotiz")
        src.transfer.export_notebook(tmp_path / "copy.dossier")
    with Notebook.open(tmp_path / "dst") as dst:
        watcher_start = dst.live.last_seq
        dst.transfer.import_notebook(tmp_path / "copy.dossier")
        assert dst.search.status().pending == 1
        dst.search.flush()
        assert dst.search.search("Quellnotiz").total == 1
        dst.live.last_seq = watcher_start  # as another client that saw nothing since
        update = dst.live.check()
        assert update is not None and update.is_reset


def test_live_update_gathers_entries_into_changes_and_last_writers() -> None:
    """Record entries become Changes (deleted wins unless restored later) with the last
    writer per record; stale-document entries only count as seen."""
    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    entries = [ChangeEntry(5, "notes", 1, "insert", None, "ana", at),
               ChangeEntry(5, "note", 1, "stale", None, "ana", at),
               ChangeEntry(6, "highlights", 7, "delete", 3, "ben", at),
               ChangeEntry(7, "notes", 1, "update", None, "ben", at)]
    update = LiveUpdate.of(entries)
    assert update.changes.notes == {1} and update.changes.deleted_highlights == {7}
    assert (update.first_seq, update.last_seq) == (5, 7)
    assert update.authors == ("ana", "ben")
    who = update.who_changed("notes", 1)
    assert who is not None and (who.author, who.seq) == ("ben", 7)
    assert update.who_changed("tags", 1) is None


def test_every_entry_names_the_notebooks_author(tmp_path: Path) -> None:
    """A notebook opened with an author logs its edits and its imports under that name
    (views say "changed by <name>")."""
    (tmp_path / "a.txt").write_text("Tokajew trifft Rubio.", encoding="utf-8")
    with Notebook.open(tmp_path / "nb", author="ana") as nb:
        nb.imports.import_paths([tmp_path / "a.txt"])
        nb.notes.create("Notiz", "Text")
    with sqlite3.connect(tmp_path / "nb" / "notebook.db") as conn:
        authors = {row[0] for row in conn.execute("SELECT author FROM change_log")}
    conn.close()
    assert authors == {"ana"}
