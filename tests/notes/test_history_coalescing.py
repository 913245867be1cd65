"""History.record_coalesced and compact: one undo step per burst of autosaves (no DB)."""

from __future__ import annotations

from app.core.changes import Changes
from app.services.history import History, compact
from app.store.ops import Op


def _update(body_old: str, body_new: str) -> Op:
    return Op("update", "note", {"id": 1, "body": body_new}, {"body": body_old})


class Replayer:
    """Records what history asks to replay."""

    def __init__(self) -> None:
        self.calls: list[list[Op]] = []

    def __call__(self, ops: list[Op], label: str) -> Changes:
        self.calls.append(ops)
        return Changes(label=label)


def test_record_coalesced_merges_same_key_within_window() -> None:
    """Two saves of one note 3 s apart become one entry whose undo restores the first old."""
    replay = Replayer()
    history = History(replay)
    assert not history.record_coalesced("edit", [_update("", "a")], "note:1", 10, now=0)
    assert history.record_coalesced("edit", [_update("a", "ab")], "note:1", 10, now=3)
    history.undo()
    assert replay.calls == [[Op("update", "note", {"id": 1, "body": ""}, {"id": 1, "body": "ab"})]]
    assert not history.can_undo


def test_record_coalesced_starts_new_entry_after_pause_or_other_key() -> None:
    """A later save, another key, or a plain edit in between starts a new undo step."""
    history = History(Replayer())
    history.record_coalesced("edit", [_update("", "a")], "note:1", 10, now=0)
    history.record_coalesced("edit", [_update("a", "b")], "note:1", 10, now=30)
    history.record_coalesced("edit", [_update("b", "c")], "note:2", 10, now=31)
    history.record("tag", [Op("insert", "tag", {"id": 5})])
    history.record_coalesced("edit", [_update("c", "d")], "note:2", 10, now=32)
    count = 0
    while history.can_undo:
        history.undo()
        count += 1
    assert count == 5


def test_record_coalesced_clears_redo() -> None:
    """A new autosave after an undo drops the redo stack, like any edit."""
    history = History(Replayer())
    history.record_coalesced("edit", [_update("", "a")], "note:1", 10, now=0)
    history.undo()
    assert history.can_redo
    history.record_coalesced("edit", [_update("", "b")], "note:1", 10, now=1)
    assert not history.can_redo


def test_compact_keeps_inserts_and_deletes_in_order() -> None:
    """Only repeated updates of a row fold; link inserts and deletes stay as they were."""
    link = Op("insert", "note_link", {"id": 7, "note_id": 1})
    ops = [_update("", "a"), link, _update("a", "b"), Op("delete", "note_link", link.row)]
    folded = compact(ops)
    assert folded == [Op("update", "note", {"id": 1, "body": "b"}, {"body": ""}), link,
                      Op("delete", "note_link", link.row)]
