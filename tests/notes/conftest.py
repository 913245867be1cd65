"""Fixtures for notes: a real notebook with two small articles and a note service."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

DE_TEXT = ("Tokajew und Trump\n"
           "Präsident Tokajew verkündete in Washington den Beitritt zum Abraham-Abkommen. "
           "Ein Gemeinschaftsunternehmen für Wolfram wurde unterzeichnet.\n")
EN_TEXT = ("Tokayev meets Trump\n"
           "President Tokayev announced that Kazakhstan will join the Abraham Accords. "
           "Air Astana plans to buy Boeing jets.\n")


class FakeClock:
    """Monotonic seconds that a test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def nb(tmp_path: Path, clock: FakeClock) -> Iterator[object]:
    """A notebook with a German and an English article and ``nb.notes`` on a fake clock."""
    from app.services import Notebook
    from app.services.notes import NoteService

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "de.txt").write_text(DE_TEXT, encoding="utf-8")
    (folder / "en.txt").write_text(EN_TEXT, encoding="utf-8")
    notebook = Notebook.open(tmp_path / "nb")
    notebook.imports.import_paths([folder])
    notebook.search.flush()
    existing = getattr(notebook, "notes", None)
    if existing is not None:
        existing.close()
    notebook.notes = NoteService(
        notebook.sessions, notebook._writer, notebook.history,
        annotations=notebook.annotations, actors=notebook.actors,
        agreements=notebook.agreements, search=notebook.search,
        clock=clock)
    yield notebook
    notebook.notes.close()
    notebook.close()


def article_id(nb: object, title_start: str) -> int:
    """The id of the article whose title starts so."""
    page = nb.articles.list(limit=50)  # type: ignore[attr-defined]
    return next(a.id for a in page.items if a.title.startswith(title_start))
