"""Links written before their target existed (or after it was renamed or deleted) are
re-resolved: backlinks, stored link rows and the notes' search all follow."""

from __future__ import annotations

from sqlalchemy import select

from app.store import schema_notes as sn
from tests.notes.conftest import article_id


def _link_rows(nb, note_id: int) -> dict[tuple[str, str], int | None]:
    with nb.sessions() as session:
        rows = session.execute(select(sn.note_link.c.kind, sn.note_link.c.target_text,
                                      sn.note_link.c.target_id)
                               .where(sn.note_link.c.note_id == note_id))
        return {(k, t): i for k, t, i in rows}


def test_backlinks_find_actor_created_after_the_note(nb) -> None:
    """A note linking [[Tokajew]] before the actor exists is its backlink once created."""
    note, _ = nb.notes.create("Befund", "Gespräch mit [[Tokajew]] in Washington.")
    assert _link_rows(nb, note.id)[("actor", "Tokajew")] is None
    actor, _ = nb.actors.create("Kassym-Jomart Tokayev", aliases=["Tokajew"])
    assert [b.note_id for b in nb.notes.backlinks("actor", actor.id)] == [note.id]
    assert _link_rows(nb, note.id)[("actor", "Tokajew")] == actor.id


def test_note_search_finds_note_by_alias_of_actor_created_later(nb) -> None:
    """After the refresh the note is indexed with the actor's spellings (alias search)."""
    note, _ = nb.notes.create("Befund", "Gespräch mit [[Tokajew]] in Washington.")
    assert nb.notes.search("actor:Tokayev").total == 0
    nb.actors.create("Kassym-Jomart Tokayev", aliases=["Tokajew", "Tokayev"])
    found = nb.notes.search("actor:Tokayev")
    assert [h.note_id for h in found.hits] == [note.id]


def test_backlinks_find_agreement_renamed_to_the_linked_title(nb) -> None:
    """A broken [[agreement:...]] link resolves once an agreement gets that title."""
    note, _ = nb.notes.create("JV", "Siehe [[agreement:Wolfram-Joint-Venture]].")
    agreement, _ = nb.agreements.create("Wolfram JV (Entwurf)", type="joint venture")
    assert nb.notes.backlinks("agreement", agreement.id) == []
    nb.agreements.update(agreement.id, title="Wolfram-Joint-Venture")
    assert [b.note_id for b in nb.notes.backlinks("agreement", agreement.id)] == [note.id]


def test_creating_linked_note_resolves_link_in_same_undo_step(nb) -> None:
    """Creating note B fixes A's [[note:B]] row at once; undoing the creation breaks it."""
    first, _ = nb.notes.create("A", "Weiter in [[note:B]].")
    second, _ = nb.notes.create("B", "Zweite Seite")
    assert _link_rows(nb, first.id)[("note", "B")] == second.id
    nb.history.undo()
    assert _link_rows(nb, first.id)[("note", "B")] is None


def test_renaming_note_to_linked_title_resolves_link(nb) -> None:
    """Renaming a note to a title some link names makes it that link's target."""
    first, _ = nb.notes.create("A", "Weiter in [[note:Fazit]].")
    second, _ = nb.notes.create("Entwurf", "Text")
    nb.notes.rename(second.id, "Fazit")
    assert _link_rows(nb, first.id)[("note", "Fazit")] == second.id
    assert [b.note_id for b in nb.notes.backlinks("note", second.id)] == [first.id]


def test_link_to_deleted_actor_is_not_a_backlink_of_a_new_one(nb) -> None:
    """A row pointing at a deleted actor is re-resolved, so it never lists under another."""
    gone, _ = nb.actors.create("Kassym-Jomart Tokayev", aliases=["Tokajew"])
    note, _ = nb.notes.create("Befund", "[[Tokajew]]")
    nb.actors.delete(gone.id, force=True)
    other, _ = nb.actors.create("Air Astana")
    assert nb.notes.backlinks("actor", other.id) == []
    assert _link_rows(nb, note.id)[("actor", "Tokajew")] is None


def test_refresh_stale_links_does_nothing_when_all_links_are_current(nb) -> None:
    """With no broken or dangling link the refresh writes nothing (cheap, no Changes)."""
    aid = article_id(nb, "Tokajew")
    nb.notes.create("Artikel", f"[[article:{aid}]] und [[note:Artikel]]")
    assert nb.notes.refresh_stale_links().is_empty


def test_undoing_actor_deletion_reattaches_link_so_a_rename_keeps_it(nb) -> None:
    """Undo of a deleted actor restores the link's target id; renaming it later keeps the
    link resolved (by the remembered id), in the stored row and in backlinks."""
    actor, _ = nb.actors.create("Donald Trump")
    note, _ = nb.notes.create("Gespräch", "Telefonat mit [[Donald Trump]].")
    nb.actors.delete(actor.id, force=True)
    assert _link_rows(nb, note.id)[("actor", "Donald Trump")] is None
    nb.history.undo()
    assert _link_rows(nb, note.id)[("actor", "Donald Trump")] == actor.id
    nb.actors.update(actor.id, name="President Trump Administration")
    found = nb.notes.resolve_text(nb.notes.get(note.id).body, note.id)
    assert [r.target_id for r in found.values()] == [actor.id]
    assert [b.note_id for b in nb.notes.backlinks("actor", actor.id)] == [note.id]


def test_undoing_highlight_deletion_reattaches_passage_link(nb) -> None:
    """A cited passage deleted and restored by undo is the note's passage link again."""
    citation, _ = nb.notes.cite(article_id(nb, "Tokajew"), 18, 45)
    note, _ = nb.notes.create("Zitat", citation.markdown)
    key = ("passage", str(citation.highlight_id))
    nb.annotations.delete(citation.highlight_id)
    assert _link_rows(nb, note.id)[key] is None
    nb.history.undo()
    assert _link_rows(nb, note.id)[key] == citation.highlight_id
    assert [b.note_id for b in nb.notes.backlinks("passage", citation.highlight_id)] == [
        note.id]


def test_undo_after_link_refresh_restores_start(nb) -> None:
    """A refresh outside the history keeps link rows (re-pointed, same ids), so undoing
    the actor's and then the note's creation meets the rows it recorded: no conflict."""
    note, _ = nb.notes.create("Befund", "Gespräch mit [[Tokajew]].")
    actor, _ = nb.actors.create("Kassym-Jomart Tokayev", aliases=["Tokajew"])
    assert [b.note_id for b in nb.notes.backlinks("actor", actor.id)] == [note.id]
    nb.history.undo()
    nb.history.undo()
    assert nb.notes.list() == [] and _link_rows(nb, note.id) == {}
