"""The About box: what Dossier is, its version, and the libraries it stands on."""

from __future__ import annotations

import html
import platform
from importlib import metadata

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

APP_NAME = "Dossier"
#: Libraries credited in the About box (distribution names).
CREDITS = (
    "SQLAlchemy",
    "alembic",
    "whoosh-reloaded",
    "trafilatura",
    "pypdf",
    "python-docx",
    "lingua-language-detector",
    "PyStemmer",
    "rapidfuzz",
    "nh3",
    "Markdown",
    "platformdirs",
)


def app_version() -> str:
    """Installed version of Dossier, or "development" when run from a checkout."""
    try:
        return metadata.version("dossier")
    except metadata.PackageNotFoundError:
        return "development"


def _library_line(name: str) -> str:
    try:
        return f"{name} {metadata.version(name)}"
    except metadata.PackageNotFoundError:
        return name


def about_html() -> str:
    """The About text: purpose, versions and credits (escaped rich text)."""
    libs = ", ".join(html.escape(_library_line(n)) for n in CREDITS)
    return (
        f"<h3>{APP_NAME} {html.escape(app_version())}</h3>"
        "<p>A research notebook for news analysts: import articles in German and "
        "English, read them side by side, highlight and tag passages, and search "
        "everything.</p>"
        f"<p>Python {html.escape(platform.python_version())}, Qt {html.escape(qVersion())}, "
        f"PySide6 {html.escape(pyside_version)}</p>"
        f"<p><small>Built with {libs}.</small></p>"
    )


def make_about_box(parent: QWidget | None = None) -> QMessageBox:
    """A non-modal-ready About message box (the caller shows or execs it)."""
    box = QMessageBox(parent)
    box.setWindowTitle(f"About {APP_NAME}")
    box.setIcon(QMessageBox.Icon.Information)
    box.setText(about_html())
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    return box
