"""Take screenshots of the main window on the demo notebook (run under xvfb-run).

Usage::

    xvfb-run -a -s "-screen 0 1600x1000x24" python3 tools/screenshots.py [OUT_DIR]

Writes ``library.png``, ``side_by_side.png`` and ``search.png`` (default folder
``resources/screenshots``). The demo notebook and the window settings live in a
temporary folder, so the user's own notebooks and layout are never touched.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QSettings  # noqa: E402 - after the sys.path fix
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.gui.app import make_application  # noqa: E402
from app.gui.common.controller import NotebookController  # noqa: E402
from app.gui.window.main_window import MainWindow  # noqa: E402
from app.services import Notebook  # noqa: E402

SIZE = (1500, 920)


def settle(ms: int = 300) -> None:
    """Let layouts, highlighters and paints finish before grabbing."""
    QApplication.processEvents()
    QTest.qWait(ms)


def save(window: MainWindow, out: Path, name: str) -> None:
    """Grab the window as it is on screen and write ``name``."""
    settle()
    path = out / name
    window.grab().save(str(path))
    print(f"wrote {path}")


def two_articles(nb: Notebook) -> list[int]:
    """Ids of two articles to show side by side: the most highlighted, different languages."""
    summaries = sorted(nb.articles.list(limit=50).items, key=lambda s: -s.highlight_count)
    first = summaries[0]
    other = next((s for s in summaries[1:] if s.language != first.language), summaries[1])
    return [int(first.id), int(other.id)]


def show_first_highlight(window: MainWindow, nb: Notebook, article_id: int) -> None:
    """Click-equivalent: show the article's first tagged highlight in the inspector."""
    highlights = [h for h in nb.annotations.highlights_for(article_id) if h.tag_ids]
    if highlights:
        window.inspector.show_highlight(highlights[0].id)


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else ROOT / "resources" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    app = make_application()
    with tempfile.TemporaryDirectory() as tmp:
        nb = Notebook.open_demo(Path(tmp) / "Demo notebook")
        nb.search.flush()
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(NotebookController(nb), settings)
        window.resize(*SIZE)
        window.show()
        QTest.qWaitForWindowExposed(window)
        window.focus_library()
        save(window, out, "library.png")
        first, second = two_articles(nb)
        window.open_article(first)
        window.open_article(second, new_pane=True)
        window.reader_area.set_sync_scrolling(True)
        show_first_highlight(window, nb, second)
        save(window, out, "side_by_side.png")
        window.focus_search()
        window.search_panel.query_edit.setText("Tokajew")
        window.search_panel.run_query()
        window.search_panel.wait()
        window.search_panel.activate_current()
        save(window, out, "search.png")
        window.close()
        nb.close()
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
