"""Actors: CRUD, aliases, "mark as actor", merge, delete, undo, alias-aware search."""

from __future__ import annotations

import pytest

from app.core.errors import NotFound, ValidationError

DE = ("Der Präsident Kasachstans, Kassym-Schomart Tokajew, dankte Trump. "
      "Tokajews Sprecher bestätigte das Telefonat.")
EN = "Kazakh President Kassym-Jomart Tokayev thanked Trump. Tokayev called it historic."


@pytest.fixture
def two(make_notebook):
    """A notebook with a German and an English article about the same call."""
    return make_notebook({"de.txt": DE, "en.txt": EN})


def test_create_actor_validates_and_normalises_fields(two):
    """Country names become ISO codes with German/English names; Q-numbers are checked."""
    nb, _ids = two
    actor, changes = nb.actors.create("Kassym-Jomart Tokayev", kind="person",
                                      country="Kasachstan",
                                      external_id="https://www.wikidata.org/wiki/q312936",
                                      aliases=["Токаев"])
    assert (actor.country, actor.country_en, actor.country_de) == ("KZ", "Kazakhstan",
                                                                    "Kasachstan")
    assert actor.external_id == "Q312936"
    assert [(a.name, a.script) for a in actor.aliases] == [("Токаев", "Cyrl")]
    assert changes.actors == {actor.id}
    for bad in ({"kind": "wizard"}, {"country": "Atlantis"}, {"external_id": "P31"}):
        with pytest.raises(ValidationError):
            nb.actors.create("X", **bad)


def test_mark_creates_highlight_and_alias_in_one_undo_step(two, span):
    """Marking a new spelling adds a highlight, a mention and the alias; undo removes all."""
    nb, ids = two
    actor, _ = nb.actors.create("Kassym-Jomart Tokayev", kind="person")
    start, end = span(nb, ids["de.txt"], "Kassym-Schomart Tokajew")
    mention, changes = nb.actors.mark(ids["de.txt"], start, end, actor.id)
    assert (mention.exact, mention.actor_id) == ("Kassym-Schomart Tokajew", actor.id)
    assert changes.highlights == {mention.highlight_id}
    assert [a.name for a in nb.actors.get(actor.id).aliases] == ["Kassym-Schomart Tokajew"]
    assert [a.language for a in nb.actors.get(actor.id).aliases] == ["de"]
    nb.history.undo()
    assert nb.actors.get(actor.id).aliases == ()
    assert nb.annotations.highlights_for(ids["de.txt"]) == []


def test_mark_inflected_form_adds_no_alias(two, span):
    """Tokajews (genitive) is a form of the alias Tokajew, not another spelling."""
    nb, ids = two
    actor, _ = nb.actors.create("Tokayev", kind="person", aliases=["Tokajew"])
    nb.actors.mark(ids["de.txt"], *span(nb, ids["de.txt"], "Tokajews"), actor.id)
    assert [a.name for a in nb.actors.get(actor.id).aliases] == ["Tokajew"]
    assert nb.actors.get(actor.id).mention_count == 1


def test_mark_with_new_name_creates_actor(two, span):
    """"Mark as actor" with a new name creates the actor and marks the passage."""
    nb, ids = two
    mention, changes = nb.actors.mark(ids["en.txt"], *span(nb, ids["en.txt"], "Trump"),
                                      new_name="Donald Trump", kind="person")
    actor = nb.actors.get(mention.actor_id)
    assert actor.name == "Donald Trump" and actor.spellings == ("Donald Trump", "Trump")
    assert changes.actors == {actor.id}
    with pytest.raises(ValidationError):
        nb.actors.mark(ids["en.txt"], 0, 5)


def test_find_and_complete_match_other_spellings(two):
    """Fuzzy completion and find match spellings that are not aliases yet."""
    nb, _ids = two
    tokayev, _ = nb.actors.create("Kassym-Jomart Tokayev", kind="person", aliases=["Tokayev"])
    nb.actors.create("Donald Trump", kind="person")
    assert nb.actors.find("Tokajew").id == tokayev.id
    assert nb.actors.find("Toqaev").id == tokayev.id
    assert nb.actors.find("Nobody") is None
    best, score = nb.actors.complete("Tokaj")[0]
    assert best.id == tokayev.id and score >= 50


def test_merge_keeps_mentions_aliases_and_party_roles(two, span):
    """Merging moves every mention, alias and party role; undo splits them again."""
    nb, ids = two
    de_actor, _ = nb.actors.create("Tokajew", kind="person", country="KZ")
    en_actor, _ = nb.actors.create("Kassym-Jomart Tokayev", aliases=["Tokayev"])
    nb.actors.mark(ids["de.txt"], *span(nb, ids["de.txt"], "Kassym-Schomart Tokajew"),
                   de_actor.id)
    nb.actors.mark(ids["en.txt"], *span(nb, ids["en.txt"], "Tokayev", 1), en_actor.id)
    agreement, _ = nb.agreements.create("Telefonat", "joint statement")
    nb.agreements.add_party(agreement.id, de_actor.id, "signatory")
    changes = nb.actors.merge([de_actor.id], en_actor.id)
    merged = nb.actors.get(en_actor.id)
    assert changes.deleted_actors == {de_actor.id}
    assert merged.mention_count == 2 and merged.article_count == 2
    assert {"Tokajew", "Kassym-Schomart Tokajew", "Tokayev"} <= set(merged.spellings)
    assert (merged.kind, merged.country) == ("person", "KZ")
    assert [(p.actor_id, p.role) for p in nb.agreements.get(agreement.id).parties] == [
        (en_actor.id, "signatory")]
    nb.history.undo()
    assert nb.actors.get(de_actor.id).mention_count == 1
    assert nb.actors.get(en_actor.id).spellings == ("Kassym-Jomart Tokayev", "Tokayev")


def test_delete_party_refuses_without_force_and_says_what_changes(two, span):
    """Deleting a party asks first (the message names the agreement); force deletes."""
    nb, ids = two
    actor, _ = nb.actors.create("Trump", kind="person")
    nb.actors.mark(ids["en.txt"], *span(nb, ids["en.txt"], "Trump"), actor.id)
    agreement, _ = nb.agreements.create("Boeing purchase", "purchase")
    nb.agreements.add_party(agreement.id, actor.id, "mediator")
    impact = nb.actors.delete_impact(actor.id)
    assert impact.is_party and impact.mentions == 1
    with pytest.raises(ValidationError, match="mediator of 'Boeing purchase'"):
        nb.actors.delete(actor.id)
    changes = nb.actors.delete(actor.id, force=True)
    assert changes.deleted_actors == {actor.id} and agreement.id in changes.agreements
    assert nb.agreements.get(agreement.id).parties == ()
    assert nb.annotations.highlights_for(ids["en.txt"])  # the passage stays highlighted
    nb.history.undo()
    assert nb.actors.get(actor.id).mention_count == 1
    assert len(nb.agreements.get(agreement.id).parties) == 1


def test_delete_unknown_actor_is_not_found(two):
    """Deleting an id that does not exist raises NotFound."""
    nb, _ids = two
    with pytest.raises(NotFound):
        nb.actors.delete(999)


def test_alias_edit_and_remove_are_undoable(two):
    """Aliases can be corrected (script follows) and removed; both undo."""
    nb, _ids = two
    actor, _ = nb.actors.create("Tokayev")
    alias, _ = nb.actors.add_alias(actor.id, "Tokaev", "en")
    nb.actors.set_alias(alias.id, name="Токаев", language="ru")
    assert [(a.name, a.language, a.script) for a in nb.actors.get(actor.id).aliases] == [
        ("Токаев", "ru", "Cyrl")]
    with pytest.raises(ValidationError):
        nb.actors.add_alias(actor.id, "токаев")
    nb.actors.remove_alias(alias.id)
    assert nb.actors.get(actor.id).aliases == ()
    nb.history.undo()
    nb.history.undo()
    assert [a.name for a in nb.actors.get(actor.id).aliases] == ["Tokaev"]


def test_search_finds_every_spelling_of_an_alias(two, span):
    """A word that is an alias finds the other spellings; actor: finds marked articles."""
    nb, ids = two
    actor, _ = nb.actors.create("Kassym-Jomart Tokayev", kind="person",
                                aliases=["Tokayev", "Tokajew"])
    nb.search.flush()

    def found(query: str) -> set[int]:
        return {h.article_id for h in nb.search.search(query).hits}

    assert found("Tokajew") == set(ids.values())
    assert found("actor:Tokayev") == set()
    nb.actors.mark(ids["de.txt"], *span(nb, ids["de.txt"], "Kassym-Schomart Tokajew"),
                   actor.id)
    nb.search.flush()
    assert found("actor:Tokaev") == {ids["de.txt"]}
    nb.actors.add_alias(actor.id, "Toqaev")
    nb.search.flush()
    assert found("actor:Toqaev") == {ids["de.txt"]}


def test_co_actors_and_mentions_in_article(two, span):
    """Actors in the same articles are co-actors; the reader lists an article's mentions."""
    nb, ids = two
    tokayev, _ = nb.actors.create("Tokayev", kind="person")
    trump, _ = nb.actors.create("Trump", kind="person")
    for name, actor in (("en.txt", tokayev), ("de.txt", tokayev)):
        needle = "Tokayev" if name == "en.txt" else "Tokajew"
        nb.actors.mark(ids[name], *span(nb, ids[name], needle), actor.id)
    nb.actors.mark(ids["en.txt"], *span(nb, ids["en.txt"], "Trump"), trump.id)
    co = nb.actors.co_actors(tokayev.id)
    assert [(c.actor_id, c.shared_articles) for c in co] == [(trump.id, 1)]
    assert [m.exact for m in nb.actors.mentions_in(ids["en.txt"])] == ["Tokayev", "Trump"]
    assert [m.article_id for m in nb.actors.mentions(tokayev.id)] == sorted(ids.values())


def test_deleted_highlight_hides_mention_and_undo_restores_it(two, span):
    """Deleting a marked highlight hides its mention; undoing the deletion brings it back."""
    nb, ids = two
    actor, _ = nb.actors.create("Trump", kind="person")
    mention, _ = nb.actors.mark(ids["en.txt"], *span(nb, ids["en.txt"], "Trump"), actor.id)
    nb.annotations.delete(mention.highlight_id)
    assert nb.actors.get(actor.id).mention_count == 0
    nb.history.undo()
    assert nb.actors.get(actor.id).mention_count == 1


def test_deleting_a_marked_highlight_removes_the_mention_and_undo_restores_it(notebook, tmp_path):
    """A mention goes with its highlight (no orphans); undo brings both back."""
    path = tmp_path / "m.txt"
    path.write_text("Präsident Tokajew traf Trump in Washington.", encoding="utf-8")
    aid = notebook.imports.import_paths([path]).imported[0].id
    mention, _ = notebook.actors.mark(aid, 10, 17, new_name="Kassym-Jomart Tokayev",
                                      kind="person")
    notebook.annotations.delete(mention.highlight_id)
    assert notebook.actors.mentions(mention.actor_id) == []
    notebook.history.undo()
    assert [m.exact for m in notebook.actors.mentions(mention.actor_id)] == ["Tokajew"]
    notebook.articles.delete([aid])
    assert notebook.actors.mentions(mention.actor_id) == []
    notebook.history.undo()
    assert [m.id for m in notebook.actors.mentions(mention.actor_id)] == [mention.id]
