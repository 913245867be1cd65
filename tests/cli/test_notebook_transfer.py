"""Whole-notebook export and import (``export --json``, ``import FILE.json``): the demo
notebook, with more of every kind of record, survives the round trip row for row."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from app.core.errors import Cancelled
from app.core.progress import CancelToken, ProgressEvent
from app.services import Notebook
from app.store import dump

VOLATILE = ("exported_at", "notebook")
"""Header fields that differ between two exports of equal notebooks: the moment of the
export and the notebook's folder name. Everything else must be equal."""


def _sqlite_dump(db: Path) -> dict[str, Any]:
    """Every row of every table except the derived ones, with the column names, read with
    sqlite3 directly (independent of the code under test)."""
    out: dict[str, Any] = {}
    with sqlite3.connect(db) as conn:
        tables = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        for (name,) in tables.fetchall():
            if name in dump.DERIVED:
                continue
            cursor = conn.execute(f'SELECT * FROM "{name}"')
            columns = [d[0] for d in cursor.description]
            out[name] = (columns, sorted(cursor.fetchall(), key=repr))
    return out


def _document(path: Path) -> dict[str, Any]:
    document = json.loads(path.read_text("utf-8"))
    for key in VOLATILE:
        document.pop(key)
    return document


def test_round_trip_reproduces_every_table_and_file_when_imported_into_new(
        exported, tmp_path, capsys):
    """Demo -> export -> import into a new notebook -> export: both files are equal
    (but for the export time and folder name) and so is every table, row for row."""
    source, first = exported
    capsys.readouterr()
    assert main(["--notebook", str(tmp_path / "copy"), "import", str(first)]) == 0
    assert "imported notebook" in capsys.readouterr().out
    second = tmp_path / "again.json"
    assert main(["export", "--json", str(second), "--notebook", str(tmp_path / "copy")]) == 0
    assert _document(first) == _document(second)
    assert _sqlite_dump(source / "notebook.db") == _sqlite_dump(tmp_path / "copy" / "notebook.db")


def test_round_trip_covers_every_exported_table(exported):
    """The file names every table of user data and the fixture fills each one, so the
    round trip above really compares them all."""
    tables = _document(exported[1])["tables"]
    assert list(tables) == [s.name for s in dump.table_specs()]
    assert [name for name, rows in tables.items() if not rows] == []


def test_import_queues_search_and_leaves_no_undo(exported, tmp_path):
    """After import, article and note searches find what the original finds; nothing to undo."""
    source, file = exported
    with Notebook.open(source) as original:
        original.search.flush()
        wanted = [original.search.search(q).total for q in ("Tokajew", "Boeing", "tag:Abkommen")]
        notes_wanted = original.notes.search("Tokajew").total
    with Notebook.open(tmp_path / "copy") as nb:
        report = nb.transfer.import_notebook(file)
        assert report.count("article") == 6
        assert not nb.history.can_undo
        assert nb.search.status().pending >= 6  # every article (and note) is queued
        nb.search.flush()
        assert nb.search.status().pending == 0
        assert [nb.search.search(q).total for q in ("Tokajew", "Boeing", "tag:Abkommen")] \
            == wanted
        assert min(wanted) > 0
        assert nb.notes.search("Tokajew").total == notes_wanted > 0


def test_import_keeps_text_spans_and_metadata_exact(exported, tmp_path):
    """Astral characters, combining marks and RTL text keep their code-point spans."""
    with Notebook.open(tmp_path / "copy") as nb:
        nb.transfer.import_notebook(exported[1])
        article = next(a for a in nb.articles.list().items if a.original_name == "unicode.txt")
        text = nb.articles.get(article.id).text
        (highlight,) = nb.annotations.highlights_for(article.id)
        assert text[highlight.start:highlight.end] == highlight.exact == "Zusammenarbeit"
        assert highlight.memo == "nach 👩🏽‍💼 und **Markdown**"
        assert nb.tags.get(highlight.tag_ids[0]).description == "*neu*"


def test_rows_pointing_at_deleted_records_are_left_out(exported, tmp_path):
    """A rejected suggestion whose article was deleted (invisible: only an undo could make
    it count again) is not exported, and the file still imports."""
    rejections = _document(exported[1])["tables"]["suggestion_rejection"]
    article_id = next(r["article_id"] for r in rejections if r["article_id"] is not None)
    with Notebook.open(tmp_path / "work") as nb:
        nb.transfer.import_notebook(exported[1])
        nb.articles.delete([article_id])
        report = nb.transfer.export_notebook(tmp_path / "nb.json")
        with nb.sessions() as session:
            stored = dump.count_rows(session)
    assert report.count("suggestion_rejection") == stored["suggestion_rejection"] - 1
    with Notebook.open(tmp_path / "copy") as copy:
        assert copy.transfer.import_notebook(tmp_path / "nb.json").count("article") == 5


def test_export_replaces_file_only_when_complete(exported, tmp_path, monkeypatch):
    """A failing export leaves the previous file as it was and no temp file behind."""
    target = tmp_path / "nb.json"
    target.write_text("previous", encoding="utf-8")

    def broken(*_args: object, **_kw: object) -> Any:
        yield {"id": 1}
        raise RuntimeError("disk gone")

    monkeypatch.setattr(dump, "read_rows", broken)
    with Notebook.open(exported[0]) as nb, pytest.raises(RuntimeError):
        nb.transfer.export_notebook(target)
    assert target.read_text("utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["nb.json"]


def test_cancelled_export_writes_no_file(exported, tmp_path):
    """Cancelling an export (GUI task, Ctrl+C) stops it and leaves no file behind."""
    token = CancelToken()
    seen: list[str] = []

    def progress(event: ProgressEvent) -> None:
        seen.append(event.label)
        if event.label == "highlight":
            token.cancel()

    with Notebook.open(exported[0]) as nb, pytest.raises(Cancelled):
        nb.transfer.export_notebook(tmp_path / "nb.json", progress=progress, cancel=token)
    assert "article" in seen and list(tmp_path.iterdir()) == []
