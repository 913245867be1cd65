"""REFI-QDA import: where texts live, odd archives, bad files, and the CLI command."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from app.core.errors import IngestError
from tests.qdpx import builders as b

TEXT = "External text about the tungsten venture.\n"


def _source_at(path_value: str, src: str) -> str:
    sels = b.selection(b.guid(), *b.standard_span(TEXT, "tungsten venture"))
    return b.text_source(src, f"from {path_value[:8]}", path=path_value, selections=sels)


def test_relative_paths_with_and_without_base_path(notebook, tmp_path):
    """relative:// resolves against basePath, or beside the .qdpx without one."""
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "a.txt").write_text(TEXT, encoding="utf-8")
    base = tmp_path / "elsewhere"
    (base / "sub").mkdir(parents=True)
    (base / "sub" / "b c.txt").write_text(TEXT.replace("External", "Based"), encoding="utf-8")
    beside = b.write_qdpx(tmp_path / "rel.qdpx", b.project(
        sources=_source_at("relative:///texts/a.txt", b.guid())))
    based = b.write_qdpx(tmp_path / "base.qdpx", b.project(
        base_path=str(base), sources=_source_at("relative:///sub/b%20c.txt", b.guid())))
    for path in (beside, based):
        report = notebook.qdpx_import.import_project(path)
        assert (report.sources, report.selections) == (1, 1), report.skipped


def test_absolute_path_read_only_if_it_exists(notebook, tmp_path):
    """absolute:// is read when the .txt exists (and said so); a missing one or another
    kind of file is a skipped source."""
    text_file = tmp_path / "abs.txt"
    text_file.write_text(TEXT, encoding="utf-8")
    secret = tmp_path / "id_rsa"
    secret.write_text("PRIVATE KEY text", encoding="utf-8")
    missing = "absolute:///C:/PROJECT/Sources/gone.txt"
    qde = b.project(sources=_source_at(f"absolute://{text_file}", b.guid())
                    + _source_at(missing, b.guid()) + _source_at(f"file://{secret}", b.guid()))
    report = notebook.qdpx_import.import_project(b.write_qdpx(tmp_path / "a.qdpx", qde))
    assert report.sources == 1
    reasons = [reason for _, reason in report.skipped]
    assert any("not found" in r for r in reasons) and any("not a .txt" in r for r in reasons)
    assert any(str(text_file) in r and "outside the project" in r for _, r in report.remarks)
    assert not Path("C:/PROJECT").exists()


def test_qde_named_after_the_project_and_sources_folder_capitalised(notebook, tmp_path):
    """ATLAS.ti names the .qde after the project and may write Sources/."""
    src = b.guid(upper=True)
    qde = b.project(name="Kasachstan", sources=_source_at(f"internal://{src}.txt", src))
    path = b.write_qdpx(tmp_path / "k.qdpx", qde, {f"Sources/{src}.txt": TEXT.encode()},
                        qde_name="Kasachstan.qde")
    report = notebook.qdpx_import.import_project(path)
    assert (report.sources, report.selections) == (1, 1)


def test_missing_namespace_is_read_and_remarked(notebook, tmp_path):
    """A .qde without the standard's namespace is read; the report says so."""
    qde = b.project(namespace="", sources=b.text_source(b.guid(), "T", inline=TEXT))
    report = notebook.qdpx_import.import_project(b.write_qdpx(tmp_path / "n.qdpx", qde))
    assert report.sources == 1
    assert any("namespace" in reason for _, reason in report.skipped)


@pytest.mark.parametrize(("make", "expected"), [
    (lambda p: p.write_bytes(b"PK\x03\x04 not really a zip"), "not a zip archive"),
    (lambda p: b.write_qdpx(p, "<Project name='x'><Sources>"), "not well-formed XML"),
    (lambda p: b.write_qdpx(p, b.project(), {"../evil.txt": b"x"}), "escapes the archive"),
    (lambda p: zipfile.ZipFile(p, "w").writestr("readme.txt", "hi"), "no .qde file"),
    (lambda p: b.write_qdpx(p, b.project(), {"sources/x.txt": bytes(4 * 1024 * 1024)}),
     "zip bomb"),
    (lambda p: b.write_qdpx(p, "<CodeBook/>"), "not a REFI-QDA project"),
])
def test_bad_files_fail_with_one_line_naming_the_file(notebook, tmp_path, make, expected):
    """A damaged zip, malformed XML or unsafe member is one clear error naming the file."""
    path = tmp_path / "bad.qdpx"
    make(path)
    with pytest.raises(IngestError) as caught:
        notebook.qdpx_import.import_project(path)
    message = str(caught.value)
    assert str(path) in message and expected in message and "\n" not in message
    assert notebook.articles.list().total == 0


def test_cli_imports_a_project_and_prints_the_report(tmp_path, capsys):
    """``--notebook NEW import project.qdpx`` imports it and prints counts and skips."""
    from app.cli.main import main

    src = b.guid()
    qde = b.project(sources=_source_at(f"internal://{src}.txt", src)
                    + f'<AudioSource guid="{b.guid()}" name="Interview"/>')
    path = b.write_qdpx(tmp_path / "cli.qdpx", qde, {f"sources/{src}.txt": TEXT.encode()})
    code = main(["--notebook", str(tmp_path / "new"), "import", str(path)])
    out = capsys.readouterr().out
    assert "1 sources" in out and "1 selections" in out
    assert "Interview" in out and "audio source without a text" in out
    assert code == 1  # something was not brought over


def test_cli_names_a_broken_file_on_one_line(tmp_path, capsys):
    """A file that is not a project is one line on stderr; the exit code says it failed."""
    from app.cli.main import main

    path = tmp_path / "broken.qdpx"
    path.write_bytes(b"nonsense")
    code = main(["--notebook", str(tmp_path / "new"), "import", str(path)])
    assert code == 1
    err = capsys.readouterr().err
    [error] = [line for line in err.splitlines() if line.startswith("dossier:")]
    assert "broken.qdpx" in error and "not a zip archive" in error
