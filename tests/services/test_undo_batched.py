"""Undo and redo of many like updates (a text correction that moves every highlight) go
as one executemany per run (app/store/replay.py) and give exactly what applying the ops
one by one gives: the same rows, versions and stamps, and the same refusal when another
writer changed a row since."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.errors import ConflictError
from app.core.text import normalise_text
from app.ingest.article import ParsedArticle
from app.services import Notebook
from app.store import replay

WORDS = [f"Wort{n:02d}" for n in range(30)]
TEXT = "".join(f"Zeile {n}: {word} steht hier 😀.\n" for n, word in enumerate(WORDS))


def _article(nb: Notebook) -> int:
    parsed = ParsedArticle(source="lines.txt", original_name="", title="Lines",
                           text=normalise_text(TEXT), language="de", outlet="", url="",
                           author="", published="")
    return int(nb.imports.import_parsed([parsed]).imported[0].id)


def _mark_all(nb: Notebook, article_id: int) -> list[int]:
    ids = []
    for word in WORDS:
        start = TEXT.index(word)
        highlight, _ = nb.annotations.add(article_id, start, start + len(word))
        ids.append(int(highlight.id))
    return ids


def _state(nb: Notebook, ids: list[int]) -> list[tuple[object, ...]]:
    """What undo must restore, plus the bookkeeping both paths must agree on."""
    rows = [nb.annotations.get(h) for h in ids]
    return [(h.id, h.start, h.end, h.exact, h.prefix, h.suffix, h.is_orphaned,
             h.stamp.version, h.stamp.changed_by) for h in rows]


@pytest.fixture(params=["batched", "one by one"])
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Replay in runs (as shipped, checking a run did go as one statement) or op by op."""
    runs: list[int] = []
    if request.param == "one by one":
        monkeypatch.setattr(replay, "MIN_BATCH", 10**9)
    else:
        real = replay._apply_updates
        monkeypatch.setattr(replay, "_apply_updates",
                            lambda session, ops, author: (runs.append(len(ops)),
                                                          real(session, ops, author)))
    yield str(request.param)
    assert (max(runs, default=0) >= 29) == (request.param == "batched")


def test_undo_redo_of_many_moved_highlights_restore_exactly(notebook: Notebook,
                                                           path: str) -> None:
    """Undo puts 30 moved highlights back, redo moves them again; versions grow by one
    per write and carry the notebook's author, in either path."""
    aid = _article(notebook)
    ids = _mark_all(notebook, aid)
    before = _state(notebook, ids)
    notebook.revisions.edit_text(aid, "Vorwort.\n" + TEXT)
    moved = _state(notebook, ids)
    assert [r[1] for r in moved] == [r[1] + len("Vorwort.\n") for r in before]

    notebook.history.undo()
    undone = _state(notebook, ids)
    assert [r[:7] for r in undone] == [r[:7] for r in before]
    assert [r[7] for r in undone] == [r[7] + 1 for r in moved]
    assert notebook.articles.get(aid).text == normalise_text(TEXT)

    notebook.history.redo()
    redone = _state(notebook, ids)
    assert [r[:7] for r in redone] == [r[:7] for r in moved]
    assert [r[7] for r in redone] == [r[7] + 1 for r in undone]
    assert {r[8] for r in undone + redone} == {moved[0][8]}


@pytest.fixture
def two(tmp_path: Path) -> Iterator[tuple[Notebook, Notebook]]:
    """Two handles on one notebook folder, each with its own undo history."""
    first = Notebook.open(tmp_path / "nb")
    second = Notebook.open(tmp_path / "nb")
    yield first, second
    second.close()
    first.close()


def test_undo_refuses_and_writes_nothing_when_one_row_changed(
        two: tuple[Notebook, Notebook], path: str) -> None:
    """Another writer deleted one of the 30 moved highlights since: undo names that row,
    as the one-by-one replay does, and leaves the others and the text as they were."""
    nb, other = two
    aid = _article(nb)
    ids = _mark_all(nb, aid)
    nb.revisions.edit_text(aid, "Vorwort.\n" + TEXT)
    victim = ids[17]
    other.annotations.delete(victim)
    kept = [h for h in ids if h != victim]
    after = _state(nb, kept)

    with pytest.raises(ConflictError) as caught:
        nb.history.undo()

    assert caught.value.table == "highlight" and caught.value.key == {"id": victim}
    assert "the row no longer exists" in str(caught.value)
    assert _state(nb, kept) == after
    assert nb.articles.get(aid).text.startswith("Vorwort.\n")
    assert nb.history.can_undo
