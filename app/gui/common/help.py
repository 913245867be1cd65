"""Offline help: first steps, keyboard shortcuts and the search syntax, in one dialog.

The first-steps and search pages are HTML files in ``resources/help`` (written for people,
kept next to the README); the shortcut page is built from the window's own actions, so it
never lists a shortcut the window does not have.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

HELP_DIR = Path(__file__).resolve().parents[3] / "resources" / "help"
PAGES = (("first-steps", "First Steps"), ("shortcuts", "Keyboard Shortcuts"),
         ("search", "Search Syntax"))


def page_html(name: str) -> str:
    """A help page from ``resources/help`` (a one-line note if it is missing)."""
    path = HELP_DIR / f"{name}.html"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return f"<p>The help page {html.escape(path.name)} is not installed.</p>"


def shortcuts_html(actions: Iterable[QAction]) -> str:
    """A table of every action that has a shortcut, sorted by its menu text."""
    rows = sorted((a.text().replace("&", ""), a.shortcut().toString(
        QKeySequence.SequenceFormat.NativeText)) for a in actions if not a.shortcut().isEmpty())
    body = "".join(f"<tr><td>{html.escape(text)}</td><td><b>{html.escape(keys)}</b></td></tr>"
                   for text, keys in rows)
    return f"<h2>Keyboard shortcuts</h2><table cellpadding='3'>{body}</table>"


class HelpDialog(QDialog):
    """The help pages as tabs; links are shown, never followed (nothing is fetched)."""

    def __init__(self, actions: Iterable[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Dossier Help")
        self.tabs = QTabWidget(self)
        texts = {"shortcuts": shortcuts_html(actions)}
        for name, title in PAGES:
            browser = QTextBrowser(self)
            browser.setOpenLinks(False)
            browser.setObjectName(name)
            browser.setHtml(texts.get(name) or page_html(name))
            self.tabs.addTab(browser, title)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        self.resize(640, 520)

    def show_page(self, name: str) -> None:
        """Bring the page ``name`` (see :data:`PAGES`) to the front."""
        index = next(i for i, (page, _title) in enumerate(PAGES) if page == name)
        self.tabs.setCurrentIndex(index)
        self.show()
        self.raise_()
        self.activateWindow()
