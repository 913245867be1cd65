"""The suggestion pass: variants found with scores, review (accept, reject), cancel."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.errors import ValidationError
from app.core.progress import CancelToken
from app.services.names import same_name, similarity
from app.services.suggest import Matcher

DATA = Path(__file__).with_name("data")
CORPUS = Path("/work/shared/corpora/10kgnad-test.csv")


@pytest.fixture
def sample(make_notebook):
    """The committed sample text (German, English and Russian spellings) with actors."""
    nb, ids = make_notebook({"sample.txt": (DATA / "sample_news.txt").read_text("utf-8")})
    tokayev, _ = nb.actors.create("Kassym-Jomart Tokayev", kind="person")
    mirziyoyev, _ = nb.actors.create("Shavkat Mirziyoyev", kind="person")
    kazakhstan, _ = nb.actors.create("Kazakhstan", kind="state", country="KZ")
    trump, _ = nb.actors.create("Donald Trump", kind="person")
    actors = {"tokayev": tokayev.id, "mirziyoyev": mirziyoyev.id,
              "kazakhstan": kazakhstan.id, "trump": trump.id}
    return nb, ids["sample.txt"], actors


def _surfaces(report, actor_id):
    return [(s.surface, s.reason) for s in report.suggestions if s.actor_id == actor_id]


def test_run_finds_transliterations_inflections_and_near_misses(sample):
    """German, Cyrillic and genitive spellings and a shortened name are all suggested."""
    nb, _article, actors = sample
    report = nb.actors.suggestions.run()
    tokayev = _surfaces(report, actors["tokayev"])
    assert ("Kassym-Schomart Tokajew", "variant") in tokayev
    assert ("Kassym-Jomart Tokayev", "alias") in tokayev
    assert ("Tokajews", "inflection") in tokayev
    assert ("Токаев", "variant") in tokayev
    mirziyoyev = [s for s, _r in _surfaces(report, actors["mirziyoyev"])]
    assert {"Mirsijojew", "Shavkat Mirziyoyev", "Mirziyev"} <= set(mirziyoyev)
    assert ("Kasachstans", "inflection") in _surfaces(report, actors["kazakhstan"])
    assert ("Trumps", "inflection") in _surfaces(report, actors["trump"])
    assert not any(s.surface == "Tokajew" for s in report.suggestions
                   if s.actor_id != actors["tokayev"])
    assert all(0 < s.score <= 100 for s in report.suggestions)


def test_accept_marks_and_hides_from_next_run(sample):
    """Accepting marks the span (adding the new spelling); it is not suggested again."""
    nb, article, actors = sample
    report = nb.actors.suggestions.run(actor_ids=[actors["tokayev"]])
    pick = next(s for s in report.suggestions if s.surface == "Kassym-Schomart Tokajew")
    changes = nb.actors.suggestions.accept(pick)
    assert actors["tokayev"] in changes.actors
    assert "Kassym-Schomart Tokajew" in nb.actors.get(actors["tokayev"]).spellings
    again = nb.actors.suggestions.run(actor_ids=[actors["tokayev"]])
    assert (pick.start, pick.end) not in {(s.start, s.end) for s in again.suggestions}
    assert [m.exact for m in nb.actors.mentions_in(article)] == ["Kassym-Schomart Tokajew"]


def test_accept_all_for_one_actor_is_one_undo_step(sample):
    """Accept all for an actor marks only its suggestions, undone in one step."""
    nb, _article, actors = sample
    report = nb.actors.suggestions.run()
    expected = len(_surfaces(report, actors["trump"]))
    nb.actors.suggestions.accept_all(report.suggestions, actor_id=actors["trump"])
    assert nb.actors.get(actors["trump"]).mention_count == expected
    assert nb.actors.get(actors["tokayev"]).mention_count == 0
    nb.history.undo()
    assert nb.actors.get(actors["trump"]).mention_count == 0


def test_reject_is_remembered_here_or_everywhere(sample):
    """A rejected suggestion is not offered again; "everywhere" covers the spelling."""
    nb, _article, actors = sample
    report = nb.actors.suggestions.run(actor_ids=[actors["mirziyoyev"]])
    near = next(s for s in report.suggestions if s.surface == "Mirziyev")
    nb.actors.suggestions.reject(near)
    surfaces = [s.surface for s in nb.actors.suggestions.run().suggestions]
    assert "Mirziyev" not in surfaces and "Mirsijojew" in surfaces
    other = next(s for s in report.suggestions if s.surface == "Mirsijojew")
    nb.actors.suggestions.reject(other, everywhere=True)
    assert "Mirsijojew" not in [s.surface for s in nb.actors.suggestions.run().suggestions]
    nb.history.undo()
    assert "Mirsijojew" in [s.surface for s in nb.actors.suggestions.run().suggestions]


def test_accept_refuses_when_text_changed(sample):
    """A stale suggestion (span no longer holds the surface) is refused, not misapplied."""
    nb, _article, _actors = sample
    pick = nb.actors.suggestions.run().suggestions[0]
    stale = type(pick)(**{**{f: getattr(pick, f) for f in pick.__slots__},
                          "surface": "something else"})
    with pytest.raises(ValidationError):
        nb.actors.suggestions.accept(stale)


def test_run_reports_progress_and_stops_when_cancelled(make_notebook):
    """Progress counts articles; a cancelled pass returns early, flagged cancelled."""
    nb, _ids = make_notebook({f"a{i}.txt": f"Trump sprach mit Tokajew, Teil {i}."
                              for i in range(3)})
    nb.actors.create("Trump", kind="person")
    events = []
    report = nb.actors.suggestions.run(progress=events.append)
    assert events[-1].done == events[-1].total == 3 and report.articles_scanned == 3
    token = CancelToken()
    token.cancel()
    stopped = nb.actors.suggestions.run(cancel=token)
    assert stopped.cancelled and stopped.suggestions == ()


def test_matcher_prefers_longest_match():
    """Tokayev inside "Kassym-Jomart Tokayev" is one suggestion, not two."""
    matcher = Matcher({1: ["Kassym-Jomart Tokayev", "Tokayev"]})
    hits = matcher.scan("Präsident Kassym-Jomart Tokayev sagte.")
    assert [(h.start, h.end) for h in hits] == [(10, 31)]


def test_matcher_ignores_lowercase_words_and_different_names():
    """Adjectives and unrelated capitalised words are not suggested."""
    matcher = Matcher({1: ["Kazakhstan"], 2: ["Boeing"], 3: ["Trump"]})
    assert matcher.scan("die kasachische Regierung, Beijing und der Trumpf.") == []


def _corpus_texts(limit: int) -> list[str]:
    with CORPUS.open(encoding="utf-8", newline="") as handle:
        rows = [line.split(";", 1)[1].strip().strip("'") for line in handle if ";" in line]
    return rows[:limit]


@pytest.mark.skipif(not CORPUS.exists(), reason="10kGNAD corpus not on this machine")
def test_matcher_on_real_news_finds_inflected_and_accented_names():
    """On the real German articles (about 1,000), every hit resembles its actor's spelling, and the
    genitive and accent-free forms (Merkels, Erdogans, Russlands) are found."""
    texts = _corpus_texts(1100)
    matcher = Matcher({1: ["Angela Merkel"], 2: ["Recep Tayyip Erdoğan"], 3: ["Russland"],
                       4: ["Wladimir Putin", "Vladimir Putin"]},
                      partial={1: ["Merkel"], 2: ["Erdoğan"], 4: ["Putin"]})
    surfaces: dict[int, set[str]] = {}
    for text in texts:
        for hit in matcher.scan(text):
            surface = text[hit.start: hit.end]
            assert same_name(surface, hit.spelling) or similarity(surface, hit.spelling) >= 85
            surfaces.setdefault(hit.actor_id, set()).add(surface)
    assert {"Merkel", "Merkels"} <= surfaces[1]
    assert {"Erdogan", "Erdoğan"} <= surfaces[2]
    assert {"Russland", "Russlands"} <= surfaces[3]
