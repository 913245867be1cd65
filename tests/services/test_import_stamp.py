"""Imported articles are stamped like every other edit: version 1, the notebook's author
(not the database role, not nobody) and the time of the import."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from app.services import Notebook


def _article_file(folder: Path, name: str = "a.txt") -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(f"Titel {name}\n\nTokajew besucht Washington ({name}).\n", encoding="utf-8")
    return path


def test_import_stamps_the_notebook_author_when_one_is_given(tmp_path, monkeypatch):
    """A notebook opened for "Alice Analyst" stamps the articles it imports with her name
    and the time of the import, as every edit of hers."""
    monkeypatch.delenv("DOSSIER_AUTHOR", raising=False)
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    with Notebook.open(tmp_path / "nb", author="Alice Analyst") as nb:
        [summary] = nb.imports.import_paths([_article_file(tmp_path / "in")]).imported
        stamp = nb.articles.get(summary.id).stamp
        assert stamp.changed_by == "Alice Analyst"
        assert stamp.version == 1
        assert stamp.changed_at is not None and stamp.changed_at >= before


def test_import_stamps_who_the_other_edits_stamp_without_an_author(tmp_path, monkeypatch):
    """Without a configured author an imported article carries the same "who am I" as a
    tag made in the same notebook (on PostgreSQL the role, elsewhere the login name)."""
    monkeypatch.delenv("DOSSIER_AUTHOR", raising=False)
    with Notebook.open(tmp_path / "nb") as nb:
        [summary] = nb.imports.import_paths([_article_file(tmp_path / "in")]).imported
        tag, _ = nb.tags.create("Gipfel")
        assert nb.articles.get(summary.id).stamp.changed_by == tag.stamp.changed_by != ""


@pytest.mark.parametrize("configured", ["Redaktion Nord"])
def test_import_stamps_the_configured_author(tmp_path, monkeypatch, configured):
    """``DOSSIER_AUTHOR`` names who imports too."""
    monkeypatch.setenv("DOSSIER_AUTHOR", configured)
    with Notebook.open(tmp_path / "nb") as nb:
        [summary] = nb.imports.import_paths([_article_file(tmp_path / "in")]).imported
        assert nb.articles.get(summary.id).stamp.changed_by == configured


def test_refi_qda_import_stamps_the_notebook_author(tmp_path, monkeypatch):
    """An article a REFI-QDA project brings in carries the author too."""
    from tests.qdpx import builders as b

    monkeypatch.delenv("DOSSIER_AUTHOR", raising=False)
    text, src = "Kazakhstan joins the Abraham Accords.", b.guid()
    qde = b.project(sources=b.text_source(src, "Report", path=f"internal://{src}.txt"))
    project = b.write_qdpx(tmp_path / "p.qdpx", qde, {f"sources/{src}.txt": text.encode()})
    with Notebook.open(tmp_path / "nb", author="Alice Analyst") as nb:
        report = nb.qdpx_import.import_project(project)
        [article_id] = report.articles
        assert nb.articles.get(article_id).stamp.changed_by == "Alice Analyst"
