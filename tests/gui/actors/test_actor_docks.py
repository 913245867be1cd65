"""The actor docks come forward when shown from the Window/Actors menu or a shortcut."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def test_showing_actors_dock_from_its_toggle_brings_it_forward(qtbot, notebook, make_window):
    """Hidden, then shown again with its toggle action (Ctrl+Shift+6): the actors dock is
    the visible tab, not left behind the inspector."""
    window = make_window(notebook, show=True)
    views = window.actor_views
    toggle = views.actors_dock.toggleViewAction()
    toggle.trigger()
    assert not views.actors_dock.isVisible()
    window.inspector_dock.raise_()
    toggle.trigger()
    qtbot.waitUntil(lambda: not views.actors_view.visibleRegion().isEmpty())
    assert window.inspector_dock.widget().visibleRegion().isEmpty()
