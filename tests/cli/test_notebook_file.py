"""Hostile notebook files: each is refused with one line naming the file and the problem,
and the notebook it was meant for stays empty (nothing half-written)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from app.core.errors import ValidationError
from app.export.notebook_json import BadNotebookFile
from app.services import Notebook
from app.store import dump

Document = dict[str, Any]


@pytest.fixture(scope="module")
def empty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Notebook]:
    """One empty notebook for every refused file: if any refusal wrote a row, the next
    import would be refused as "not empty" and the emptiness check below would fail."""
    nb = Notebook.open(tmp_path_factory.mktemp("empty") / "nb")
    yield nb
    nb.close()


@pytest.fixture(scope="module")
def document(exported: tuple[Path, Path]) -> str:
    return exported[1].read_text("utf-8")


def _first(doc: Document, table: str, **where: Any) -> dict[str, Any]:
    return next(r for r in doc["tables"][table] if all(r[k] == v for k, v in where.items()))


def _set(table: str, field: str, value: Any, **where: Any) -> Callable[[Document], None]:
    def change(doc: Document) -> None:
        _first(doc, table, **where)[field] = value
    return change


def _drop_field(doc: Document) -> None:
    del doc["tables"]["actor"][0]["name"]


def _drop_table(doc: Document) -> None:
    del doc["tables"]["note"]


def _add_table(doc: Document) -> None:
    doc["tables"]["spy"] = []


def _duplicate_article(doc: Document) -> None:
    doc["tables"]["article"].append(dict(doc["tables"]["article"][0], content_key="x"))


def _twin_party(doc: Document) -> None:
    first, second = doc["tables"]["agreement_party"][:2]
    second.update({k: first[k] for k in ("agreement_id", "actor_id", "role")})


def _tag_cycle(doc: Document) -> None:
    tags = doc["tables"]["tag"]
    tags[0]["parent_id"], tags[1]["parent_id"] = tags[1]["id"], tags[0]["id"]


def _span_outside(doc: Document) -> None:
    highlight = _first(doc, "highlight", is_orphaned=0)
    highlight["end"] = 10**6


def _broken_passage_link(doc: Document) -> None:
    doc["tables"]["note_link"][0].update(kind="passage", target_id=10**6)


MUTATIONS: dict[str, tuple[Callable[[Document], None], str]] = {
    "version 99": (lambda d: d.update(version=99),
                   "has format version 99 (written by a newer Dossier)"),
    "another format": (lambda d: d.update(format="dossier-articles"),
                       "is not a Dossier notebook file (format 'dossier-articles'"),
    "no version": (lambda d: d.pop("version"), "has no valid format version"),
    "tables not an object": (lambda d: d.update(tables=[]), "has no 'tables' object"),
    "highlight of a missing article": (
        _set("highlight", "article_id", 999, id=1),
        "table 'highlight', row 1 (id 1): article_id 999 points to no row of 'article'"),
    "month 00": (_set("article", "published", "2025-00", id=1),
                 "field 'published': '2025-00' is not a real date: month must be 01 to 12"),
    "unnormalised date": (_set("agreement_event", "date", "2025-1-6", id=1),
                          "'2025-1-6' is not written as Dossier stores dates ('2025-01-06')"),
    "missing field": (_drop_field, "table 'actor', row 1 lacks the field 'name'"),
    "unknown field": (_set("tag", "secret", 1, id=1), "has an unknown field 'secret'"),
    "text id": (_set("tag", "id", "1", id=1), "field 'id': '1' is not an integer"),
    "boolean offset": (_set("highlight", "start", True, id=1), "True is not an integer"),
    "null name": (_set("actor", "name", None, id=1), "field 'name': must not be null"),
    "number as text": (_set("agreement", "value_amount", "1.1e9", id=1), "is not a number"),
    "missing table": (_drop_table, "lacks the table 'note'"),
    "unknown table": (_add_table, "has a table this Dossier does not know: 'spy'"),
    "repeated id": (_duplicate_article, "table 'article', row 7 (id 1) repeats id 1 of row 1"),
    "repeated unique key": (_twin_party, "repeats agreement_id"),
    "tag cycle": (_tag_cycle, "leads round in a circle"),
    "span outside the text": (_span_outside, "is not inside a text of"),
    "exact not the text": (_set("highlight", "exact", "anders", id=1),
                           "exact is not the text at"),
    "hash not the text's": (_set("article", "sha256", "0" * 64, id=1),
                            "sha256 does not match the text"),
    "link to a missing passage": (_broken_passage_link, "points to no row of 'highlight'"),
    "time zone": (_set("highlight", "created_at", "2025-11-06T10:00:00+01:00", id=1),
                  "has a time zone"),
    "not a date-time": (_set("note", "created_at", "gestern", id=1),
                        "'gestern' is not a date and time"),
    "extra not an object": (_set("article", "extra", "[1]", id=1),
                            "'[1]' is not a JSON object of texts"),
    "dangling party of evidence": (
        lambda d: _first(d, "evidence", field="party").update(party_id=10**6),
        "party_id 1000000 points to no row of 'agreement_party'"),
}


def _assert_empty(nb: Notebook) -> None:
    with nb.sessions() as session:
        assert not any(dump.count_rows(session).values())


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_damaged_file_is_refused_naming_file_and_problem(name, document, empty, tmp_path):
    """A file with one damage is refused with the file, table, row and field named."""
    mutate, expected = MUTATIONS[name]
    doc = json.loads(document)
    mutate(doc)
    path = tmp_path / "damaged.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(BadNotebookFile) as info:
        empty.transfer.import_notebook(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ") and expected in message, message
    assert "\n" not in message
    _assert_empty(empty)


RAW: dict[str, tuple[Callable[[str], str | bytes], str]] = {
    "truncated": (lambda t: t[: len(t) // 2], "is not valid JSON (line"),
    "repeated key": (lambda t: t.replace('{"id": 1, ', '{"id": 1, "id": 1, ', 1),
                     "the key 'id' appears twice"),
    "NaN": (lambda t: t.replace('"value_amount": 1100000000.0', '"value_amount": NaN', 1),
            "NaN is not a JSON number"),
    "not UTF-8": (lambda t: b"\xff" + t.encode(), "is not UTF-8 text"),
    "a list": (lambda _t: "[]", "not a JSON object"),
    "empty": (lambda _t: "", "is not valid JSON"),
}


@pytest.mark.parametrize("name", list(RAW))
def test_malformed_file_is_refused(name, document, empty, tmp_path):
    """Cut-short, repeated-key, NaN, non-UTF-8 and non-object files are refused."""
    damage, expected = RAW[name]
    damaged = damage(document)
    assert damaged != document
    path = tmp_path / "bad.json"
    if isinstance(damaged, bytes):
        path.write_bytes(damaged)
    else:
        path.write_text(damaged, encoding="utf-8")
    with pytest.raises(BadNotebookFile) as info:
        empty.transfer.import_notebook(path)
    assert str(info.value).startswith(f"{path}: ") and expected in str(info.value)
    _assert_empty(empty)


def test_cli_refuses_truncated_file_with_one_line_exit_2(document, tmp_path, capsys):
    """``import cut.json`` exits 2 with one line naming the file; the notebook stays empty."""
    path = tmp_path / "cut.json"
    path.write_text(document[: len(document) * 2 // 3], encoding="utf-8")
    assert main(["--notebook", str(tmp_path / "nb"), "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"dossier: {path}: is not valid JSON") and err.count("\n") == 1
    with Notebook.open(tmp_path / "nb") as nb:
        _assert_empty(nb)


def test_cli_refuses_import_into_non_empty_notebook(exported, tmp_path, capsys):
    """Importing into a notebook that holds anything exits 2 and changes nothing."""
    file = exported[1]
    nb_path = tmp_path / "nb"
    (tmp_path / "a.txt").write_text("Ein Artikel.", encoding="utf-8")
    assert main(["--notebook", str(nb_path), "import", str(tmp_path / "a.txt")]) == 0
    capsys.readouterr()
    assert main(["--notebook", str(nb_path), "import", str(file)]) == 2
    err = capsys.readouterr().err
    assert "is not empty (1 article rows)" in err and "never merged" in err
    assert err.count("\n") == 1
    with Notebook.open(nb_path) as nb:
        assert nb.articles.count() == 1


def test_cli_refuses_notebook_file_mixed_with_other_inputs(exported, tmp_path, capsys):
    """A notebook file is imported alone; mixed with article files, exit 2."""
    (tmp_path / "a.txt").write_text("Ein Artikel.", encoding="utf-8")
    code = main(["--notebook", str(tmp_path / "nb"), "import", str(tmp_path / "a.txt"),
                 str(exported[1])])
    assert code == 2
    assert "is a notebook file: import it alone" in capsys.readouterr().err


def test_failure_while_writing_rolls_back_everything(exported, tmp_path, monkeypatch):
    """If the database fails halfway through the import, no row stays; a retry works."""
    real = dump.insert_rows
    done: list[str] = []

    def failing(session: Any, spec: Any, rows: Any, batch: int = 1000) -> None:
        if spec.name == "highlight":
            raise ValidationError("simulated failure after earlier tables were written")
        real(session, spec, rows, batch)
        done.append(spec.name)

    with Notebook.open(tmp_path / "nb") as nb:
        monkeypatch.setattr(dump, "insert_rows", failing)
        with pytest.raises(ValidationError, match="simulated"):
            nb.transfer.import_notebook(exported[1])
        assert "article" in done
        _assert_empty(nb)
        monkeypatch.setattr(dump, "insert_rows", real)
        assert nb.transfer.import_notebook(exported[1]).count("article") == 6
