"""The command line, run as a user would: python main.py COMMAND."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def files(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "de.txt").write_text(
        "Kasachstan tritt dem Abraham-Abkommen bei\n"
        "Präsident Tokajew verkündete den Beitritt zum Abkommens-Rahmen. Flüchtlinge "
        "und Fluechtlinge werden gleich gefunden.\n", encoding="utf-8")
    (folder / "en.txt").write_text(
        "Boeing deal with Air Astana\nAir Astana plans to buy up to 15 Boeing 787-9 "
        "Dreamliners, the US Commerce Department said on Thursday.\n", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    return folder


def _run(args: list[str], nb: Path) -> int:
    return main([*args, "--notebook", str(nb)])


def test_every_command_has_help(capsys):
    """import, search, list, show, export, reindex and check explain themselves."""
    for command in ("import", "search", "list", "show", "export", "reindex", "check"):
        with pytest.raises(SystemExit) as exit_info:
            main([command, "--help"])
        assert exit_info.value.code == 0
        assert "--notebook" in capsys.readouterr().out


def test_import_reports_failures_and_exit_code(files, tmp_path, capsys):
    """Good files are imported, the empty one is named with its reason, exit code 1."""
    code = _run(["import", str(files)], tmp_path / "nb")
    out = capsys.readouterr().out
    assert code == 1
    assert "imported 2, duplicates 0, failed 1" in out
    assert "empty.txt" in out
    assert _run(["import", str(files / "de.txt")], tmp_path / "nb") == 0
    assert "duplicates 1" in capsys.readouterr().out


def test_search_stems_folds_and_marks_hits(files, tmp_path, capsys):
    """German stemming and umlaut folding work from the command line; hits are marked."""
    _run(["import", str(files)], tmp_path / "nb")
    capsys.readouterr()
    assert _run(["search", "Abkommen"], tmp_path / "nb") == 0
    out = capsys.readouterr().out
    assert "1 articles match" in out and "**" in out
    assert _run(["search", "lang:en", "Boeing"], tmp_path / "nb") == 0
    assert "Boeing deal with Air Astana" in capsys.readouterr().out
    assert _run(["search", "--json", "Flüchtling"], tmp_path / "nb") == 0
    result = json.loads(capsys.readouterr().out)
    assert result["total"] == 1 and result["hits"][0]["hit_spans"]


def test_malformed_query_is_one_line_not_a_traceback(files, tmp_path, capsys):
    """An unbalanced quote gets exit code 2 and a one-line message."""
    _run(["import", str(files)], tmp_path / "nb")
    capsys.readouterr()
    assert _run(["search", '"Abraham Abkommen'], tmp_path / "nb") == 2
    err = capsys.readouterr().err
    assert err.startswith("dossier: bad query:") and err.count("\n") == 1
    assert "Traceback" not in err


def test_list_show_export_reindex_check(files, tmp_path, capsys):
    """The read and maintenance commands work on a real notebook."""
    nb = tmp_path / "nb"
    _run(["import", str(files)], nb)
    capsys.readouterr()
    assert _run(["list", "--lang", "de", "--json"], nb) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [a["title"] for a in listed] == ["Kasachstan tritt dem Abraham-Abkommen bei"]
    assert _run(["show", str(listed[0]["id"])], nb) == 0
    assert "Tokajew" in capsys.readouterr().out
    assert _run(["show", "999"], nb) == 1
    assert "does not exist" in capsys.readouterr().err
    assert _run(["export", "--json", str(tmp_path / "x.json"), "--csv", str(tmp_path / "c")],
                nb) == 0
    assert json.loads((tmp_path / "x.json").read_text("utf-8"))["format"] == "dossier-notebook"
    assert (tmp_path / "c" / "highlights.csv").exists()
    assert _run(["reindex"], nb) == 0
    assert "indexed 2 articles" in capsys.readouterr().out
    assert _run(["check"], nb) == 0
    assert "index: matches the database" in capsys.readouterr().out


def test_default_notebook_is_the_seeded_demo(capsys):
    """Without --notebook the CLI opens the demo notebook in the user data dir."""
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "5 articles" in out and "EURACTIV.de" in out
    assert main(["search", "tag:Abkommen"]) == 0
    assert "2 articles match" in capsys.readouterr().out


def _article_count(db: Path) -> int:
    """Articles committed so far (0 while the database is missing, new or locked)."""
    if not db.exists():
        return 0
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True,
                                                timeout=0.1)) as conn:
            return int(conn.execute("SELECT count(*) FROM article").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_ctrl_c_stops_import_cleanly_keeping_what_was_imported(tmp_path):
    """SIGINT during a long import: exit 130, the imported part is kept and indexed."""
    corpus = tmp_path / "many"
    corpus.mkdir()
    for i in range(3000):
        (corpus / f"{i:05d}.md").write_text(f"# Artikel {i}\n\nText über Handel Nummer {i}.\n",
                                            encoding="utf-8")
    nb = tmp_path / "nb"
    proc = subprocess.Popen([sys.executable, "main.py", "import", str(corpus), "--notebook",
                             str(nb)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ})
    deadline = time.monotonic() + 120
    db = nb / "notebook.db"
    # Ctrl+C once articles are arriving (opening a notebook takes seconds on a busy machine)
    while time.monotonic() < deadline and proc.poll() is None and _article_count(db) == 0:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    if "imported 3,000" in out:
        pytest.skip("the import finished before Ctrl+C arrived on this machine")
    assert proc.returncode == 130, err
    assert "(cancelled)" in out
    assert main(["check", "--no-repair", "--notebook", str(nb)]) == 0


def test_notebook_option_works_before_and_after_the_command(files, tmp_path, capsys):
    """--notebook PATH may stand before or after the command."""
    nb = tmp_path / "nb"
    assert main(["--notebook", str(nb), "import", str(files / "de.txt")]) == 0
    assert main(["list", "--notebook", str(nb)]) == 0
    assert "1 articles" in capsys.readouterr().out
    assert main(["--notebook", str(nb), "list"]) == 0
    assert "1 articles" in capsys.readouterr().out
