"""Versioned note renames and moves (issue 13 item 3): both take the note as the user saw
it (``seen=``); a colleague's change of the same field since conflicts instead of being
overwritten, their change of another field merges. Two Notebook objects on one database
(SQLite and PostgreSQL by the backend parameter)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.errors import ConflictError
from app.services import Notebook
from tests.clients import two_clients


@pytest.fixture
def two(tmp_path: Path) -> Iterator[tuple[Notebook, Notebook]]:
    """Alice's and Bob's notebook objects on one database, each with its own index."""
    with two_clients(tmp_path, "alice", "bob") as pair:
        yield pair


def test_rename_conflicts_with_colleague_rename_since(two: tuple[Notebook, Notebook]) -> None:
    """Bob retitles the note Alice is renaming: her rename raises a conflict with both
    titles and Bob's name; his title stays."""
    alice, bob = two
    note, _ = alice.notes.create("Befunde", "erste Zeile\n")
    shown = alice.notes.get(note.id)
    bob.notes.rename(note.id, "Befunde Kasachstan", seen=bob.notes.get(note.id))
    with pytest.raises(ConflictError) as caught:
        alice.notes.rename(note.id, "Ergebnisse", seen=shown)
    conflict = caught.value.conflict
    assert conflict is not None and conflict.their_author == "bob"
    title = conflict.field("title")
    assert (title.base, title.mine, title.theirs) == ("Befunde", "Ergebnisse",
                                                      "Befunde Kasachstan")
    assert alice.notes.get(note.id).title == "Befunde Kasachstan"


def test_rename_merges_with_colleague_text_and_move(two: tuple[Notebook, Notebook]) -> None:
    """Bob edits the text and moves the note after Alice saw it: her rename keeps both."""
    alice, bob = two
    folder, _ = alice.notes.create("Ordner")
    note, _ = alice.notes.create("Befunde", "erste Zeile\n")
    shown = alice.notes.get(note.id)
    bob.notes.save_body(note.id, "erste Zeile\nBobs Zeile\n", seen=bob.notes.get(note.id))
    bob.notes.move(note.id, folder.id, seen=bob.notes.get(note.id))
    alice.notes.rename(note.id, "Ergebnisse", seen=shown)
    stored = alice.notes.get(note.id)
    assert (stored.title, stored.body, stored.summary.parent_id) == (
        "Ergebnisse", "erste Zeile\nBobs Zeile\n", folder.id)


def test_move_conflicts_with_colleague_move_and_merges_their_rename(
        two: tuple[Notebook, Notebook]) -> None:
    """Bob renames the note Alice moves: her move keeps his title. Bob then moves it
    elsewhere: her next move from the same view conflicts and his place stays."""
    alice, bob = two
    first, _ = alice.notes.create("Ordner A")
    second, _ = alice.notes.create("Ordner B")
    note, _ = alice.notes.create("Befunde")
    shown = alice.notes.get(note.id)
    bob.notes.rename(note.id, "Befunde Katar", seen=bob.notes.get(note.id))
    alice.notes.move(note.id, first.id, seen=shown)
    stored = alice.notes.get(note.id)
    assert (stored.title, stored.summary.parent_id) == ("Befunde Katar", first.id)
    bob.notes.move(note.id, second.id, seen=bob.notes.get(note.id))
    with pytest.raises(ConflictError) as caught:
        alice.notes.move(note.id, None, seen=stored)
    conflict = caught.value.conflict
    assert conflict is not None and conflict.their_author == "bob"
    moved = conflict.field("parent_id")
    assert (moved.base, moved.mine, moved.theirs) == (first.id, None, second.id)
    assert alice.notes.get(note.id).summary.parent_id == second.id
