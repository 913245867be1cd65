"""Correcting article texts from the main window (issue 12): actions, menus and dock.

:func:`mount_corrections` adds to the window "Edit Text" (the focused pane's edit mode,
:mod:`app.gui.corrections.edit_mode`), "Trim Above Selection" and "Trim Below Selection" (one
undoable edit each), "Revisions…" (:mod:`app.gui.corrections.revisions_dialog`) to the Edit menu and
the reader's right-click menu, and the "Needs Review" dock
(:mod:`app.gui.corrections.review_panel`) tabbed with the inspector.
"""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from app.gui.corrections.edit_mode import report_text, show_status
from app.gui.corrections.review_panel import ReviewPanel
from app.gui.corrections.revisions_dialog import RevisionsDialog

if TYPE_CHECKING:
    from app.gui.window.main_window import MainWindow

log = logging.getLogger(__name__)


def mount_corrections(window: MainWindow) -> tuple[ReviewPanel, QDockWidget]:
    """Add the text-correction actions and the Needs Review dock to ``window``."""
    panel = ReviewPanel(window.controller, window.reader_area.selected_span, window)
    dock = window.add_dock("Needs Review", "ReviewDock", panel,
                           Qt.DockWidgetArea.RightDockWidgetArea,
                           tab_with=window.inspector_dock, shortcut="Ctrl+Shift+R")
    panel.openPassage.connect(window.open_passage)
    panel.countChanged.connect(
        lambda count: dock.setWindowTitle(f"Needs Review ({count})" if count else "Needs Review"))
    panel.refresh()  # the title counts the orphans from the start
    actions = [
        window.add_action("edit_text", "&Edit Text", functools.partial(edit_text, window),
                          "Ctrl+Shift+E"),
        window.add_action("trim_above", "Trim A&bove Selection",
                          functools.partial(trim, window, above=True)),
        window.add_action("trim_below", "Trim Belo&w Selection",
                          functools.partial(trim, window, above=False)),
        window.add_action("revisions", "Re&visions…", functools.partial(show_revisions, window)),
    ]
    menu = window.menu("edit")
    menu.addSeparator()
    menu.addActions(actions)
    window.reader_area.set_text_actions(actions)
    return panel, dock


def edit_text(window: MainWindow) -> bool:
    """Turn the focused reader pane into an editor (Save/Cancel bar above it)."""
    pane = window.reader_area.current_pane()
    if pane is None or not pane.view.article_id:
        show_status(window, "Open an article to edit its text.")
        return False
    return pane.edit_bar.start()


def trim(window: MainWindow, *, above: bool) -> bool:
    """Remove the text above the selection's start (or below its end): one undoable edit."""
    span = window.reader_area.selected_span()
    view = window.reader_area.current_view()
    where = "above" if above else "below"
    if span is None or view is None:
        show_status(window, f"Select the first {'line to keep' if above else 'words to drop'}"
                    f" first: the text {where} it is removed.")
        return False
    article_id, start, end = span
    cut = start if above else end
    if not 0 < cut < len(view.text):
        show_status(window, f"There is nothing {where} the selection to trim.")
        return False
    service = window.nb.revisions
    method = service.trim_above if above else service.trim_below
    # the cut counts in the text the reader shows: a colleague's edit since merges
    report = window.controller.edit(functools.partial(method, article_id, cut,
                                                      base=view.text), window)
    if report is None:
        return False
    show_status(window, report_text(report, f"Trimmed {where} the selection"))
    return True


def show_revisions(window: MainWindow) -> RevisionsDialog | None:
    """Open the revisions of the focused pane's article."""
    view = window.reader_area.current_view()
    if view is None or not view.article_id:
        show_status(window, "Open an article to see its revisions.")
        return None
    dialog = RevisionsDialog(window.controller, view.article_id, view.title, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
