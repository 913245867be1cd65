"""Library model and panel: lazy paging, sorting and filtering through the service."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.core.changes import Changes
from app.core.ids import ArticleId
from app.core.records import ArticleFilter, ArticleSummary, Page
from app.gui.common.controller import NotebookController
from app.gui.library.model import HIGHLIGHTS_COLUMN, LibraryModel
from app.gui.library.panel import LibraryPanel

_NOW = dt.datetime(2025, 11, 6, 12, 0)
_ALL = ArticleFilter()


def _summary(i: int) -> ArticleSummary:
    return ArticleSummary(
        id=ArticleId(i),
        title=f"Article {i:06d}",
        language="de" if i % 2 else "en",
        outlet=f"Outlet {i % 3}",
        url="",
        author="",
        published=f"2025-{i % 12 + 1:02d}",
        original_name=f"a{i}.txt",
        imported_at=_NOW,
        char_count=100,
        highlight_count=i % 4,
    )


@dataclass
class _SizedArticles:
    """Articles service over generated summaries: only what it is asked for exists.

    Real notebooks are used where behaviour matters; this one lets a test have
    100,000 rows in no time and count how many the model asked for.
    """

    size: int
    list_calls: list[tuple[int, int]] = field(default_factory=list)

    def _rows(self, flt: ArticleFilter) -> list[int]:
        ids = range(1, self.size + 1)
        if flt.languages:
            ids = [i for i in ids if _summary(i).language in flt.languages]
        return list(reversed(ids)) if flt.descending else list(ids)

    def count(self, flt: ArticleFilter = _ALL) -> int:
        return len(self._rows(flt))

    def list(self, flt: ArticleFilter = _ALL, offset: int = 0, limit: int = 200):
        self.list_calls.append((offset, limit))
        if flt.languages:
            ids = self._rows(flt)[offset : offset + limit]
        elif flt.descending:
            ids = range(self.size - offset, max(self.size - offset - limit, 0), -1)
        else:
            ids = range(offset + 1, min(offset + limit, self.size) + 1)
        return Page(tuple(_summary(i) for i in ids), self.size, offset, limit)

    def outlets(self) -> list[str]:
        return ["Outlet 0", "Outlet 1", "Outlet 2"]

    def languages(self) -> list[str]:
        return ["de", "en"]


class _Tags:
    def list(self) -> list:
        return []


class _SizedNotebook:
    def __init__(self, size: int) -> None:
        self.articles = _SizedArticles(size)
        self.tags = _Tags()


@pytest.fixture
def big_controller(qtbot):
    return NotebookController(_SizedNotebook(100_000))


def test_model_passes_qtmodeltester_when_paged(qtmodeltester, big_controller):
    """The lazy model obeys Qt's model contract."""
    big_controller.nb.articles.size = 450
    model = LibraryModel(big_controller)
    qtmodeltester.check(model, force_py=True)


def test_model_stays_lazy_when_showing_100k_rows(qtbot, big_controller):
    """A view over 100,000 rows fetches only the pages it shows, even after a jump to the end."""
    panel = LibraryPanel(big_controller)
    qtbot.addWidget(panel)
    panel.resize(600, 500)
    panel.show()
    qtbot.waitExposed(panel)
    model = panel.model
    assert model.rowCount() == 100_000
    panel.table.scrollToBottom()
    QTest.qWait(0)
    panel.table.viewport().repaint()
    assert model.data(model.index(99_999, 0)) == "Article 100000"
    assert model.fetched_pages <= 4
    assert len(big_controller.nb.articles.list_calls) == model.fetched_pages


def test_sort_asks_service_when_header_clicked(qtbot, big_controller):
    """Sorting a column sets ArticleFilter.sort/descending instead of sorting in Qt."""
    model = LibraryModel(big_controller)
    model.sort(2, Qt.SortOrder.DescendingOrder)
    assert model.article_filter.sort == "published"
    assert model.article_filter.descending
    assert model.data(model.index(0, 0)) == "Article 100000"


def test_highlight_change_refreshes_counts_when_changes_arrive(qtbot, big_controller):
    """Changes touching highlights emit dataChanged for the highlight column only."""
    model = LibraryModel(big_controller)
    model.data(model.index(0, 0))
    with qtbot.waitSignal(model.dataChanged) as blocker:
        big_controller.changed.emit(Changes(highlights=frozenset({1})))
    top, bottom = blocker.args[0], blocker.args[1]
    assert top.column() == bottom.column() == HIGHLIGHTS_COLUMN
    assert bottom.row() == 99_999


def test_language_filter_applies_when_box_changes(qtbot, big_controller):
    """Choosing a language in the filter bar reloads the model with that filter."""
    big_controller.nb.articles.size = 10
    panel = LibraryPanel(big_controller)
    qtbot.addWidget(panel)
    panel.language_box.setCurrentIndex(panel.language_box.findData("de"))
    assert panel.model.article_filter.languages == ("de",)
    assert panel.model.rowCount() == 5


def test_bad_date_ignored_when_typed(qtbot, big_controller):
    """An invalid date in the filter bar is not sent to the service."""
    panel = LibraryPanel(big_controller)
    qtbot.addWidget(panel)
    panel.date_from_edit.setText("2025-13")
    panel.date_to_edit.setText("2025-11")
    flt = panel.current_filter()
    assert flt.date_from == "" and flt.date_to == "2025-11"


def test_enter_opens_article_when_row_current(qtbot, big_controller):
    """Enter emits openArticle(id, False); Ctrl+Enter asks for a new pane."""
    big_controller.nb.articles.size = 10
    panel = LibraryPanel(big_controller)
    qtbot.addWidget(panel)
    panel.show()
    panel.table.setFocus()
    panel.table.selectRow(2)
    with qtbot.waitSignal(panel.openArticle) as plain:
        QTest.keyClick(panel.table, Qt.Key.Key_Return)
    with qtbot.waitSignal(panel.openArticle) as ctrl:
        QTest.keyClick(panel.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert plain.args == [3, False]
    assert ctrl.args == [3, True]


def test_title_tooltip_shows_the_whole_title_then_the_source(qtbot, big_controller):
    """Hovering a row shows its full title (and the file it came from), not only the file."""
    panel = LibraryPanel(big_controller)
    qtbot.addWidget(panel)
    index = panel.model.index(0, 0)
    tip = panel.model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert tip.splitlines() == ["Article 000001", "a1.txt"]


def test_all_languages_filter_is_not_clipped(qtbot, big_controller):
    """The language box is wide enough for its "All languages" entry."""
    panel = LibraryPanel(big_controller)
    qtbot.addWidget(panel)
    panel.resize(260, 500)
    panel.show()
    qtbot.waitExposed(panel)
    box = panel.language_box
    needed = box.fontMetrics().horizontalAdvance("All languages")
    assert box.currentText() == "All languages" and box.width() >= needed
