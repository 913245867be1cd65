"""REFI-QDA export of a team notebook on PostgreSQL: one consistent read, same file rules."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
import xmlschema

SCHEMA = Path(__file__).resolve().parents[2] / "resources" / "refi-qda" / "Project-mrt2019.xsd"
TEXT = "Präsident Tokajew 👍 unterzeichnete „das Abkommen“.\nZweite Zeile 😀 mit q\u0307.\n"


@pytest.mark.postgres
def test_export_from_postgresql_is_valid_and_stable(pg_notebook: Any, tmp_path: Path) -> None:
    """A notebook on PostgreSQL exports a valid project whose selections sit on their words;
    the notebook's uuid is stored once, so a second export has the same GUIDs."""
    from app.services import QdpxExportService

    nb = pg_notebook
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    report = nb.imports.import_paths([tmp_path / "a.txt"])
    article = nb.articles.get(report.imported[0].id)
    start = article.text.index("Tokajew 👍")
    tag, _ = nb.tags.ensure("Akteure/Personen")
    nb.annotations.add(article.id, start, start + len("Tokajew 👍"), [tag.id], memo="Memo")
    nb.notes.create("Notiz", f"Siehe [[passage:{nb.annotations.highlights_for(article.id)[0].id}]]")
    service = QdpxExportService(nb)
    first = service.export_project(tmp_path / "a.qdpx", nvivo_offsets=True)
    service.export_project(tmp_path / "b.qdpx")
    assert first.counts.selections == 1 and first.counts.notes == 1
    a = zipfile.ZipFile(tmp_path / "a.qdpx").read("project.qde").decode("utf-8")
    b = zipfile.ZipFile(tmp_path / "b.qdpx").read("project.qde").decode("utf-8")
    schema = xmlschema.XMLSchema(str(SCHEMA))
    schema.validate(a)
    schema.validate(b)
    guid = QdpxExportService(nb).notebook_uuid()
    assert guid == service.notebook_uuid()
    from app.qdpx.guids import Guids

    selection = Guids(guid).of("highlight", nb.annotations.highlights_for(article.id)[0].id)
    assert f'guid="{selection}"' in a and f'guid="{selection}"' in b
    assert 'name="Tokajew 👍"' in a
