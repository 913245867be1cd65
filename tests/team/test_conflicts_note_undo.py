"""Undo of note saves made through ``conflicts.save_note`` (the notes editor's autosave):
a burst of one's own saves is one undo step, but a save that continues a colleague's text
is a step of its own, so undoing it never silently takes their lines back (issue 13)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.errors import ConflictError
from app.services import Notebook
from tests import pg


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def two(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Notebook, Notebook]]:
    """Anna's and Bert's notebook objects on one database, each with its own index."""
    if request.param == "postgres":
        url = request.getfixturevalue("pg_url")
        anna = pg.open_pg_notebook(url, tmp_path, "anna", author="anna")
        bert = pg.open_pg_notebook(url, tmp_path, "bert", author="bert")
    else:
        anna = Notebook.open(tmp_path / "nb", index_dir=tmp_path / "index-anna", author="anna")
        bert = Notebook.open(tmp_path / "nb", index_dir=tmp_path / "index-bert", author="bert")
    yield anna, bert
    bert.close()
    anna.close()


def test_a_burst_of_own_saves_is_one_undo_step(two: tuple[Notebook, Notebook]) -> None:
    """Three autosaves in a row, each based on the previous: one undo restores the text
    as it was before the first."""
    anna, _bert = two
    note, _ = anna.notes.create("Briefing", "one\n")
    seen = anna.notes.get(note.id)
    for body in ("one\ntwo\n", "one\ntwo\nthree\n", "one\ntwo\nthree\nfour\n"):
        seen = anna.conflicts.save_note(note.id, body, seen).note
    anna.history.undo()
    assert anna.notes.get(note.id).body == "one\n"


def test_undo_after_a_colleagues_save_keeps_their_lines(two: tuple[Notebook, Notebook]
                                                        ) -> None:
    """Anna saves, Bert adds a line, Anna's editor shows it and she saves again: undo
    takes back only her last save (Bert's line stays); undoing further meets his change
    and asks instead of dropping it."""
    anna, bert = two
    note, _ = anna.notes.create("Briefing", "one\n")
    seen = anna.conflicts.save_note(note.id, "one\ntwo\n", anna.notes.get(note.id)).note
    bert.conflicts.save_note(note.id, "one\ntwo\nBERT\n", bert.notes.get(note.id))
    seen = anna.notes.get(note.id)  # what a live refresh puts into her idle editor
    anna.conflicts.save_note(note.id, "ONE\ntwo\nBERT\n", seen)
    anna.history.undo()
    assert bert.notes.get(note.id).body == "one\ntwo\nBERT\n"
    with pytest.raises(ConflictError):
        anna.history.undo()
    assert "BERT" in bert.notes.get(note.id).body
