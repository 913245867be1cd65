"""`list --from/--to` on a real notebook: partial dates are periods; bad dates exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from app.core.records import ArticleMeta
from app.services import Notebook


@pytest.fixture
def dated(tmp_path: Path) -> Path:
    """A notebook with articles dated 2025-11, 2025, 2025-11-06 and unknown."""
    folder = tmp_path / "in"
    folder.mkdir()
    dates = ["2025-11", "2025", "2025-11-06", ""]
    for i in range(len(dates)):
        (folder / f"{i}.txt").write_text(f"Artikel {i} über Wolfram.\n", encoding="utf-8")
    nb_path = tmp_path / "nb"
    nb = Notebook.open(nb_path)
    try:
        report = nb.imports.import_paths(sorted(folder.iterdir()))
        for summary, date in zip(report.imported, dates, strict=True):
            nb.articles.update_meta(summary.id, ArticleMeta(title=f"am {date or '?'}",
                                                            published=date))
    finally:
        nb.close()
    return nb_path


def _listed(capsys: pytest.CaptureFixture[str], nb: Path, *args: str) -> set[str]:
    assert main(["list", "--json", *args, "--notebook", str(nb)]) == 0
    return {a["published"] for a in json.loads(capsys.readouterr().out)}


def test_list_from_a_month_shows_the_article_dated_that_month(dated, capsys):
    """`list --from 2025-11` keeps 2025-11, 2025 and 2025-11-06 (issue 10), not the undated."""
    assert _listed(capsys, dated, "--from", "2025-11") == {"2025-11", "2025", "2025-11-06"}
    assert _listed(capsys, dated, "--from", "2025-11-07") == {"2025-11", "2025"}
    assert _listed(capsys, dated, "--to", "2025-10") == {"2025"}
    assert _listed(capsys, dated) == {"2025-11", "2025", "2025-11-06", ""}


@pytest.mark.parametrize("option", ["--from", "--to"])
def test_list_with_an_impossible_date_is_a_one_line_usage_error(dated, capsys, option):
    """`list --from 0000`: exit 2 and one line naming the value, no traceback."""
    assert main(["list", option, "0000", "--notebook", str(dated)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'0000'" in err and err.startswith("dossier: ")
