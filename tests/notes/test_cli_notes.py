"""``notes`` and ``report`` on the command line, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli.main import main
from app.services import Notebook
from tests.notes.conftest import DE_TEXT


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A notebook with an article, an actor with a mention, and two notes citing it."""
    source = tmp_path / "de.txt"
    source.write_text(DE_TEXT, encoding="utf-8")
    path = tmp_path / "nb"
    with Notebook.open(path) as nb:
        article = nb.imports.import_paths([source]).imported[0].id
        actor, _ = nb.actors.create("Kassym-Jomart Tokayev", aliases=["Tokajew"])
        start = DE_TEXT.index("Tokajew verkündete")
        nb.actors.mark(article, start, start + 7, actor.id)
        notes = nb.notes
        citation, _ = notes.cite(article, start, start + 18)
        notes.create("Beitritt", f"[[Tokayev]] sagte {citation.markdown}")
        notes.create("Offene Fragen", "Wolfram?")
        notes.close()
    return path


def _run(capsys, folder: Path, *args: str) -> tuple[int, str]:
    code = main([*args, "--notebook", str(folder)])
    return code, capsys.readouterr().out


def test_notes_list_prints_titles_and_json(folder, capsys) -> None:
    """notes list shows every note; --json gives ids and titles."""
    code, out = _run(capsys, folder, "notes", "list")
    assert code == 0 and "] Beitritt" in out and "] Offene Fragen" in out
    code, out = _run(capsys, folder, "notes", "list", "--json")
    assert [n["title"] for n in json.loads(out)] == ["Beitritt", "Offene Fragen"]


def test_notes_show_by_title_and_html(folder, capsys) -> None:
    """notes show prints the Markdown by title; --html renders resolved links."""
    code, out = _run(capsys, folder, "notes", "show", "beitritt")
    assert code == 0 and out.startswith("# Beitritt") and "[[Tokayev]]" in out
    code, out = _run(capsys, folder, "notes", "show", "Beitritt", "--html")
    assert 'href="dossier://actor/1"' in out


def test_notes_search_finds_notes(folder, capsys) -> None:
    """notes search uses the search syntax over notes."""
    code, out = _run(capsys, folder, "notes", "search", "Wolfram")
    assert code == 0 and "Offene Fragen" in out


def test_notes_export_writes_report_file(folder, capsys, tmp_path) -> None:
    """notes export resolves citations; --all -o writes the whole notebook as HTML."""
    code, out = _run(capsys, folder, "notes", "export", "Beitritt")
    assert code == 0 and "„Tokajew verkündete“[^1]" in out and "[^1]: Tokajew und Trump" in out
    target = tmp_path / "all.html"
    code, out = _run(capsys, folder, "notes", "export", "--all", "--format", "html",
                     "-o", str(target))
    page = target.read_text(encoding="utf-8")
    assert code == 0 and "wrote" in out and "<h2>Offene Fragen</h2>" in page


def test_report_actor_dossier_by_alias(folder, capsys) -> None:
    """report actor finds the actor by any alias and lists its mentions."""
    code, out = _run(capsys, folder, "report", "actor", "Tokajew")
    assert code == 0 and out.startswith("# Kassym-Jomart Tokayev") and "**Tokajew**" in out


def test_report_unknown_target_fails_with_message(folder, capsys) -> None:
    """An unknown note or agreement is an error message and exit code 1, not a traceback."""
    assert main(["report", "agreement", "Nothing", "--notebook", str(folder)]) == 1
    assert "no agreement titled 'Nothing'" in capsys.readouterr().err
    assert main(["notes", "show", "Missing", "--notebook", str(folder)]) == 1
