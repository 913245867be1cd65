"""Search expands a spelling variant of an actor's name to every spelling the notebook uses
(issue 10): the words the suggestion pass links to an actor, and only those."""

from __future__ import annotations

import pytest

TEXTS = {
    "short.txt": "Usbekistans Präsident Mirziyev empfing am Montag eine Delegation.",
    "german.txt": "Präsident Mirsijojew kündigte Reformen in Taschkent an.",
    "english.txt": "President Mirziyoyev said the reforms would continue.",
    "other.txt": "Der Dichter Mirza Ghalib schrieb auf Persisch und Urdu.",
}
SPELLINGS = ("Mirziyev", "Mirsijojew", "Mirziyoyev")


@pytest.fixture
def mirziyoyev(make_notebook):
    """Four articles, three naming Shavkat Mirziyoyev in three spellings; one Mirza."""
    nb, ids = make_notebook(TEXTS)
    actor, _ = nb.actors.create("Shavkat Mirziyoyev", kind="person", aliases=["Mirziyoyev"])
    nb.search.flush()
    return nb, ids, actor


def _found(nb, query: str) -> set[int]:
    return {h.article_id for h in nb.search.search(query, limit=50).hits}


@pytest.mark.parametrize("query", [*SPELLINGS, "mirziyev", "MIRSIJOJEW", '"Mirziyoyev"'])
def test_variant_spelling_finds_every_spelling_of_the_actor(mirziyoyev, query):
    """Any one spelling (any case) finds the articles written with the others."""
    nb, ids, _actor = mirziyoyev
    assert _found(nb, query) == {ids["short.txt"], ids["german.txt"], ids["english.txt"]}


def test_expansion_names_the_aliases_and_the_spellings_used(mirziyoyev):
    """The expansion holds the actor's name, aliases and the variants its articles use."""
    nb, _ids, _actor = mirziyoyev
    expanded = set(nb.actors.expand("text", "Mirziyev"))
    assert {"Shavkat Mirziyoyev", *SPELLINGS} <= expanded
    assert "Mirza" not in expanded


@pytest.mark.parametrize("word", ["Mirza", "mirza", "Präsident", "Delegation", "Shavkat",
                                  "Reformen", "the", "Mir", "Taschkent", "2025"])
def test_word_that_is_no_near_certain_variant_does_not_expand(mirziyoyev, word):
    """A common word, another name or a part of the actor's name expands to nothing."""
    nb, _ids, _actor = mirziyoyev
    assert list(nb.actors.expand("text", word)) == []


def test_other_name_is_not_found_through_the_actor(mirziyoyev):
    """Mirza finds the article about Mirza only, and the variants never find it."""
    nb, ids, _actor = mirziyoyev
    assert _found(nb, "Mirza") == {ids["other.txt"]}
    assert ids["other.txt"] not in _found(nb, "Mirziyev")


def test_surname_of_a_person_without_alias_expands(make_notebook):
    """A person's surname counts as one of its names, as in the suggestion pass."""
    nb, ids = make_notebook(TEXTS)
    nb.actors.create("Shavkat Mirziyoyev", kind="person")
    nb.search.flush()
    assert _found(nb, "Mirziyev") == {ids["short.txt"], ids["german.txt"], ids["english.txt"]}


def test_expansion_follows_new_articles_and_edited_actors(mirziyoyev, tmp_path):
    """An article imported later is found through the variant; renaming the actor and
    removing the alias ends the expansion (no stale cache)."""
    nb, ids, actor = mirziyoyev
    assert _found(nb, "Mirziyev")  # fills the caches
    later = tmp_path / "later.txt"
    later.write_text("Mirziyoyevs Besuch in Berlin wurde verschoben.", encoding="utf-8")
    (summary,) = nb.imports.import_paths([later]).imported
    nb.search.flush()
    assert summary.id in _found(nb, "Mirsijojew")
    nb.actors.update(actor.id, name="Islam Karimov")
    for alias in nb.actors.get(actor.id).aliases:
        nb.actors.remove_alias(alias.id)
    assert list(nb.actors.expand("text", "Mirziyev")) == []
    assert _found(nb, "Mirziyev") == {ids["short.txt"]}


def test_every_suggested_spelling_expands_to_its_actor(make_notebook):
    """One matcher: a spelling the suggestion pass links to an actor expands to it."""
    from pathlib import Path

    data = Path(__file__).with_name("data") / "sample_news.txt"
    nb, _ids = make_notebook({"sample.txt": data.read_text("utf-8")})
    for name in ("Kassym-Jomart Tokayev", "Shavkat Mirziyoyev", "Donald Trump"):
        nb.actors.create(name, kind="person")
    nb.actors.create("Kazakhstan", kind="state", country="KZ")
    report = nb.actors.suggestions.run()
    assert report.suggestions
    for suggestion in report.suggestions:
        assert suggestion.actor_name in nb.actors.expand("text", suggestion.surface), (
            suggestion)


def test_alias_expansion_still_finds_tokayev(make_notebook):
    """The transliteration key (Tokajew for Tokayev) keeps working as before."""
    nb, ids = make_notebook({"de.txt": "Präsident Tokajew dankte.",
                             "en.txt": "President Tokayev thanked him.",
                             "ru.txt": "Президент Токаев поблагодарил."})
    nb.actors.create("Kassym-Jomart Tokayev", kind="person", aliases=["Tokayev"])
    nb.search.flush()
    assert {ids["de.txt"], ids["en.txt"]} <= _found(nb, "Tokajew")
    assert {"Tokajew", "Tokayev", "Kassym-Jomart Tokayev"} <= set(
        nb.actors.expand("text", "Tokajew"))
