"""No lost update (issue 13): two Notebook objects on one database, each its own author,
edit the same records; on SQLite (one file) and on a real PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.conflicts import RowConflict
from app.core.errors import ConflictError
from app.services import Notebook
from tests import pg


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def two(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Notebook, Notebook]]:
    """Alice's and Bob's notebook objects on one database, each with its own index."""
    if request.param == "postgres":
        url = request.getfixturevalue("pg_url")
        alice = pg.open_pg_notebook(url, tmp_path, "alice", author="alice")
        bob = pg.open_pg_notebook(url, tmp_path, "bob", author="bob")
    else:
        alice = Notebook.open(tmp_path / "nb", index_dir=tmp_path / "index-alice",
                              author="alice")
        bob = Notebook.open(tmp_path / "nb", index_dir=tmp_path / "index-bob", author="bob")
    yield alice, bob
    bob.close()
    alice.close()


def _conflict(caught: pytest.ExceptionInfo[ConflictError]) -> RowConflict:
    conflict = caught.value.conflict
    assert conflict is not None
    return conflict


def test_concurrent_edits_of_one_field_conflict_with_both_values(
        two: tuple[Notebook, Notebook]) -> None:
    """Both change an agreement's title from the same version: the second write is
    refused and its conflict carries base, both values and the first author."""
    alice, bob = two
    made, _ = alice.agreements.create("Boeing deal", type="purchase")
    seen_a, seen_b = alice.agreements.get(made.id), bob.agreements.get(made.id)
    alice.agreements.update(made.id, title="Boeing purchase", seen=seen_a)
    with pytest.raises(ConflictError) as caught:
        bob.agreements.update(made.id, title="Boeing order", seen=seen_b)
    conflict = _conflict(caught)
    title = conflict.field("title")
    assert (title.base, title.mine, title.theirs) == ("Boeing deal", "Boeing order",
                                                      "Boeing purchase")
    assert [f.field for f in conflict.conflicting] == ["title"]
    assert conflict.their_author == "alice" and conflict.their_time is not None
    assert "alice" in conflict.describe()
    stored = bob.agreements.get(made.id)
    assert stored.title == "Boeing purchase"
    assert stored.stamp.changed_by == "alice" and stored.stamp.version == 2


def test_disjoint_field_edits_merge(two: tuple[Notebook, Notebook]) -> None:
    """Alice changes the title, Bob (from the same version) the summary and value: both
    changes are kept, and the version counts both writes."""
    alice, bob = two
    made, _ = alice.agreements.create("Tungsten JV", type="joint venture")
    seen_a, seen_b = alice.agreements.get(made.id), bob.agreements.get(made.id)
    alice.agreements.update(made.id, title="Tungsten joint venture", seen=seen_a)
    bob.agreements.update(made.id, title=seen_b.title, summary="70 % Cove Capital",
                          seen=seen_b)
    bob.agreements.set_value(made.id, "USD 1.1 bn", seen=bob.agreements.get(made.id))
    stored = alice.agreements.get(made.id)
    assert stored.title == "Tungsten joint venture"
    assert stored.summary == "70 % Cove Capital"
    assert stored.value.currency == "USD"
    assert stored.stamp.version == 4 and stored.stamp.changed_by == "bob"


def test_conflict_resolved_field_by_field(two: tuple[Notebook, Notebook]) -> None:
    """Bob keeps his title and takes Alice's summary; the resolution is a versioned
    write: a later write from Alice's stale copy conflicts again."""
    alice, bob = two
    made, _ = alice.agreements.create("MoU", summary="draft")
    seen_a, seen_b = alice.agreements.get(made.id), bob.agreements.get(made.id)
    alice.agreements.update(made.id, title="MoU on minerals", summary="signed", seen=seen_a)
    with pytest.raises(ConflictError) as caught:
        bob.agreements.update(made.id, title="Minerals MoU", summary="initialled",
                              seen=seen_b)
    bob.conflicts.resolve(caught.value, {"title": "mine", "summary": "theirs"})
    stored = alice.agreements.get(made.id)
    assert (stored.title, stored.summary) == ("Minerals MoU", "signed")
    with pytest.raises(ConflictError) as again:
        alice.agreements.update(made.id, title="MoU (minerals)", seen=seen_a)
    assert _conflict(again).their_author == "bob"
    assert alice.agreements.get(made.id).title == "Minerals MoU"


def test_conflict_needs_a_choice_for_each_conflicting_field(
        two: tuple[Notebook, Notebook]) -> None:
    """Resolving without choosing for a conflicting field is refused, nothing written."""
    from app.core.errors import ValidationError

    alice, bob = two
    made, _ = alice.actors.create("Tokayev", kind="person")
    seen_a, seen_b = alice.actors.get(made.id), bob.actors.get(made.id)
    alice.actors.update(made.id, description="President of Kazakhstan", seen=seen_a)
    with pytest.raises(ConflictError) as caught:
        bob.actors.update(made.id, description="Kazakh president", seen=seen_b)
    with pytest.raises(ValidationError, match="description"):
        bob.conflicts.resolve(caught.value, {})
    assert bob.actors.get(made.id).description == "President of Kazakhstan"


def test_article_metadata_edits_merge_and_conflict(two: tuple[Notebook, Notebook],
                                                   tmp_path: Path) -> None:
    """Article metadata: different fields merge, the same field conflicts."""
    from dataclasses import replace

    from app.core.records import ArticleMeta

    alice, bob = two
    (tmp_path / "a.md").write_text("# Tokayev in Washington\n\nTokayev met Rubio.\n",
                                   encoding="utf-8")
    alice.imports.import_paths([tmp_path / "a.md"])
    article_id = alice.articles.list().items[0].id
    seen_a, seen_b = alice.articles.get(article_id), bob.articles.get(article_id)
    meta = ArticleMeta(title=seen_a.title)
    alice.articles.update_meta(article_id, replace(meta, outlet="Reuters"), seen=seen_a)
    bob.articles.update_meta(article_id, replace(meta, author="Jane Doe"), seen=seen_b)
    stored = alice.articles.get(article_id).summary
    assert (stored.outlet, stored.author) == ("Reuters", "Jane Doe")
    with pytest.raises(ConflictError) as caught:
        bob.articles.update_meta(article_id, replace(meta, outlet="AP"), seen=seen_b)
    assert _conflict(caught).field("outlet").theirs == "Reuters"


def test_additions_never_conflict(two: tuple[Notebook, Notebook]) -> None:
    """Both add a status event and evidence to one agreement at once: all are kept."""
    alice, bob = two
    made, _ = alice.agreements.create("Abraham Accords accession", type="accession")
    alice.agreements.add_event(made.id, "announced", "2025-11-06")
    bob.agreements.add_event(made.id, "signed", "2025-11-07")
    assert {e.status for e in alice.agreements.get(made.id).events} == {"announced",
                                                                         "signed"}


def test_note_lines_merge_when_changes_do_not_overlap(two: tuple[Notebook, Notebook]
                                                      ) -> None:
    """Alice edits the first line, Bob the last: the note keeps both edits."""
    alice, bob = two
    note, _ = alice.notes.create("Findings", "one\ntwo\nthree\nfour\n")
    seen_a, seen_b = alice.notes.get(note.id), bob.notes.get(note.id)
    first = alice.conflicts.save_note(note.id, "ONE\ntwo\nthree\nfour\n", seen_a)
    assert first.outcome == "saved" and first.note.stamp.version == 2
    second = bob.conflicts.save_note(note.id, "one\ntwo\nthree\nFOUR\nfive\n", seen_b)
    assert second.outcome == "merged" and second.copy_id is None
    assert alice.notes.get(note.id).body == "ONE\ntwo\nthree\nFOUR\nfive\n"
    assert second.note.body == "ONE\ntwo\nthree\nFOUR\nfive\n"


def test_note_overlapping_edits_keep_theirs_and_link_a_conflict_copy(
        two: tuple[Notebook, Notebook]) -> None:
    """Both rewrite the same line: Alice's version stays, Bob's text becomes a new note
    that links to it (a backlink of the original)."""
    alice, bob = two
    note, _ = alice.notes.create("Findings", "Tokayev met Rubio.\n")
    seen_b = bob.notes.get(note.id)
    alice.notes.save_body(note.id, "Tokayev met Rubio on 6 Nov.\n",
                          seen=alice.notes.get(note.id))
    saved = bob.conflicts.save_note(note.id, "Tokayev met Rubio in Washington.\n", seen_b)
    assert saved.outcome == "copied" and saved.copy_id is not None
    assert alice.notes.get(note.id).body == "Tokayev met Rubio on 6 Nov.\n"
    copy = alice.notes.get(saved.copy_id)
    assert copy.body.endswith("Tokayev met Rubio in Washington.\n")
    assert "[[note:Findings]]" in copy.body and "alice" in copy.body
    assert saved.copy_id in {b.note_id for b in alice.notes.backlinks("note", note.id)}


def test_edit_against_deletion_keeps_the_edit(two: tuple[Notebook, Notebook]) -> None:
    """Alice deletes an agreement Bob is editing: Bob's save brings it back, same id,
    with his edit (and it can be undone)."""
    alice, bob = two
    made, _ = alice.agreements.create("Boeing deal", summary="37 jets")
    seen_b = bob.agreements.get(made.id)
    alice.agreements.delete(made.id, seen=alice.agreements.get(made.id))
    bob.agreements.update(made.id, title="Boeing purchase", seen=seen_b)
    back = alice.agreements.get(made.id)
    assert (back.title, back.summary) == ("Boeing purchase", "37 jets")
    assert back.stamp.changed_by == "bob"


def test_note_edit_against_deletion_keeps_the_text(two: tuple[Notebook, Notebook]) -> None:
    """A note deleted while Bob writes in it comes back with Bob's text."""
    alice, bob = two
    note, _ = alice.notes.create("Findings", "draft\n")
    seen_b = bob.notes.get(note.id)
    alice.notes.delete(note.id)
    saved = bob.conflicts.save_note(note.id, "draft\nmore\n", seen_b)
    assert saved.note.body == "draft\nmore\n" and saved.note.title == "Findings"


def test_delete_of_a_row_changed_since_is_refused(two: tuple[Notebook, Notebook]) -> None:
    """Alice deletes an actor Bob changed after she looked: refused, naming Bob."""
    alice, bob = two
    made, _ = alice.actors.create("Tokayev", kind="person")
    seen_a = alice.actors.get(made.id)
    bob.actors.update(made.id, country="KZ", seen=bob.actors.get(made.id))
    with pytest.raises(ConflictError) as caught:
        alice.actors.delete(made.id, seen=seen_a)
    conflict = _conflict(caught)
    assert conflict.action == "delete" and conflict.their_author == "bob"
    assert conflict.field("country").theirs == "KZ"
    assert alice.actors.get(made.id).country == "KZ"


def test_undo_over_a_colleagues_change_asks_instead_of_overwriting(
        two: tuple[Notebook, Notebook]) -> None:
    """Alice renames, Bob renames again, Alice undoes: a conflict (origin undo) with
    base = Alice's title, mine = the original, theirs = Bob's; nothing is overwritten.
    Choosing 'mine' performs the undo."""
    alice, bob = two
    made, _ = alice.agreements.create("Deal")
    alice.agreements.update(made.id, title="Deal A")
    bob.agreements.update(made.id, title="Deal B", seen=bob.agreements.get(made.id))
    with pytest.raises(ConflictError) as caught:
        alice.history.undo()
    conflict = _conflict(caught)
    assert conflict.origin == "undo" and conflict.their_author == "bob"
    title = conflict.field("title")
    assert (title.base, title.mine, title.theirs) == ("Deal A", "Deal", "Deal B")
    assert alice.agreements.get(made.id).title == "Deal B"
    assert alice.history.can_undo
    alice.conflicts.resolve(caught.value, {"title": "mine"})
    assert alice.agreements.get(made.id).title == "Deal"
    assert alice.history.can_redo


def test_undo_keeping_theirs_leaves_the_colleagues_value(two: tuple[Notebook, Notebook]
                                                         ) -> None:
    """Choosing 'theirs' for an undo conflict keeps Bob's value and ends the step."""
    alice, bob = two
    made, _ = alice.agreements.create("Deal")
    alice.agreements.update(made.id, title="Deal A")
    bob.agreements.update(made.id, title="Deal B")
    with pytest.raises(ConflictError) as caught:
        alice.history.undo()
    alice.conflicts.resolve(caught.value, {"title": "theirs"})
    assert alice.agreements.get(made.id).title == "Deal B"
    assert not alice.history.can_undo or alice.history.undo_label != "edit agreement"


def test_undo_of_a_field_the_colleague_did_not_touch_applies(
        two: tuple[Notebook, Notebook]) -> None:
    """Alice's undo of the title keeps Bob's later summary (fields merge)."""
    alice, bob = two
    made, _ = alice.agreements.create("Deal")
    alice.agreements.update(made.id, title="Deal A")
    bob.agreements.update(made.id, summary="by Bob", seen=bob.agreements.get(made.id))
    alice.history.undo()
    stored = bob.agreements.get(made.id)
    assert (stored.title, stored.summary) == ("Deal", "by Bob")
    assert stored.stamp.version == 4 and stored.stamp.changed_by == "alice"


def test_highlight_memo_conflicts_and_colour_merges(two: tuple[Notebook, Notebook],
                                                   tmp_path: Path) -> None:
    """Memos written from the same version conflict (naming Alice); Bob's colour change
    from that version merges with Alice's memo (their own "modified at" never conflicts)."""
    alice, bob = two
    (tmp_path / "a.md").write_text("# Tokayev in Washington\n\nTokayev met Rubio.\n",
                                   encoding="utf-8")
    alice.imports.import_paths([tmp_path / "a.md"])
    article_id = alice.articles.list().items[0].id
    made, _ = alice.annotations.add(article_id, 0, 7)
    seen_a, seen_b = alice.annotations.get(made.id), bob.annotations.get(made.id)
    alice.annotations.set_memo(made.id, "the President", seen=seen_a)
    bob.annotations.set_colour(made.id, "#ff0000", seen=seen_b)
    with pytest.raises(ConflictError) as caught:
        bob.annotations.set_memo(made.id, "Kazakh president", seen=seen_b)
    memo = _conflict(caught).field("memo")
    assert (memo.base, memo.mine, memo.theirs) == ("", "Kazakh president", "the President")
    stored = alice.annotations.get(made.id)
    assert (stored.memo, stored.colour) == ("the President", "#ff0000")
    assert stored.stamp.version == 3


def test_threads_appending_at_once_lose_no_update(two: tuple[Notebook, Notebook]) -> None:
    """Alice's and Bob's notebook objects append lines to one summary from two threads
    that start together (a barrier); stale writes are refused and retried: every line
    is kept."""
    import threading

    from app.core.errors import NotebookError

    alice, bob = two
    made, _ = alice.agreements.create("Boeing deal")
    rounds, barrier, failures = 8, threading.Barrier(2), []

    def append(nb: Notebook, name: str) -> None:
        barrier.wait(timeout=30)
        try:
            for i in range(rounds):
                for _attempt in range(100):  # bounded: a persistent error fails the test
                    seen = nb.agreements.get(made.id)
                    try:
                        nb.agreements.update(made.id, summary=seen.summary + f"{name}{i}\n",
                                             seen=seen)
                        break
                    except (ConflictError, NotebookError):  # stale, or SQLite busy
                        continue
                else:
                    raise AssertionError(f"{name}: no write got through in 100 attempts")
        except BaseException as exc:  # reported below: a thread cannot fail the test
            failures.append(exc)

    threads = [threading.Thread(target=append, args=(nb, nb_name))
               for nb, nb_name in ((alice, "a"), (bob, "b"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures
    lines = alice.agreements.get(made.id).summary.splitlines()
    assert sorted(lines) == sorted(f"{n}{i}" for n in "ab" for i in range(rounds))


def test_redo_over_a_colleagues_change_asks(two: tuple[Notebook, Notebook]) -> None:
    """Alice undoes her rename, Bob renames, Alice redoes: a conflict (origin redo)
    instead of overwriting Bob; choosing 'mine' performs the redo."""
    alice, bob = two
    made, _ = alice.agreements.create("Deal")
    alice.agreements.update(made.id, title="Deal A")
    alice.history.undo()
    bob.agreements.update(made.id, title="Deal B", seen=bob.agreements.get(made.id))
    with pytest.raises(ConflictError) as caught:
        alice.history.redo()
    conflict = _conflict(caught)
    assert conflict.origin == "redo" and conflict.their_author == "bob"
    title = conflict.field("title")
    assert (title.base, title.mine, title.theirs) == ("Deal", "Deal A", "Deal B")
    assert alice.agreements.get(made.id).title == "Deal B" and alice.history.can_redo
    alice.conflicts.resolve(caught.value, {"title": "mine"})
    assert alice.agreements.get(made.id).title == "Deal A" and alice.history.can_undo


def test_tag_renamed_by_both_conflicts_and_description_merges(
        two: tuple[Notebook, Notebook]) -> None:
    """Tags: both rename (a conflict naming Alice); Bob's description from the same
    version merges with Alice's name."""
    alice, bob = two
    made, _ = alice.tags.create("Energie")
    seen_a, seen_b = alice.tags.get(made.id), bob.tags.get(made.id)
    assert seen_a.stamp.version == 1
    alice.tags.rename(made.id, "Energy", seen=seen_a)
    bob.tags.set_description(made.id, "oil, gas, uranium", seen=seen_b)
    with pytest.raises(ConflictError) as caught:
        bob.tags.rename(made.id, "Power", seen=seen_b)
    name = _conflict(caught).field("name")
    assert (name.base, name.mine, name.theirs) == ("Energie", "Power", "Energy")
    stored = alice.tags.get(made.id)
    assert (stored.name, stored.description) == ("Energy", "oil, gas, uranium")


def test_refused_delete_kept_as_theirs_writes_nothing(two: tuple[Notebook, Notebook]) -> None:
    """Resolving a refused delete by keeping the colleague's row changes nothing."""
    alice, bob = two
    made, _ = alice.agreements.create("Deal")
    seen_a = alice.agreements.get(made.id)
    bob.agreements.update(made.id, summary="by Bob", seen=bob.agreements.get(made.id))
    with pytest.raises(ConflictError) as caught:
        alice.agreements.delete(made.id, seen=seen_a)
    changes = alice.conflicts.resolve(caught.value, keep_theirs=True)
    assert not changes.agreements
    stored = alice.agreements.get(made.id)
    assert stored.summary == "by Bob" and stored.stamp.version == 2


def test_note_save_landing_between_read_and_write_is_merged_not_dropped(
        two: tuple[Notebook, Notebook], monkeypatch: pytest.MonkeyPatch) -> None:
    """Alice's save commits after Bob's save read the note and before it wrote: Bob's
    line must not be dropped silently (found by the five-client benchmark)."""
    from app.store import notes as store_notes

    alice, bob = two
    note, _ = alice.notes.create("Log", "a\n")
    seen_a, seen_b = alice.notes.get(note.id), bob.notes.get(note.id)
    real_get, fired = store_notes.get, []

    def get_then_alice_saves(session: object, note_id: int) -> object:
        found = real_get(session, note_id)
        if not fired:  # only Bob's first read; Alice's own reads go straight through
            fired.append(True)
            alice.conflicts.save_note(note_id, "a\nalice\n", seen_a)
        return found

    monkeypatch.setattr(store_notes, "get", get_then_alice_saves)
    result = bob.conflicts.save_note(note.id, "bob\na\n", seen_b)
    assert fired
    assert result.outcome == "merged"
    assert alice.notes.get(note.id).body == "bob\na\nalice\n"
