"""Undo and redo restore exactly what an edit changed, and refuse to overwrite a row that
another writer changed since (a second notebook handle on the same files stands in for
another process)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.errors import ConflictError
from app.services import Notebook


@pytest.fixture
def two(tmp_path: Path) -> Iterator[tuple[Notebook, Notebook]]:
    """Two handles on one notebook folder, each with its own undo history."""
    (tmp_path / "a.md").write_text("# Tokayev in Washington\n\nTokayev met Rubio.\n",
                                   encoding="utf-8")
    first = Notebook.open(tmp_path / "nb")
    first.imports.import_paths([tmp_path / "a.md"])
    second = Notebook.open(tmp_path / "nb")
    yield first, second
    second.close()
    first.close()


def _links(nb: Notebook) -> list[tuple[str, str, int | None]]:
    db = sqlite3.connect(nb.path / "notebook.db")  # type: ignore[operator]
    try:
        return db.execute("SELECT kind, target_text, target_id FROM note_link "
                          "ORDER BY id").fetchall()
    finally:
        db.close()


def test_undo_refuses_update_when_row_changed_since(two: tuple[Notebook, Notebook]) -> None:
    """Undoing a rename that another writer renamed again raises and changes nothing."""
    nb, other = two
    tag, _ = nb.tags.create("Energie")
    nb.tags.rename(tag.id, "Energy")
    other.tags.rename(tag.id, "Power")
    with pytest.raises(ConflictError) as caught:
        nb.history.undo()
    assert "cannot undo" in str(caught.value) and "'Power'" in str(caught.value)
    assert caught.value.table == "tag" and caught.value.key == {"id": tag.id}
    assert nb.tags.get(tag.id).name == "Power"
    assert nb.history.can_undo and nb.history.undo_label.startswith("rename")


def test_undo_refuses_delete_when_row_changed_since(two: tuple[Notebook, Notebook]) -> None:
    """Undoing the creation of a highlight whose memo another writer set raises."""
    nb, other = two
    highlight, _ = nb.annotations.add(1, 0, 7)
    other.annotations.set_memo(highlight.id, "written elsewhere")
    with pytest.raises(ConflictError, match="memo is 'written elsewhere', expected ''"):
        nb.history.undo()
    assert nb.annotations.get(highlight.id).memo == "written elsewhere"
    assert nb.history.can_undo


def test_redo_refuses_insert_when_key_taken(two: tuple[Notebook, Notebook]) -> None:
    """Redoing a creation whose id another writer has taken meanwhile raises."""
    nb, other = two
    note, _ = nb.notes.create("Findings")
    nb.history.undo()
    taken, _ = other.notes.create("Elsewhere")
    assert taken.id == note.id  # SQLite reuses the highest free id
    with pytest.raises(ConflictError, match="already exists"):
        nb.history.redo()
    assert nb.notes.get(note.id).title == "Elsewhere"
    assert nb.history.can_redo and not nb.history.can_undo


def test_undo_refuses_when_row_deleted_since(two: tuple[Notebook, Notebook]) -> None:
    """Undoing an edit of an actor another writer deleted says the row is gone."""
    nb, other = two
    actor, _ = nb.actors.create("Tokayev")
    nb.actors.update(actor.id, description="President")
    other.actors.delete(actor.id)
    with pytest.raises(ConflictError, match="no longer exists"):
        nb.history.undo()


@pytest.mark.parametrize("target", ["actor", "agreement", "note", "passage"])
def test_undo_delete_reattaches_note_links(two: tuple[Notebook, Notebook], target: str) -> None:
    """Deleting a link target breaks the note's link; undoing the deletion re-attaches it
    (before, ``note_link.target_id`` stayed NULL)."""
    nb, _other = two
    actor, _ = nb.actors.create("Tokayev")
    deal, _ = nb.agreements.create("Boeing purchase")
    passage, _ = nb.annotations.add(1, 0, 7)
    cited, _ = nb.notes.create("Cited")
    nb.notes.create("Overview", f"[[Tokayev]], [[agreement:Boeing purchase]], "
                                f"[[note:Cited]], [[passage:{passage.id}]]")
    before = _links(nb)
    assert all(target_id is not None for _kind, _text, target_id in before)
    delete = {"actor": lambda: nb.actors.delete(actor.id, force=True),
              "agreement": lambda: nb.agreements.delete(deal.id),
              "note": lambda: nb.notes.delete(cited.id),
              "passage": lambda: nb.annotations.delete(passage.id)}[target]
    delete()
    assert [t for k, _x, t in _links(nb) if k == target] == [None]
    nb.history.undo()
    assert _links(nb) == before


def test_undo_highlight_delete_restores_mentions_and_evidence(
        two: tuple[Notebook, Notebook]) -> None:
    """Mentions and evidence cascade with their highlight, and come back with it."""
    nb, _other = two
    mention, _ = nb.actors.mark(1, 0, 7, new_name="Tokayev")
    deal, _ = nb.agreements.create("Boeing purchase")
    evidence, _ = nb.agreements.add_evidence(deal.id, mention.highlight_id)
    changes = nb.annotations.delete(mention.highlight_id)
    assert mention.highlight_id in changes.deleted_highlights
    assert nb.actors.mentions(mention.actor_id) == []
    assert nb.agreements.get(deal.id).evidence == ()
    nb.history.undo()
    assert [m.id for m in nb.actors.mentions(mention.actor_id)] == [mention.id]
    assert [e.id for e in nb.agreements.get(deal.id).evidence] == [evidence.id]


def test_undo_after_links_refreshed_by_a_read_restores_them(
        two: tuple[Notebook, Notebook]) -> None:
    """A read (backlinks) that re-resolves a broken link outside the history does not make
    undoing the edits before it fail, and undo restores the original link."""
    nb, _other = two
    first, _ = nb.actors.create("Tokayev")
    nb.actors.create("Rubio")
    nb.notes.create("Overview", "[[Tokayev]] met [[Rubio]]")
    before = _links(nb)
    nb.actors.delete(first.id, force=True)
    second, _ = nb.actors.create("Tokayev")
    nb.notes.backlinks("actor", second.id)  # re-resolves the broken link to the new actor
    assert ("actor", "Tokayev", second.id) in _links(nb)
    nb.history.undo()
    nb.history.undo()
    assert _links(nb) == before


def test_undo_takes_back_links_a_read_re_resolved_after_the_step(
        two: tuple[Notebook, Notebook]) -> None:
    """A read that re-resolves a note's links to a record created by the last step is
    part of that step: undoing it leaves no link pointing at the removed record."""
    nb, _other = two
    old, _ = nb.agreements.create("Boeing purchase")
    nb.notes.create("Deals", "[[agreement:Boeing purchase]] and [[Nobody]]")
    before = _links(nb)
    nb.agreements.update(old.id, title="Boeing purchase II")
    nb.agreements.create("Boeing purchase")
    fresh, _ = nb.actors.create("Nobody")  # the broken link resolves now: the note is stale
    nb.notes.backlinks("actor", fresh.id)  # re-resolves the whole note, outside the history
    for _step in range(3):  # create actor, create agreement, retitle
        nb.history.undo()
    assert _links(nb) == before
