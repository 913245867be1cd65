"""REFI-QDA code book export (.qdc) and the export commands of the CLI."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import xmlschema

from tests.qdpx.export_notebook import Built, build

SCHEMAS = Path(__file__).resolve().parents[2] / "resources" / "refi-qda"
CB = "{urn:QDA-XML:codebook:1.0}"
PR = "{urn:QDA-XML:project:1.0}"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    b = build(tmp_path_factory.mktemp("qdc"))
    yield b
    b.nb.close()


def codes(root: ET.Element, ns: str) -> dict[str, tuple[str | None, str | None, str | None]]:
    """Every code by GUID: (name, colour, parent GUID)."""
    out: dict[str, tuple[str | None, str | None, str | None]] = {}

    def walk(element: ET.Element, parent: str | None) -> None:
        for code in element.findall(ns + "Code"):
            out[code.get("guid", "")] = (code.get("name"), code.get("color"), parent)
            walk(code, code.get("guid"))

    for top in root.iter(ns + "Codes"):
        walk(top, None)
        break
    return out


def test_codebook_validates_and_matches_the_project_codes(built: Built, tmp_path: Path) -> None:
    """The .qdc validates against Codebook.xsd, has no BOM, and holds exactly the project's
    codes: same GUIDs, names, colours and hierarchy."""
    from app.services import QdpxExportService

    service = QdpxExportService(built.nb)
    report = service.export_codebook(tmp_path / "tags.qdc")
    service.export_project(tmp_path / "all.qdpx")
    data = (tmp_path / "tags.qdc").read_bytes()
    assert data.startswith(b"<?xml")
    xmlschema.XMLSchema(str(SCHEMAS / "Codebook.xsd")).validate(data.decode("utf-8"))
    book = codes(ET.fromstring(data), CB)
    project = codes(ET.fromstring(zipfile.ZipFile(tmp_path / "all.qdpx").read("project.qde")),
                    PR)
    assert book == project
    assert len(book) == len(built.nb.tags.list()) == report.counts.codes


def test_codebook_of_a_notebook_without_tags_is_refused(tmp_path: Path) -> None:
    """No tags: a clear error (the schema needs one code) and no file."""
    from app.core.errors import ValidationError
    from app.services import Notebook, QdpxExportService

    with Notebook.open(tmp_path / "empty") as nb, \
            pytest.raises(ValidationError, match="no tags"):
        QdpxExportService(nb).export_codebook(tmp_path / "tags.qdc")
    assert not (tmp_path / "tags.qdc").exists()


def test_empty_notebook_exports_a_valid_project(tmp_path: Path) -> None:
    """A notebook with nothing in it still gives a project the schema accepts."""
    from app.services import Notebook, QdpxExportService

    with Notebook.open(tmp_path / "empty") as nb:
        report = QdpxExportService(nb).export_project(tmp_path / "empty.qdpx")
    data = zipfile.ZipFile(tmp_path / "empty.qdpx").read("project.qde").decode("utf-8")
    xmlschema.XMLSchema(str(SCHEMAS / "Project-mrt2019.xsd")).validate(data)
    assert report.counts.sources == 0


def test_cli_exports_project_and_codebook(built: Built, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """``export --qdpx F --nvivo-offsets --qdc G`` writes both and names what it wrote."""
    from app.cli.main import main

    folder = built.nb.path
    code = main(["--notebook", str(folder), "export", "--qdpx", str(tmp_path / "p.qdpx"),
                 "--nvivo-offsets", "--qdc", str(tmp_path / "c.qdc")])
    out = capsys.readouterr().out
    assert code == 0
    assert f"wrote {tmp_path / 'p.qdpx'}: 3 sources, 7 selections" in out
    assert "UTF-16" in out and f"wrote {tmp_path / 'c.qdc'}" in out
    assert zipfile.ZipFile(tmp_path / "p.qdpx").testzip() is None


def test_cli_export_without_a_target_says_what_it_takes(built: Built,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    """``export`` alone is a usage error that names --qdpx and --qdc."""
    from app.cli.main import main

    assert main(["--notebook", str(built.nb.path), "export"]) == 2
    assert "--qdpx FILE" in capsys.readouterr().err
