"""The main window: its menus and actions, docks, and the session state it restores."""
