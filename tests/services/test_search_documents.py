"""Which search documents an edit makes stale, read off its recorded rows
(app/store/search_documents.py), seen through the change log of a real notebook."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.services import Notebook


@pytest.fixture
def nb(tmp_path: Path) -> Iterator[Notebook]:
    """A notebook with two articles, indexed."""
    for i, body in enumerate(("Tokayev met Rubio.", "Rubio flew home.")):
        (tmp_path / f"a{i}.md").write_text(f"# Report {i}\n\n{body}\n", encoding="utf-8")
    notebook = Notebook.open(tmp_path / "nb")
    notebook.imports.import_paths(sorted(tmp_path.glob("a*.md")))
    notebook.search.flush()
    yield notebook
    notebook.close()


def queued(nb: Notebook) -> set[tuple[str, int]]:
    """The documents logged as stale since the last call (as an indexer following the
    change log would read them); forgets them."""
    db = sqlite3.connect(nb.path / "notebook.db")  # type: ignore[operator]
    try:
        with db:
            rows = set(db.execute("SELECT entity, entity_id FROM change_log "
                                  "WHERE op = 'stale'"))
            db.execute("DELETE FROM change_log")
        return rows
    finally:
        db.close()


def test_actor_rename_makes_mentioning_articles_and_linking_notes_stale(nb: Notebook) -> None:
    """Renaming an actor queues every article that mentions it and every note linking it,
    and nothing else."""
    mention, _ = nb.actors.mark(1, 0, 7, new_name="Tokayev")
    note, _ = nb.notes.create("Overview", "[[Tokayev]]")
    nb.notes.create("Other", "no links")
    queued(nb)
    nb.actors.update(mention.actor_id, name="Kassym-Jomart Tokayev")
    assert queued(nb) == {("article", 1), ("note", note.id)}


def test_highlight_delete_queues_its_article_through_the_cascade(nb: Notebook) -> None:
    """Deleting a highlight that names an actor (its mention goes with it) queues its
    article; undoing queues it again."""
    mention, _ = nb.actors.mark(2, 0, 5, new_name="Rubio")
    queued(nb)
    nb.annotations.delete(mention.highlight_id)
    assert queued(nb) == {("article", 2)}
    nb.history.undo()
    assert queued(nb) == {("article", 2)}


def test_tag_rename_queues_articles_with_the_tag_or_below(nb: Notebook) -> None:
    """A tag path is in the documents: renaming a parent queues the articles tagged with
    its child."""
    parent, _ = nb.tags.create("Politik")
    child, _ = nb.tags.create("Gipfel", parent.id)
    nb.annotations.add(1, 0, 7, [child.id])
    queued(nb)
    nb.tags.rename(parent.id, "Diplomatie")
    assert queued(nb) == {("article", 1)}


def test_edit_outside_documents_queues_nothing(nb: Notebook) -> None:
    """A tag's colour and description are in no document: nothing is queued."""
    tag, _ = nb.tags.create("Politik")
    nb.annotations.add(1, 0, 7, [tag.id])
    queued(nb)
    nb.tags.set_colour(tag.id, "#ff0000")
    nb.tags.set_description(tag.id, "talks and summits")
    assert queued(nb) == set()


def test_deleting_a_link_target_queues_the_linking_note(nb: Notebook) -> None:
    """Deleting an agreement breaks the links to it (recorded), which queues the note."""
    deal, _ = nb.agreements.create("Boeing purchase")
    note, _ = nb.notes.create("Deals", "[[agreement:Boeing purchase]]")
    queued(nb)
    nb.agreements.delete(deal.id)
    assert queued(nb) == {("note", note.id)}
