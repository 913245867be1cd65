"""The demo notebook's actors and agreements, the exports, and the CLI commands."""

from __future__ import annotations

import csv
import json

import networkx as nx
import pytest
from openpyxl import load_workbook

from app.cli.main import main
from app.services.actor_exports import ActorExports
from tests.pg_backend import location


def test_demo_has_seed_actors_with_real_spellings(demo_notebook):
    """The demo ships Tokayev with the seeds' spellings, marked in every article."""
    nb = demo_notebook
    names = {a.name for a in nb.actors.list()}
    assert {"Donald Trump", "Kassym-Jomart Tokayev", "Shavkat Mirziyoyev", "Kazakhstan",
            "Uzbekistan", "Boeing", "Air Astana", "Cove Capital", "Tau-Ken Samruk",
            "John Deere", "VISA"} <= names
    tokayev = nb.actors.find("Tokajew")
    assert {"Tokajew", "Kassym-Schomart Tokajew", "Kasym-Jomart Tokayev"} <= set(
        tokayev.spellings)
    assert tokayev.article_count == 5
    assert {h.article_id for h in nb.search.search("actor:Токаев").hits} == {
        m.article_id for m in nb.actors.mentions(tokayev.id)}


def test_demo_agreements_have_parties_values_and_evidence(demo_notebook):
    """The tungsten joint venture has its parties, parsed value and cited passages."""
    nb = demo_notebook
    by_title = {a.title: a for a in nb.agreements.list()}
    jv = by_title["Wolfram-Joint-Venture Cove Capital / Tau-Ken Samruk"]
    assert (jv.value.amount, jv.value.currency, jv.value.qualifier) == (1.1e9, "USD", "about")
    assert ("Cove Capital", "investor") in {(p.actor_name, p.role) for p in jv.parties}
    assert len(jv.evidence) == 4 and jv.status == "announced"
    council = by_title["US-Usbekistan Business and Investment Council"]
    assert council.outlet_count == 2  # a German and an English report
    assert not nb.history.can_undo  # seeding is not an edit to undo


def test_exports_write_evidence_actors_graphml_json(demo_notebook, tmp_path):
    """CSV/XLSX have one row per evidence passage; GraphML parses; JSON has everything."""
    exports = ActorExports(demo_notebook.actors, demo_notebook.agreements)
    evidence_csv, actors_csv = exports.to_csv(tmp_path / "csv")
    with evidence_csv.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    total = sum(len(a.evidence) for a in demo_notebook.agreements.list())
    assert len(rows) == total
    assert any(r["party"] == "Cove Capital" and r["role"] == "investor" for r in rows)
    with actors_csv.open(encoding="utf-8") as handle:
        actors = {r["name"]: r for r in csv.DictReader(handle)}
    assert "Tokajew" in actors["Kassym-Jomart Tokayev"]["aliases"]
    book = load_workbook(exports.to_xlsx(tmp_path / "x.xlsx"), read_only=True)
    assert book.sheetnames == ["Evidence", "Actors"]
    assert book["Evidence"].max_row == total + 1
    graph = nx.read_graphml(exports.to_graphml(tmp_path / "n.graphml"))
    parties = sum(len(a.parties) for a in demo_notebook.agreements.list())
    assert graph.number_of_edges() == parties
    assert graph.nodes["actor:1"]["type"] == "actor"
    document = json.loads(exports.to_json(tmp_path / "a.json").read_text("utf-8"))
    assert len(document["agreements"]) == len(demo_notebook.agreements.list())


def test_csv_export_neutralises_formulas(make_notebook, tmp_path):
    """A name starting with '=' is written as text, not as a spreadsheet formula."""
    nb, _ids = make_notebook({"a.txt": "Text."})
    nb.actors.create("=HYPERLINK(1)")
    _evidence, actors_csv = ActorExports(nb.actors, nb.agreements).to_csv(tmp_path)
    assert "'=HYPERLINK(1)" in actors_csv.read_text("utf-8")


def test_cli_actors_agreements_suggest_export(demo_notebook, tmp_path, capsys):
    """The CLI lists actors and agreements, shows one, suggests and exports."""
    where = ["--notebook", location(demo_notebook)]
    demo_notebook.close()
    assert main(["actors", "Tokajew", *where]) == 0
    assert "Kassym-Schomart Tokajew" in capsys.readouterr().out
    assert main(["agreements", "--sort", "value", "--json", *where]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed[0]["value"]["amount"] == 1.1e9
    assert main(["suggest", "--actor", "Trump", "--json", *where]) == 0
    suggestions = json.loads(capsys.readouterr().out)
    assert suggestions and {s["actor_name"] for s in suggestions} == {"Donald Trump"}
    assert main(["export-actors", "--graphml", str(tmp_path / "n.graphml"), *where]) == 0
    assert (tmp_path / "n.graphml").exists()
    assert main(["actors", "Nobody", *where]) == 2


@pytest.mark.parametrize("argv", [["export-actors"], ["agreements", "--sort", "colour"]])
def test_cli_usage_errors_exit_2(demo_notebook, argv, capsys):
    """Missing export targets and bad choices are usage errors."""
    where = ["--notebook", location(demo_notebook)]
    demo_notebook.close()
    with pytest.raises(SystemExit) if "--sort" in argv else _nothing():
        assert main([*argv, *where]) == 2


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None
