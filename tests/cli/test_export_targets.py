"""Exports never replace a file the user did not ask them to replace."""

from __future__ import annotations

import hashlib

import pytest

from app.cli import main

USAGE = 2


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("flag,name", [("--json", "notebook.json"), ("--qdpx", "p.qdpx"),
                                       ("--qdc", "codes.qdc"), ("--csv", "out")])
def test_export_refuses_an_existing_target_without_overwrite(tmp_path, capsys, flag, name):
    """A file already at the target (here the user's own) is named and left byte for byte."""
    target = tmp_path / name
    if flag == "--csv":
        target.mkdir()
        mine = target / "highlights.csv"
    else:
        mine = target
    mine.write_text("the user's own file, not Dossier's\n", encoding="utf-8")
    before = _digest(mine)
    code = main(["export", flag, str(target), "--notebook", str(tmp_path / "nb")])
    assert code == USAGE
    err = capsys.readouterr().err
    assert str(mine) in err and "--overwrite" in err
    assert _digest(mine) == before
    if flag == "--csv":
        assert not (target / "articles.csv").exists()  # nothing half-done either


def test_export_with_overwrite_replaces_the_target(tmp_path, capsys):
    """--overwrite is the user's explicit yes: the file is replaced by the export."""
    target = tmp_path / "notebook.json"
    target.write_text("old\n", encoding="utf-8")
    code = main(["export", "--json", str(target), "--overwrite",
                 "--notebook", str(tmp_path / "nb")])
    assert code == 0
    assert target.read_text(encoding="utf-8").lstrip().startswith("{")
