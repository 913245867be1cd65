"""A conflicting edit: the dialog shows each field both sides changed with base / mine /
theirs and the colleague's name and time, and writes the user's choice per field."""

from __future__ import annotations

import functools

import pytest

from app.gui.team.conflict_dialog import ConflictDialog, note_save_text
from app.gui.team.mount import TeamActions
from tests import pg

pytestmark = pytest.mark.postgres


def _team(window) -> TeamActions:
    found = window.findChild(TeamActions)
    assert found is not None
    return found


def _clients(pg_url, tmp_path):
    mine = pg.open_pg_notebook(pg_url, tmp_path, "mine", author="me")
    theirs = pg.open_pg_notebook(pg_url, tmp_path, "theirs", author="colleague")
    return mine, theirs


def _edit_both(mine, theirs):
    """Both clients read one agreement; the colleague retitles and re-summarises it, then
    this user edits the same fields based on what they saw."""
    agreement, _ = mine.agreements.create("Wind deal", summary="Draft")
    seen = mine.agreements.get(agreement.id)
    theirs.agreements.update(agreement.id, title="Wind pact", summary="Signed",
                             seen=theirs.agreements.get(agreement.id))
    return agreement.id, seen


@pytest.mark.postgres
def test_conflict_dialog_shows_fields_and_writes_choice(qtbot, make_window, pg_url, tmp_path):
    """The edit becomes a dialog naming the colleague; choosing mine for the title and
    theirs for the summary stores exactly that."""
    mine, theirs = _clients(pg_url, tmp_path)
    try:
        window = make_window(mine)
        team = _team(window)
        agreement_id, seen = _edit_both(mine, theirs)
        result = window.controller.edit(functools.partial(
            mine.agreements.update, agreement_id, title="Wind agreement",
            summary="Ratified", seen=seen), window)
        assert result is None
        dialog = team.conflict_dialog
        assert isinstance(dialog, ConflictDialog)
        assert "changed by colleague at " in dialog.heading.text()
        fields = dialog.fields()
        assert sorted(fields) == ["summary", "title"]
        labels = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
        assert sorted(labels) == ["Summary", "Title"]
        row = fields.index("title")
        assert [dialog.table.cellWidget(row, c).text() for c in (1, 2, 3)] == [
            "Wind deal", "Wind agreement", "Wind pact"]
        dialog.choose("summary", "theirs")
        assert dialog.choices() == {"title": "mine", "summary": "theirs"}
        with qtbot.waitSignal(window.controller.changed, timeout=5000):
            assert dialog.save_choice()
        stored = theirs.agreements.get(agreement_id)
        assert (stored.title, stored.summary) == ("Wind agreement", "Signed")
    finally:
        window.runner.wait(10_000)
        theirs.close()
        mine.close()


@pytest.mark.postgres
def test_conflict_keep_theirs_writes_nothing(qtbot, make_window, pg_url, tmp_path):
    """Keep Theirs closes the dialog and leaves the colleague's values."""
    mine, theirs = _clients(pg_url, tmp_path)
    try:
        window = make_window(mine)
        team = _team(window)
        agreement_id, seen = _edit_both(mine, theirs)
        window.controller.edit(functools.partial(
            mine.agreements.update, agreement_id, title="Mine", seen=seen), window)
        dialog = team.conflict_dialog
        assert dialog is not None and dialog.choices() == {"title": "mine"}
        dialog.reject()
        stored = mine.agreements.get(agreement_id)
        assert stored.title == "Wind pact"
    finally:
        window.runner.wait(10_000)
        theirs.close()
        mine.close()


@pytest.mark.postgres
def test_note_conflict_copy_is_named(qtbot, pg_url, tmp_path):
    """Overlapping note edits: the text names the conflict copy that keeps this user's
    version; non-overlapping ones say they were merged."""
    mine, theirs = _clients(pg_url, tmp_path)
    try:
        note, _ = mine.notes.create("Briefing", "line one\nline two\n")
        seen = mine.notes.get(note.id)
        theirs.conflicts.save_note(note.id, "line one\nTHEIR two\n", theirs.notes.get(note.id))
        save = mine.conflicts.save_note(note.id, "line one\nMY two\n", seen)
        assert save.outcome == "copied"
        assert note_save_text(save) == (
            "A colleague changed the same lines meanwhile: your text was saved as a conflict "
            f"copy (note {save.copy_id}), linked to this note.")
        other, _ = mine.notes.create("Sources", "first\nsecond\n")
        seen = mine.notes.get(other.id)
        theirs.conflicts.save_note(other.id, "first\nTHEIR second\n",
                                   theirs.notes.get(other.id))
        merged = mine.conflicts.save_note(other.id, "MY first\nsecond\n", seen)
        assert merged.outcome == "merged"
        assert merged.note.body == "MY first\nTHEIR second\n"
        assert note_save_text(merged) == ("Saved, merged with a colleague's changes to other "
                                          "lines of this note.")
    finally:
        theirs.close()
        mine.close()
