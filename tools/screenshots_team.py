"""Screenshots of a team conflict in the real window at 1400x900 and 1024x700.

Two clients of one notebook: Anna works in the window, Bert (a second handle on the same
notebook, as another desk would be) retitles the agreement Anna's form shows. Anna types
her own title and presses Save: the conflict dialog opens, naming Bert, with base, mine and
theirs. Then Bert's colleague edit arriving live in Anna's library ("Changed by").

Run on an X server of at least 1400x900, e.g.::

    Xvfb :58 -screen 0 1400x900x24 &
    DISPLAY=:58 python3 tools/screenshots_team.py

Writes ``conflict_WxH.png`` and ``live_WxH.png`` into resources/screenshots/. Everything
lives in a temporary folder: the user's notebooks and layout are never touched.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QSettings  # noqa: E402 - after the sys.path fix
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QPushButton  # noqa: E402

from app.core.records import ArticleMeta  # noqa: E402
from app.gui.actors.agreements_view import AgreementsView  # noqa: E402
from app.gui.app import make_application  # noqa: E402
from app.gui.common.controller import NotebookController  # noqa: E402
from app.gui.team.conflict_dialog import ConflictDialog  # noqa: E402
from app.gui.window.main_window import MainWindow  # noqa: E402
from app.services import Notebook  # noqa: E402
from tools.screenshots_sizes import OUT, SIZES, dock, settle, shot  # noqa: E402


def conflict(window: MainWindow, anna: Notebook, bert: Notebook,
             size: tuple[int, int]) -> None:
    """Anna's Save over Bert's newer title opens the conflict dialog."""
    panel = dock(window, "Agreements")
    panel.show()
    panel.raise_()
    panel.setFloating(True)
    panel.setGeometry(30, 30, size[0] - 60, size[1] - 60)
    view = panel.findChild(AgreementsView)
    assert view is not None
    agreement = anna.agreements.list()[0]
    assert view.select_agreement(agreement.id)
    settle(800)
    bert.agreements.update(agreement.id, title=agreement.title + " (signed)",
                           seen=bert.agreements.get(agreement.id))
    view.title_edit.setText(agreement.title + " – framework")
    save = view.findChild(QPushButton, "saveAgreement")
    assert save is not None
    save.click()
    settle(800)
    dialogs = [d for d in window.findChildren(ConflictDialog) if d.isVisible()]
    if not dialogs:
        raise SystemExit("no conflict dialog opened")
    dialogs[0].move(max(0, (size[0] - dialogs[0].width()) // 2), 80)
    shot(f"conflict_{size[0]}x{size[1]}.png", size)
    dialogs[0].choose("title", "theirs")
    dialogs[0].save_choice()
    panel.setFloating(False)


def live(window: MainWindow, anna: Notebook, bert: Notebook, size: tuple[int, int]) -> None:
    """Bert corrects an article's title; Anna's library shows it within the live interval."""
    first = anna.articles.list(limit=1).items[0]
    seen = bert.articles.get(first.id)
    row = seen.summary
    meta = ArticleMeta(title=row.title + " (Bert's correction)", language=row.language,
                       outlet=row.outlet, url=row.url, author=row.author,
                       published=row.published, original_name=row.original_name)
    bert.articles.update_meta(first.id, meta, seen=seen)
    settle(3500)  # the SQLite poll runs every 2 s
    shot(f"live_{size[0]}x{size[1]}.png", size)


def main() -> int:
    app = make_application()
    for size in SIZES:
        with tempfile.TemporaryDirectory() as tmp:
            shared = Path(tmp) / "Team notebook"
            Notebook.open_demo(shared).close()
            anna = Notebook.open(shared, index_dir=Path(tmp) / "index-anna", author="anna",
                                 background=True)  # as the app opens it: live on
            bert = Notebook.open(shared, index_dir=Path(tmp) / "index-bert", author="bert")
            anna.search.flush()
            settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
            window = MainWindow(NotebookController(anna), settings)
            window.setGeometry(0, 0, *size)
            window.show()
            QTest.qWaitForWindowExposed(window)
            settle(1500)
            conflict(window, anna, bert, size)
            live(window, anna, bert, size)
            window.close()
            window.deleteLater()
            settle(200)
            bert.close()
            anna.close()
    app.quit()
    QApplication.processEvents()
    print(f"screenshots in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
