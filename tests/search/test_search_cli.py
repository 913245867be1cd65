"""The search command: a leading -word is the query's NOT, bad queries exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli.main import main


@pytest.fixture(scope="module")
def notebook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A notebook with one article mentioning Tokajew and one without."""
    tmp_path = tmp_path_factory.mktemp("cli")
    (tmp_path / "a.txt").write_text("Tokajew in Berlin\n\nPräsident Tokajew traf den Kanzler.\n",
                                    encoding="utf-8")
    (tmp_path / "b.txt").write_text("Wien heute\n\nDas Wetter in Wien ist schön.\n",
                                    encoding="utf-8")
    folder = tmp_path / "nb"
    assert main(["--notebook", str(folder), "import", str(tmp_path / "a.txt"),
                 str(tmp_path / "b.txt")]) == 0
    return folder


def _titles(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return [hit["title"] for hit in json.loads(capsys.readouterr().out)["hits"]]


def test_search_command_searches_not_when_query_starts_with_minus(notebook, capsys):
    """`search -Tokajew` finds every article without Tokajew (not an unknown option)."""
    capsys.readouterr()
    assert main(["--notebook", str(notebook), "search", "-Tokajew", "--json"]) == 0
    assert _titles(capsys) == ["Wien heute"]
    assert main(["--notebook", str(notebook), "search", "-vienna", "-Tokajew", "--json"]) == 0
    assert _titles(capsys) == ["Wien heute"]


def test_search_command_exits_2_when_query_is_invalid(notebook, capsys):
    """Impossible dates and over-deep queries give a one-line message and exit code 2."""
    for query in ["date:2025-00", "date:0000", "date:>9999-12", "(" * 200 + "Wien" + ")" * 200]:
        capsys.readouterr()
        assert main(["--notebook", str(notebook), "search", query]) == 2
        err = capsys.readouterr().err
        assert err.startswith("dossier: bad query:") and err.count("\n") == 1, query
