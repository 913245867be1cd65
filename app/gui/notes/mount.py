"""The notes dock and Notes menu on the main window: new note, insert a citation of the
reader's selection, links opening in the reader and the actor views."""

from __future__ import annotations

import functools
import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

if TYPE_CHECKING:  # the window imports this module: a cycle only for the type checker
    from app.gui.window.main_window import MainWindow
from app.gui.notes.view import NotesView

log = logging.getLogger(__name__)


def mount_notes(window: MainWindow) -> tuple[NotesView, QDockWidget]:
    """Add the notes dock (tabbed with the inspector), a Notes menu and "Copy as Citation"
    to the main window, and connect link clicks to the window's readers and views."""
    view = NotesView(window.controller, window)
    dock = window.add_dock("Notes", "NotesDock", view, Qt.DockWidgetArea.RightDockWidgetArea,
                           tab_with=window.inspector_dock, shortcut="Ctrl+Shift+5")
    _connect_links(window, view)
    _add_menu(window, view, dock)
    return view, dock


def _connect_links(window: MainWindow, view: NotesView) -> None:
    view.openArticle.connect(window.open_article)
    view.openPassage.connect(window.open_passage)
    view.openActor.connect(window.open_actor)
    view.openAgreement.connect(window.open_agreement)


def _add_menu(window: MainWindow, view: NotesView, dock: QDockWidget) -> None:
    menu = window.add_menu("notes", "&Notes")
    actions = (("new_note", "&New Note…", functools.partial(_new_note, view, dock),
                "Ctrl+Alt+N"),
               ("copy_citation", "Copy as &Citation", window.reader_area.copy_citation,
                "Ctrl+Shift+C"),
               ("insert_citation", "&Insert Selection as Citation",
                functools.partial(_insert_citation, window, view, dock), "Ctrl+Alt+C"))
    for name, text, slot, keys in actions:
        menu.addAction(window.add_action(name, text, slot, keys))
    menu.addSeparator()
    menu.addAction(dock.toggleViewAction())


def _new_note(view: NotesView, dock: QDockWidget) -> None:
    dock.show()
    dock.raise_()
    view.new_note()


def _insert_citation(window: MainWindow, view: NotesView, dock: QDockWidget) -> None:
    """Cite the reader's selection into the open note."""
    span = window.reader_area.selected_span()
    if span is None or not view.note_id():
        window.statusBar().showMessage("Select a passage and open a note to cite into.", 4000)
        return
    dock.show()
    dock.raise_()
    view.cite_passage(*span)
