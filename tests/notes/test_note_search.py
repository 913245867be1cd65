"""Notes are searchable with the article query syntax and appear beside articles."""

from __future__ import annotations

import pytest

from app.core.errors import QuerySyntaxError


def test_note_search_stems_german_and_marks_hits(nb) -> None:
    """"Abkommen" finds a German note saying "Abkommens"; hits are notes with spans."""
    note, _ = nb.notes.create("Beitritt", "Die Unterzeichnung des Abkommens ist für Mai geplant.")
    found = nb.notes.search("Abkommen")
    [hit] = found.hits
    assert (hit.kind, hit.note_id, hit.title) == ("note", note.id, "Beitritt")
    body = nb.notes.get(note.id).body
    assert [body[s:e] for s, e in hit.hit_spans] == ["Abkommens"]


def test_note_search_follows_edits_deletes_and_undo(nb) -> None:
    """The index follows saves, deletion and the undo of the deletion."""
    note, _ = nb.notes.create("Jets", "Boeing jets for Air Astana")
    assert nb.notes.search("Boeing").total == 1
    nb.notes.save_body(note.id, "Airbus instead")
    assert nb.notes.search("Boeing").total == 0
    nb.notes.delete(note.id)
    assert nb.notes.search("Airbus").total == 0
    nb.history.undo()
    assert nb.notes.search("Airbus").total == 1


def test_note_search_uses_actor_field_and_aliases(nb) -> None:
    """actor:Tokajew finds a note linking [[Tokayev]] (alias-aware, like articles)."""
    nb.actors.create("Kassym-Jomart Tokayev", aliases=["Tokajew"])
    note, _ = nb.notes.create("Treffen", "Gespräch mit [[Tokayev]] in Astana")
    assert [h.note_id for h in nb.notes.search("actor:Tokajew").hits] == [note.id]


def test_search_all_puts_notes_beside_articles_and_filters(nb) -> None:
    """Both kinds come back together; the kinds filter keeps only the asked ones."""
    nb.notes.create("Boeing order", "Air Astana and Boeing signed the jets deal")
    both = nb.notes.search_all("Boeing")
    assert {h.kind for h in both.hits} == {"article", "note"} and both.total == 2
    assert [h.kind for h in nb.notes.search_all("Boeing", kinds=("note",)).hits] == ["note"]
    assert [h.kind for h in nb.notes.search_all("Boeing", kinds=("article",)).hits] == [
        "article"]


def test_note_search_rejects_malformed_query(nb) -> None:
    """A malformed query raises the same QuerySyntaxError as article search."""
    with pytest.raises(QuerySyntaxError):
        nb.notes.search('"unclosed')


def test_reindex_rebuilds_notes_from_the_database(nb) -> None:
    """A cleared notes index is rebuilt from the notes table."""
    nb.notes.create("A", "Wolfram")
    nb.notes.create("B", "Wolfram und Uran")
    assert nb.notes.reindex() == 2
    assert nb.notes.search("Wolfram").total == 2
