"""Screenshots of the quick-tag popup, network, timeline and notes at 1400x900 and 1024x700.

Run on an X server of at least 1400x900, e.g.::

    Xvfb :58 -screen 0 1400x900x24 &
    DISPLAY=:58 python3 tools/screenshots_sizes.py

Writes ``quicktag_WxH.png``, ``network_WxH.png``, ``timeline_WxH.png`` and
``notes_WxH.png`` into resources/screenshots/. The demo notebook and the window settings live
in a temporary folder, so the user's own notebooks and layout are never touched.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QSettings  # noqa: E402 - after the sys.path fix
from PySide6.QtGui import QTextCursor  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QDockWidget  # noqa: E402

from app.gui.app import make_application  # noqa: E402
from app.gui.common.controller import NotebookController  # noqa: E402
from app.gui.window.main_window import MainWindow  # noqa: E402
from app.services import Notebook  # noqa: E402

SIZES = ((1400, 900), (1024, 700))
OUT = ROOT / "resources" / "screenshots"


def settle(ms: int = 600) -> None:
    """Let layouts, highlighters and paints finish before grabbing."""
    QApplication.processEvents()
    QTest.qWait(ms)


def shot(name: str, size: tuple[int, int]) -> None:
    """Grab the screen's top-left ``size`` (the window and any popup over it)."""
    settle()
    QApplication.primaryScreen().grabWindow(0, 0, 0, *size).save(str(OUT / name))
    print(f"wrote {OUT / name}")


def dock(window: MainWindow, title: str) -> QDockWidget:
    """The window's dock whose title starts with ``title``."""
    for found in window.findChildren(QDockWidget):
        if found.windowTitle().startswith(title):
            return found
    raise SystemExit(f"no dock named {title}")


def quick_tag(window: MainWindow, nb: Notebook, size: tuple[int, int]) -> None:
    """Select a passage of the most highlighted article and type a new tag path."""
    first = max(nb.articles.list(limit=50).items, key=lambda s: s.highlight_count)
    window.open_article(first.id)
    settle(1500)
    pane = window.reader_area.current_pane()
    assert pane is not None
    cursor = pane.view.textCursor()
    cursor.setPosition(200)
    cursor.setPosition(232, QTextCursor.MoveMode.KeepAnchor)
    pane.view.setTextCursor(cursor)
    window.reader_area.quick_tag()
    settle()
    popup = window.reader_area.quick_tag_popup()
    assert popup is not None
    QTest.keyClicks(popup.edit, "Diplomatie/Bot")
    shot(f"quicktag_{size[0]}x{size[1]}.png", size)
    popup.close()


def floated(window: MainWindow, title: str, size: tuple[int, int]) -> None:
    """Float a bottom dock over the window (it is short when docked) and grab it."""
    panel = dock(window, title)
    panel.show()
    panel.raise_()
    panel.setFloating(True)
    panel.setGeometry(40, 40, size[0] - 80, size[1] - 80)
    settle(3000)
    shot(f"{title.lower()}_{size[0]}x{size[1]}.png", size)
    panel.setFloating(False)


def main() -> int:
    app = make_application()
    for size in SIZES:
        with tempfile.TemporaryDirectory() as tmp:
            nb = Notebook.open_demo(Path(tmp) / "Demo notebook")
            nb.search.flush()
            settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
            window = MainWindow(NotebookController(nb), settings)
            window.setGeometry(0, 0, *size)
            window.show()
            QTest.qWaitForWindowExposed(window)
            settle(1500)
            quick_tag(window, nb, size)
            for title in ("Network", "Timeline"):
                floated(window, title, size)
            notes = nb.notes.list()
            if notes:
                window.open_note(notes[0].id)
                settle(1500)
                shot(f"notes_{size[0]}x{size[1]}.png", size)
            window.close()
            nb.close()
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
