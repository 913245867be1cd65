"""File > Share on Server…: the open notebook is copied to a new database on the server off
the GUI thread, with progress and a report; a database that is not empty is refused in one
line and keeps what it holds."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from app.gui.team.credentials import ServerDetails
from app.gui.team.mount import TeamActions
from tests import pg

pytestmark = pytest.mark.postgres


def _team(window) -> TeamActions:
    found = window.findChild(TeamActions)
    assert found is not None
    return found


def _share(qtbot, window, pg_url: str, remember: bool = False):
    details = ServerDetails.from_url(pg_url)
    assert details is not None
    dialog = _team(window).share(details, urlsplit(pg_url).password or "", remember)
    with qtbot.waitSignal(dialog.task.finished, timeout=60_000):
        pass
    return dialog, details


@pytest.mark.postgres
def test_share_on_server_copies_the_notebook(qtbot, demo_notebook, make_window, pg_url,
                                             tmp_path, memory_keyring):
    """Every article, highlight, tag and note arrives on the server; the report names the
    server without the password; Open Shared Notebook switches the window to it."""
    window = make_window(demo_notebook)
    dialog, details = _share(qtbot, window, pg_url)
    assert dialog.error == ""
    password = urlsplit(pg_url).password
    assert dialog.summary_label.text().startswith(f"Shared on {details.url()}:")
    assert f":{password}@" not in dialog.report.text
    with pg.open_pg_notebook(pg_url, tmp_path, "check") as shared:
        assert shared.articles.list().total == demo_notebook.articles.list().total
        assert [t.path for t in shared.tags.list()] == [t.path for t in demo_notebook.tags.list()]
        assert len(shared.notes.list()) == len(demo_notebook.notes.list())
    buttons = [b.text() for b in dialog.buttons.buttons()]
    assert "Open Shared Notebook" in buttons
    try:
        assert _team(window).open_published()
        assert window.nb.url.startswith("postgresql")
    finally:
        window.runner.wait(10_000)
        if window.nb is not demo_notebook:
            window.nb.close()


@pytest.mark.postgres
def test_share_into_non_empty_database_refused_in_one_line(qtbot, demo_notebook, make_window,
                                                          pg_url, tmp_path, memory_keyring):
    """A database that already holds a notebook is left as it is; one line says why."""
    with pg.open_pg_notebook(pg_url, tmp_path, "other") as other:
        other.tags.create("Theirs")
    window = make_window(demo_notebook)
    dialog, _ = _share(qtbot, window, pg_url)
    assert dialog.result is None
    assert "already holds a notebook" in dialog.error and "\n" not in dialog.error
    with pg.open_pg_notebook(pg_url, tmp_path, "check") as shared:
        assert [t.path for t in shared.tags.list()] == ["Theirs"]
        assert shared.articles.list().total == 0


def test_share_to_unreachable_server_fails_in_one_line(qtbot, notebook, make_window,
                                                       memory_keyring):
    """No server at that port: the dialog says so in one line, nothing else happens."""
    window = make_window(notebook)
    details = ServerDetails("127.0.0.1", 1, "nowhere", "nobody")
    dialog = _team(window).share(details, "x", remember=True)
    with qtbot.waitSignal(dialog.task.finished, timeout=60_000):
        pass
    assert dialog.result is None and dialog.error
    assert "\n" not in dialog.error
    assert memory_keyring.passwords == {}
