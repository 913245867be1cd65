"""Versioned tag edits (issue 13 item 3): delete, move and merge take the tag as the user
saw it (``seen=``), so a colleague's rename or recolour made since is never thrown away
unseen. Two Notebook objects on one database (SQLite and PostgreSQL by the backend
parameter)."""

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


def _names(nb: Notebook) -> dict[str, str]:
    """Every tag's path with its colour."""
    return {t.path: t.colour for t in nb.tags.list()}


def test_delete_refused_when_colleague_renamed_since(two: tuple[Notebook, Notebook]) -> None:
    """Bob renames the tag Alice is looking at: her delete is refused naming Bob, and
    the tag stays with Bob's name."""
    alice, bob = two
    tag, _ = alice.tags.create("Energie")
    shown = alice.tags.get(tag.id)
    bob.tags.rename(tag.id, "Energiepolitik", seen=bob.tags.get(tag.id))
    with pytest.raises(ConflictError) as caught:
        alice.tags.delete(tag.id, seen=shown)
    conflict = caught.value.conflict
    assert conflict is not None and conflict.action == "delete"
    assert conflict.their_author == "bob" and conflict.field("name").theirs == "Energiepolitik"
    assert [t.name for t in alice.tags.list()] == ["Energiepolitik"]


def test_delete_of_unchanged_tag_goes_through(two: tuple[Notebook, Notebook]) -> None:
    """A delete based on the tag as stored deletes it (its child moves up)."""
    alice, bob = two
    parent, _ = alice.tags.create("Energie")
    alice.tags.create("Gas", parent_id=parent.id)
    bob.tags.delete(parent.id, seen=bob.tags.get(parent.id))
    assert [t.path for t in alice.tags.list()] == ["Gas"]


def test_move_merges_with_colleague_rename_and_conflicts_with_their_move(
        two: tuple[Notebook, Notebook]) -> None:
    """Bob renames and recolours a tag after Alice saw it: her move keeps his name and
    colour. Bob then moves it elsewhere: her second move from the same view conflicts."""
    alice, bob = two
    energy, _ = alice.tags.create("Energie")
    trade, _ = alice.tags.create("Handel")
    gas, _ = alice.tags.create("Gas")
    shown = alice.tags.get(gas.id)
    bob.tags.rename(gas.id, "Erdgas", seen=bob.tags.get(gas.id))
    bob.tags.set_colour(gas.id, "#aabbcc", seen=bob.tags.get(gas.id))
    alice.tags.set_parent(gas.id, energy.id, seen=shown)
    assert _names(alice)["Energie/Erdgas"] == "#aabbcc"
    shown = alice.tags.get(gas.id)
    bob.tags.set_parent(gas.id, trade.id, seen=bob.tags.get(gas.id))
    with pytest.raises(ConflictError) as caught:
        alice.tags.set_parent(gas.id, None, seen=shown)
    conflict = caught.value.conflict
    assert conflict is not None and conflict.their_author == "bob"
    moved = conflict.field("parent_id")
    assert (moved.base, moved.mine, moved.theirs) == (energy.id, None, trade.id)
    assert alice.tags.get(gas.id).path == "Handel/Erdgas"


def test_merge_refused_when_colleague_recoloured_a_source(
        two: tuple[Notebook, Notebook], tmp_path: Path) -> None:
    """Bob recolours one of the tags Alice merges away: the whole merge is refused and
    writes nothing (both tags and their highlights stay); from a fresh view it merges."""
    alice, bob = two
    source = tmp_path / "a.txt"
    source.write_text("Erdgas aus Katar fuer Deutschland.\n", encoding="utf-8")
    article_id = alice.imports.import_paths([source]).imported[0].id
    gas, _ = alice.tags.create("Gas")
    lng, _ = alice.tags.create("LNG")
    oil, _ = alice.tags.create("Energie")
    alice.annotations.add(article_id, 0, 6, tag_ids=[lng.id])
    shown = [alice.tags.get(gas.id), alice.tags.get(lng.id)]
    bob.tags.set_colour(lng.id, "#123456", seen=bob.tags.get(lng.id))
    with pytest.raises(ConflictError) as caught:
        alice.tags.merge([gas.id, lng.id], oil.id, seen=shown)
    conflict = caught.value.conflict
    assert conflict is not None and conflict.id == lng.id and conflict.their_author == "bob"
    assert _names(alice) == {"Energie": oil.colour, "Gas": gas.colour, "LNG": "#123456"}
    assert alice.tags.get(lng.id).highlight_count == 1
    alice.tags.merge([gas.id, lng.id], oil.id,
                     seen=[alice.tags.get(gas.id), alice.tags.get(lng.id)])
    assert [(t.name, t.highlight_count) for t in alice.tags.list()] == [("Energie", 1)]


def test_rename_of_a_tag_a_colleague_deleted_names_who_deleted_it(
        two: tuple[Notebook, Notebook]) -> None:
    """Alice renames a tag Bob has deleted since she saw it: refused, and the message says
    Bob deleted it (not just "does not exist"); nothing is written."""
    from app.core.errors import NotFound

    alice, bob = two
    tag, _ = alice.tags.create("Energie")
    shown = alice.tags.get(tag.id)
    bob.tags.delete(tag.id, seen=bob.tags.get(tag.id))
    with pytest.raises(NotFound, match=r"tag \d+ was deleted by bob at \d{4}-\d\d-\d\d "
                                       r"\d\d:\d\d; nothing was changed"):
        alice.tags.rename(tag.id, "Energiepolitik", seen=shown)
    assert alice.tags.list() == []


def test_moving_a_note_a_colleague_deleted_names_who_deleted_it(
        two: tuple[Notebook, Notebook]) -> None:
    from app.core.errors import NotFound

    alice, bob = two
    note, _ = alice.notes.create("Befunde")
    shown = alice.notes.get(note.id)
    bob.notes.delete(note.id, seen=bob.notes.get(note.id))
    with pytest.raises(NotFound, match="was deleted by bob"):
        alice.notes.move(note.id, None, seen=shown)
    with pytest.raises(NotFound, match=r"tag 99 does not exist"):
        alice.tags.rename(99, "Nie")
