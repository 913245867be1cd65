"""The main window's actions, shortcuts and menus, declared in one place.

Every action is named (``window.menu_actions[name]``) and added to the window itself, so
its shortcut works with the menu bar hidden. Views mounted later (notes, actors,
corrections) add theirs through :class:`~app.gui.window.base.WindowBase`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence

from app.gui.common.about import APP_NAME
from app.gui.exchange.mount import mount_exchange
from app.gui.team.mount import mount_team

if TYPE_CHECKING:
    from app.gui.window.main_window import MainWindow


def build_actions(window: MainWindow) -> None:
    """Create the File, Edit, View, Annotate, Window and Help actions."""
    _file_actions(window)
    _edit_actions(window)
    _view_actions(window)
    _annotate_window_help_actions(window)


def _file_actions(window: MainWindow) -> None:
    keys = QKeySequence.StandardKey
    window.add_action("new_notebook", "&New Notebook…", window.new_notebook, "Ctrl+Shift+N")
    window.add_action("open_notebook", "&Open Notebook…", window.choose_notebook, keys.Open)
    window.add_action("import_files", "&Import Files…", window.choose_import_files, "Ctrl+I")
    window.add_action(
        "import_folder", "Import &Folder…", window.choose_import_folder, "Ctrl+Shift+I"
    )
    window.add_action("quit", "&Quit", window.close, keys.Quit)


def _edit_actions(window: MainWindow) -> None:
    window.add_action("undo", "&Undo", window.controller.undo, "Ctrl+Z")
    window.add_action("redo", "&Redo", window.controller.redo, "Ctrl+Shift+Z")
    window.add_action("find", "&Find in Article…", window.reader_area.show_find_bar, "Ctrl+F")
    window.add_action("find_next", "Find &Next", window.reader_area.find_next, "Ctrl+G")
    window.add_action(
        "find_previous", "Find Pre&vious", window.reader_area.find_previous, "Ctrl+Shift+G"
    )
    window.add_action("search", "&Search Notebook…", window.focus_search, "Ctrl+K")
    window.add_action("next_hit", "Next Search &Hit", window.reader_area.next_hit, "F8")
    window.add_action(
        "previous_hit", "Previous Search Hi&t", window.reader_area.previous_hit, "Shift+F8"
    )
    window.add_action("edit_metadata", "Edit &Metadata…", window.edit_metadata, "Ctrl+Shift+M")
    window.add_action("delete_article", "&Delete Article…", window.delete_article, "Ctrl+Shift+Del")


def _view_actions(window: MainWindow) -> None:
    sync = window.add_action("sync_scrolling", "&Synchronised Scrolling",
                             window.reader_area.set_sync_scrolling, "Ctrl+Shift+S")
    sync.setCheckable(True)


def _annotate_window_help_actions(window: MainWindow) -> None:
    window.add_action("quick_tag", "&Quick Tag…", window.reader_area.quick_tag, "Ctrl+T")
    window.add_action("tag_manager", "&Tag Manager…", window.show_tag_manager, "Ctrl+Shift+T")
    window.add_action("new_pane", "Open in &New Pane", window.open_in_new_pane, "Ctrl+\\")
    window.add_action("close_pane", "&Close Pane", window.reader_area.close_current_pane, "Ctrl+W")
    window.add_action("next_pane", "Ne&xt Pane", window.focus_next_pane, "Ctrl+PgDown")
    window.add_action("focus_library", "Go to &Library", window.focus_library, "Ctrl+1")
    window.add_action("focus_reader", "Go to &Reader", window.focus_reader, "Ctrl+2")
    window.add_action("focus_inspector", "Go to &Inspector", window.focus_inspector, "Ctrl+3")
    window.add_action(
        "focus_search", "Go to &Search Results", window.focus_search_results, "Ctrl+4"
    )
    window.add_action("help_first_steps", "&First Steps", window.show_first_steps, "F1")
    window.add_action("help_shortcuts", "&Keyboard Shortcuts", window.show_shortcuts)
    window.add_action("help_search", "&Search Syntax", window.show_search_help)
    window.add_action("about", f"&About {APP_NAME}", window.show_about)


def build_menus(window: MainWindow) -> None:
    """The menu bar: File, Edit, View, Annotate, Window, Help (later menus go before Help)."""
    a = window.menu_actions
    file_menu = window.new_menu("file", "&File")
    file_menu.addActions([a["new_notebook"], a["open_notebook"]])
    window.recent_menu = file_menu.addMenu("Recent &Notebooks")
    window.recent_menu.aboutToShow.connect(window.fill_recent_menu)
    file_menu.addSeparator()
    file_menu.addActions([a["import_files"], a["import_folder"]])
    file_menu.addSeparator()
    file_menu.addAction(a["quit"])
    window.edit_menu = window.new_menu("edit", "&Edit")
    window.edit_menu.aboutToShow.connect(window.update_actions)
    window.add_groups(
        window.edit_menu,
        [
            ["undo", "redo"],
            ["find", "find_next", "find_previous"],
            ["search", "next_hit", "previous_hit"],
            ["edit_metadata", "delete_article"],
        ],
    )
    view_menu = window.new_menu("view", "&View")
    view_menu.addAction(a["sync_scrolling"])
    view_menu.addSeparator()
    view_menu.addMenu(window.side_bars.menu)  # collapse any dock to its edge
    view_menu.addSeparator()
    for dock in (window.library_dock, window.inspector_dock, window.search_dock):
        view_menu.addAction(dock.toggleViewAction())
    window.new_menu("annotate", "&Annotate")
    window.add_groups(window.menu("annotate"), [["quick_tag", "tag_manager"]])
    window.new_menu("window", "&Window")
    window.add_groups(
        window.menu("window"),
        [
            ["new_pane", "close_pane", "next_pane"],
            ["focus_library", "focus_reader", "focus_inspector", "focus_search"],
        ],
    )
    window.new_menu("help", "&Help")
    window.add_groups(window.menu("help"),
                     [["help_first_steps", "help_shortcuts", "help_search"], ["about"]])
    mount_exchange(window)  # File > Import / Export (REFI-QDA and the export formats)
    mount_team(window)  # File > Share on Server / Open Shared Notebook, read-only, live
