"""The window's live relay drops an update of a notebook it no longer shows: the watcher
queues updates to the GUI thread, and one queued just before the window switched (or
closed) notebooks names records of the old notebook, which the views must not look up in
the new one. Found by tools/screenshots_team.py: a closed notebook's update reloaded the
library from a deleted folder."""

from __future__ import annotations

import datetime as dt

from app.core.changelog import ChangedBy, LiveUpdate
from app.core.changes import Changes
from app.gui.team.mount import TeamActions


def _update(article_id: int) -> LiveUpdate:
    stamp = ChangedBy("bert", dt.datetime.now(dt.UTC), 7)
    return LiveUpdate(changes=Changes(articles=frozenset({article_id})), first_seq=7,
                      last_seq=7, authors=("bert",),
                      changed_by=((("article", article_id), stamp),))


def test_update_queued_for_the_previous_notebook_is_dropped(qtbot, make_window, notebook,
                                                            demo_notebook):
    """After the window follows another notebook, the old watcher's update changes
    nothing; the new watcher's update reaches the views with the colleague's name."""
    window = make_window(notebook)
    team = window.findChild(TeamActions)
    assert team is not None
    team.attach()
    old = team.live._watched
    window.controller.set_notebook(demo_notebook)
    team.attach()
    announced: list[Changes] = []
    window.controller.changed.connect(announced.append)

    team.live.arrived.emit(old, _update(1))
    qtbot.wait(50)
    assert announced == [] and team.live.last_text == ""

    team.live.arrived.emit(demo_notebook.live, _update(2))
    qtbot.waitUntil(lambda: len(announced) == 1, timeout=5000)
    assert announced[0].articles == frozenset({2})
    assert team.live.last_text.startswith("Changed by bert")
