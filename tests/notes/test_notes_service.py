"""The note service: editing with undo, link resolution, backlinks, citations, autosave."""

from __future__ import annotations

import pytest

from app.core.errors import NotFound, ValidationError
from app.notes.links import find_links
from tests.notes.conftest import article_id


def _resolved(nb, text: str, note_id: int | None = None) -> dict:
    return nb.notes.resolve(find_links(text), note_id)


def test_create_rename_delete_round_trip_with_undo(nb) -> None:
    """Each edit reports the note in Changes and undo restores the previous state."""
    note, changes = nb.notes.create("Findings", "first")
    assert changes.notes == {note.id} and note.body == "first"
    assert nb.notes.rename(note.id, "Befunde").notes == {note.id}
    changes = nb.notes.delete(note.id)
    assert changes.deleted_notes == {note.id} and "Befunde" in changes.label
    with pytest.raises(NotFound):
        nb.notes.get(note.id)
    nb.history.undo()
    assert nb.notes.get(note.id).title == "Befunde"
    nb.history.undo()
    assert nb.notes.get(note.id).title == "Findings"


def test_create_numbers_duplicate_titles_and_rename_refuses_them(nb) -> None:
    """A second "Plan" becomes "Plan (2)"; renaming onto a taken title is refused."""
    first, _ = nb.notes.create("Plan")
    second, _ = nb.notes.create("  plan ")
    assert second.title == "plan (2)"
    with pytest.raises(ValidationError):
        nb.notes.rename(second.id, "PLAN")
    with pytest.raises(ValidationError):
        nb.notes.create("   ")
    assert nb.notes.find("PLAN").id == first.id


def test_list_sorts_by_title_or_last_change(nb) -> None:
    """Sorting by title is case-insensitive; by "modified" follows the last save."""
    b, _ = nb.notes.create("beta")
    a, _ = nb.notes.create("Alpha")
    assert [n.title for n in nb.notes.list("title")] == ["Alpha", "beta"]
    nb.notes.save_body(b.id, "changed")
    assert nb.notes.list("modified", descending=True)[0].id == b.id
    assert nb.notes.list("modified")[0].id == a.id
    with pytest.raises(ValidationError):
        nb.notes.list("colour")


def test_move_builds_a_tree_and_refuses_cycles(nb) -> None:
    """A note can go under another, not under its own descendant; delete lifts children."""
    parent, _ = nb.notes.create("Kazakhstan")
    child, _ = nb.notes.create("Tungsten", parent_id=parent.id)
    grandchild, _ = nb.notes.create("Prices", parent_id=child.id)
    with pytest.raises(ValidationError):
        nb.notes.move(parent.id, grandchild.id)
    nb.notes.delete(child.id)
    assert nb.notes.get(grandchild.id).summary.parent_id == parent.id
    nb.history.undo()
    assert nb.notes.get(grandchild.id).summary.parent_id == child.id


def test_actor_links_resolve_through_aliases_in_several_spellings(nb) -> None:
    """[[Tokajew]], [[Tokayev]], [[TOKAEV]] and [[actor:Токаев]] all find one actor."""
    actor, _ = nb.actors.create("Kassym-Jomart Tokayev", kind="person",
                                aliases=["Tokayev", "Токаев"])
    text = "[[Tokajew]] [[Tokayev]] [[TOKAEV]] [[actor:Токаев]] [[Kassym-Jomart  Tokayev]]"
    found = _resolved(nb, text)
    assert {r.target_id for r in found.values()} == {actor.id}
    assert len(found) == 5


def test_agreement_article_note_and_passage_links_resolve(nb) -> None:
    """Each kind resolves by title (or id); the passage carries its quote and source."""
    agreement, _ = nb.agreements.create("Tungsten joint venture", type="joint venture")
    de = article_id(nb, "Tokajew")
    highlight, _ = nb.annotations.add(de, 18, 45)
    other, _ = nb.notes.create("Open questions")
    text = (f"[[agreement:tungsten JOINT venture]] [[article:Tokajew und Trump]] "
            f"[[article:{de}]] [[note:open questions]] [[passage:{highlight.id}]]")
    found = {k[0] + ":" + k[1]: r for k, r in _resolved(nb, text).items()}
    assert found["agreement:tungsten joint venture"].target_id == agreement.id
    assert found["article:tokajew und trump"].target_id == de
    assert found[f"article:{de}"].target_id == de
    assert found["note:open questions"].target_id == other.id
    passage = found[f"passage:{highlight.id}"]
    assert passage.quote == highlight.exact and passage.source.startswith("Tokajew und Trump")


def test_unknown_and_deleted_targets_are_broken_not_errors(nb) -> None:
    """Missing targets resolve to nothing and render as broken-link spans."""
    agreement, _ = nb.agreements.create("Boeing purchase")
    note, _ = nb.notes.create("N", "[[agreement:Boeing purchase]] [[Nobody]] [[passage:999]]")
    nb.agreements.delete(agreement.id)
    html = nb.notes.render(nb.notes.get(note.id).body, note.id)
    assert html.count('class="broken-link"') == 3
    assert "dossier://" not in html


def test_renamed_target_still_resolves_from_the_remembered_id(nb) -> None:
    """After an actor or note is renamed, an old-name link in a saved note still opens it."""
    actor, _ = nb.actors.create("Donald Trump")
    target, _ = nb.notes.create("Draft")
    note, _ = nb.notes.create("N", "[[Donald Trump]] and [[note:Draft]]")
    nb.actors.update(actor.id, name="President Trump Administration")
    nb.notes.rename(target.id, "Final")
    found = _resolved(nb, nb.notes.get(note.id).body, note.id)
    assert {r.target_id for r in found.values()} == {actor.id, target.id}
    assert {r.title for r in found.values()} == {"President Trump Administration", "Final"}
    assert _resolved(nb, "[[note:Draft]]") == {}


def test_backlinks_list_notes_citing_actor_agreement_article_and_passage(nb) -> None:
    """Backlinks come with the line around the link; article backlinks include passages."""
    actor, _ = nb.actors.create("Tokayev")
    de = article_id(nb, "Tokajew")
    highlight, _ = nb.annotations.add(de, 18, 45)
    note, _ = nb.notes.create("Visit", f"Intro\nMet [[Tokajew]] today.\n[[passage:{highlight.id}]]")
    [link] = nb.notes.backlinks("actor", actor.id)
    assert (link.note_id, link.note_title, link.context) == (note.id, "Visit",
                                                            "Met [[Tokajew]] today.")
    assert [b.note_id for b in nb.notes.backlinks("passage", highlight.id)] == [note.id]
    assert [b.kind for b in nb.notes.backlinks("article", de)] == ["passage"]
    nb.notes.save_body(note.id, "nothing linked")
    assert nb.notes.backlinks("actor", actor.id) == []


def test_cite_creates_or_reuses_a_highlight_and_quotes_it(nb) -> None:
    """Citing a span makes one highlight; citing it again reuses it; the link parses."""
    de = article_id(nb, "Tokajew")
    citation, changes = nb.notes.cite(de, 18, 45)
    assert changes.highlights == {citation.highlight_id}
    again, changes_again = nb.notes.cite(de, 18, 45)
    assert again.highlight_id == citation.highlight_id and changes_again.is_empty
    [ref] = find_links(citation.markdown)
    assert ref.kind == "passage" and ref.target == str(citation.highlight_id)
    assert ref.label == "„" + nb.annotations.get(citation.highlight_id).exact + "“"
    html = nb.notes.render(citation.markdown)
    assert f"dossier://passage/{citation.highlight_id}" in html and "Tokajew und Trump" in html


def test_autosaves_of_one_note_coalesce_into_one_undo_step(nb, clock) -> None:
    """Saves a second apart are one undo step; a pause or another note starts a new one."""
    note, _ = nb.notes.create("Typing", "")
    for text in ("a", "ab", "abc [[Tokayev]]"):
        clock.now += 1
        nb.notes.save_body(note.id, text)
    clock.now += 60
    nb.notes.save_body(note.id, "abc [[Tokayev]] later")
    nb.history.undo()
    assert nb.notes.get(note.id).body == "abc [[Tokayev]]"
    nb.history.undo()
    assert nb.notes.get(note.id).body == ""
    nb.history.redo()
    assert nb.notes.get(note.id).body == "abc [[Tokayev]]"


def test_save_body_with_unchanged_text_records_nothing(nb) -> None:
    """Saving the same text again changes nothing and adds no undo step."""
    note, _ = nb.notes.create("Same", "x")
    label = nb.history.undo_label
    assert nb.notes.save_body(note.id, "x").is_empty
    assert nb.history.undo_label == label


def test_complete_offers_actors_agreements_notes_and_articles(nb) -> None:
    """Completion matches any spelling and honours a kind prefix."""
    nb.actors.create("Kassym-Jomart Tokayev", aliases=["Tokajew"])
    nb.agreements.create("Tungsten joint venture")
    nb.notes.create("Tokayev visit")
    links = [link for _display, link in nb.notes.complete("tok")]
    assert "[[Tokajew]]" in links and "[[note:Tokayev visit]]" in links
    assert "[[article:Tokajew und Trump]]" in links
    assert [link for _d, link in nb.notes.complete("agreement:tung")] == [
        "[[agreement:Tungsten joint venture]]"]


def test_backlinks_find_links_written_before_their_target_existed(nb) -> None:
    """A note saved while [[Tokayev]] was broken is a backlink once the actor exists."""
    note, _ = nb.notes.create("Early", "Waiting for [[Tokayev]]")
    actor, _ = nb.actors.create("Tokayev")
    assert [b.note_id for b in nb.notes.backlinks("actor", actor.id)] == [note.id]


def test_render_shows_current_title_for_links_by_id(nb) -> None:
    """[[article:ID]] renders the article's title, not the number."""
    de = article_id(nb, "Tokajew")
    html = nb.notes.render(f"[[article:{de}]]")
    assert f'href="dossier://article/{de}"' in html and ">Tokajew und Trump</a>" in html
