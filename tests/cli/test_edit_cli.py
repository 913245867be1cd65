"""``edit``, ``review`` and ``import --update`` from the command line (real notebooks,
a real editor process)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from app.cli.main import main
from app.services import Notebook

FIRST = "Bericht\n\nTokajev trifft Trump in Washington.\nBoeing liefert 37 Jets.\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A notebook with one imported file and two highlights on it."""
    (tmp_path / "bericht.txt").write_text(FIRST, encoding="utf-8")
    assert main(["--notebook", str(tmp_path / "nb"), "import", str(tmp_path / "bericht.txt")]) == 0
    with Notebook.open(tmp_path / "nb") as nb:
        text = nb.articles.get(1).text
        for words in ("Tokajev", "37 Jets"):
            nb.annotations.add(1, text.index(words), text.index(words) + len(words))
    return tmp_path


def _run(folder: Path, *args: str) -> int:
    return main(["--notebook", str(folder / "nb"), *args])


def test_edit_from_file_prints_report(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """edit --from FILE saves a revision and says what happened to each highlight."""
    new = folder / "new.txt"
    new.write_text(FIRST.replace("Tokajev", "Tokajew").replace("Boeing liefert 37 Jets.\n", ""),
                   encoding="utf-8")
    capsys.readouterr()
    assert _run(folder, "edit", "1", "--from", str(new), "--reason", "Tippfehler") == 0
    out = capsys.readouterr().out
    assert "saved as revision 2; highlights: 0 unchanged, 1 moved, 1 orphaned" in out
    assert "[37 Jets]" in out and "review 1" in out
    with Notebook.open(folder / "nb") as nb:
        assert [r.reason for r in nb.revisions.revisions(1)] == ["imported", "Tippfehler"]


def test_edit_runs_editor_on_the_text(folder: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    """Without --from, $EDITOR edits a temporary file holding the text."""
    script = folder / "editor.py"
    script.write_text("import sys, pathlib\np = pathlib.Path(sys.argv[1])\n"
                      "p.write_text(p.read_text('utf-8').replace('Tokajev', 'Tokajew'), 'utf-8')\n",
                      encoding="utf-8")
    monkeypatch.setenv("VISUAL", f"{sys.executable} {script}")
    assert _run(folder, "edit", "1") == 0
    assert "1 unchanged, 1 moved, 0 orphaned" in capsys.readouterr().out
    with Notebook.open(folder / "nb") as nb:
        assert "Tokajew trifft" in nb.articles.get(1).text


def test_edit_failing_editor_changes_nothing(folder: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """An editor that fails leaves the article as it was, with a one-line message."""
    monkeypatch.setenv("VISUAL", f"{sys.executable} -c 'raise SystemExit(3)'")
    assert _run(folder, "edit", "1") == 2
    assert "exited with 3; nothing was changed" in capsys.readouterr().err
    with Notebook.open(folder / "nb") as nb:
        assert nb.revisions.revisions(1) == []


def test_review_lists_orphans(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """review [ID] lists orphaned highlights with their old quote."""
    assert _run(folder, "review") == 0
    assert "no highlights of the notebook need review" in capsys.readouterr().out
    new = folder / "new.txt"
    new.write_text("Bericht\n\nBoeing liefert 37 Jets.\n", encoding="utf-8")
    _run(folder, "edit", "1", "--from", str(new))
    capsys.readouterr()
    assert _run(folder, "review", "1") == 0
    out = capsys.readouterr().out
    assert "1 highlights of article 1 need review" in out and "[Tokajev]" in out


def test_import_newer_version_needs_update(folder: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """A changed file is reported as a newer version; --update replaces the text."""
    path = folder / "bericht.txt"
    path.write_text(FIRST.replace("37", "38"), encoding="utf-8")
    capsys.readouterr()
    assert _run(folder, "import", str(path)) == 0
    assert "a newer version of article 1" in capsys.readouterr().out
    assert _run(folder, "import", "--update", str(path)) == 0
    out = capsys.readouterr().out
    assert "article 1: saved as revision 2; highlights: 1 unchanged, 1 moved, 0 orphaned" in out
    with Notebook.open(folder / "nb") as nb:
        assert nb.articles.count() == 1 and "38 Jets" in nb.articles.get(1).text
        assert [h.exact for h in nb.annotations.highlights_for(1)] == ["Tokajev", "38 Jets"]
