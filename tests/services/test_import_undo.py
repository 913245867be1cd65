"""An import is one undo step: undo removes exactly its articles, redo restores them."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.errors import DossierError


def _files(folder: Path, count: int) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = []
    for number in range(count):
        path = folder / f"artikel{number}.txt"
        path.write_text(f"Titel {number}\n\nText über Wolfram, Nummer {number}.\n",
                        encoding="utf-8")
        paths.append(path)
    return paths


def test_undo_import_removes_exactly_its_articles(notebook, tmp_path):
    """Undo of an import deletes the articles it stored and keeps those imported before."""
    [older] = notebook.imports.import_paths(_files(tmp_path / "a", 1)).imported
    report = notebook.imports.import_paths(_files(tmp_path / "b", 3)[1:], undoable=True)
    assert len(report.imported) == 2
    assert notebook.history.undo_label == "import of 2 articles"
    changes = notebook.history.undo()
    assert changes.deleted_articles == {s.id for s in report.imported}
    assert [s.id for s in notebook.articles.summaries([older.id])] == [older.id]
    assert notebook.articles.summaries([s.id for s in report.imported]) == []
    assert not notebook.history.can_undo and notebook.history.redo_label == "import of 2 articles"


def test_redo_import_restores_same_ids_and_texts(notebook, tmp_path):
    """Redo brings the articles back with the same ids, texts and metadata; the search
    index finds them again."""
    report = notebook.imports.import_paths(_files(tmp_path / "a", 3), undoable=True)
    ids = [s.id for s in report.imported]
    before = [(a.summary, a.text, a.sha256, a.extra) for a in
              (notebook.articles.get(i) for i in ids)]
    notebook.history.undo()
    notebook.search.flush()
    assert notebook.search.search("Wolfram").total == 0
    notebook.history.redo()
    after = [(a.summary, a.text, a.sha256, a.extra) for a in
             (notebook.articles.get(i) for i in ids)]
    assert after == before
    notebook.search.flush()
    assert notebook.search.search("Wolfram").total == 3


def test_undo_import_refuses_once_an_article_is_highlighted(notebook, tmp_path):
    """A highlight added outside the history (another client) makes undo refuse with a
    message naming why; the articles and the step stay."""
    report = notebook.imports.import_paths(_files(tmp_path / "a", 2), undoable=True)
    article = report.imported[0].id
    notebook.annotations.add(article, 0, 5)
    notebook.history._undo.pop()  # as if another client had added the highlight
    with pytest.raises(DossierError, match=r"cannot undo 'import of 2 articles'.*highlight"):
        notebook.history.undo()
    assert len(notebook.articles.summaries([s.id for s in report.imported])) == 2
    assert notebook.history.undo_label == "import of 2 articles"


def test_undo_import_after_undone_highlight_removes_the_articles(notebook, tmp_path):
    """Highlighting, then undoing the highlight and the import, leaves no article."""
    report = notebook.imports.import_paths(_files(tmp_path / "a", 1), undoable=True)
    notebook.annotations.add(report.imported[0].id, 0, 5)
    notebook.history.undo()  # the highlight
    notebook.history.undo()  # the import
    assert notebook.articles.summaries([report.imported[0].id]) == []


def test_import_without_undoable_leaves_no_undo_step(notebook, tmp_path):
    """The CLI's and the tests' imports (not undoable) record nothing in the history."""
    notebook.imports.import_paths(_files(tmp_path / "a", 2))
    assert not notebook.history.can_undo


def test_undo_label_of_a_single_article_import(notebook, tmp_path):
    """One article: "import of 1 article"."""
    notebook.imports.import_paths(_files(tmp_path / "a", 1), undoable=True)
    assert notebook.history.undo_label == "import of 1 article"


def test_undo_import_after_an_undone_metadata_edit(notebook, tmp_path):
    """An outlet set and undone again (the row's version moved on) does not block undo."""
    report = notebook.imports.import_paths(_files(tmp_path / "a", 2), undoable=True)
    ids = [s.id for s in report.imported]
    notebook.articles.set_fields(ids, outlet="Kursiv")
    notebook.history.undo()
    notebook.history.undo()
    assert notebook.articles.summaries(ids) == []
