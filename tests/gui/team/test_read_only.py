"""A reader's window is read-only and says so: the banner names the reason and every
editing action is disabled, even when a view tries to enable one."""

from __future__ import annotations

import pytest

from app.core.access import Access, Role
from app.gui.team.mount import TeamActions
from app.gui.team.readonly import read_only_text
from tests.team.roles_support import (
    PASSWORD,
    open_as,
    team_db_fixture,  # noqa: F401  (fixture)
)


def _team(window) -> TeamActions:
    found = window.findChild(TeamActions)
    assert found is not None
    return found


@pytest.mark.postgres
def test_reader_window_is_read_only_and_says_so(qtbot, make_window, team_db, tmp_path):
    """A reader: the banner says so, Quick Tag/Import/Undo are disabled (and stay so when
    re-enabled by a view), searching and exporting stay available."""
    reader = team_db.user("reader")
    with open_as(team_db, tmp_path) as owner:
        owner.tags.create("Politik")
        owner.team.add(reader, Role.READER, PASSWORD)
    nb = open_as(team_db, tmp_path, reader)
    try:
        window = make_window(nb, show=True)
        team = _team(window)
        qtbot.waitUntil(lambda: team.guard.read_only, timeout=5000)
        assert team.guard.label.text() == ("Read-only: you are a reader of this notebook "
                                           "(an owner can make you an editor)")
        assert team.guard.bar.isVisible()
        disabled = team.guard.disabled_actions()
        for name in ("quick_tag", "import_files", "import_qdpx", "delete_article",
                     "edit_metadata", "new_note", "undo"):
            assert name in disabled
        for name in ("search", "find", "export_qdpx", "export_highlights", "open_notebook"):
            assert name not in disabled
        window.menu_actions["quick_tag"].setEnabled(True)  # as a selection would
        assert not window.menu_actions["quick_tag"].isEnabled()
    finally:
        window.runner.wait(10_000)
        nb.close()


def test_owner_window_has_no_banner(qtbot, notebook, make_window):
    """A notebook one may edit: no banner, Quick Tag follows the views as before."""
    window = make_window(notebook, show=True)
    team = _team(window)
    qtbot.wait(50)
    assert not team.guard.read_only
    assert not team.guard.bar.isVisible()
    assert "import_files" not in team.guard.disabled_actions()


def test_newer_schema_banner_names_the_version_to_install():
    """A notebook upgraded by a newer Dossier: the banner says which version to install."""
    reason = ("read-only: this notebook was upgraded by Dossier 9.1 (schema 0042); install "
              "Dossier 9.1 or newer to edit it")
    text = read_only_text(Access("anna", Role.OWNER, reason, is_shared=True))
    assert text == ("Read-only: this notebook was upgraded by Dossier 9.1 (schema 0042); "
                    "install Dossier 9.1 or newer to edit it")
    assert read_only_text(Access("anna", Role.EDITOR, "", is_shared=True)) == ""
