"""Anchor-aware synchronised scrolling: shared evidence passages line up side by side."""

from __future__ import annotations

import itertools
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from app.gui.reader.area import ReaderArea
from app.gui.reader.sync import increasing_chain, map_scroll, sync_points

CLAIM_DE = "Kasachstan kauft bis zu 37 Boeing-Jets."
CLAIM_EN = "Kazakhstan buys up to 37 Boeing jets."
DEAL_DE = "Das Wolfram-Joint-Venture ist 1,1 Milliarden wert."
DEAL_EN = "The tungsten joint venture is worth 1.1 billion."


def _lines(prefix: str, count: int) -> list[str]:
    return [f"{prefix} Zeile {n}: Energie, Gas und Gespräche 😀." for n in range(count)]


@pytest.fixture
def articles(notebook, tmp_path):
    """German: claim early, deal late; English: claim late, deal later still."""
    german = [*_lines("DE", 40), CLAIM_DE, *_lines("DE", 60), DEAL_DE, *_lines("DE", 40)]
    english = [*_lines("EN", 150), CLAIM_EN, *_lines("EN", 30), DEAL_EN, *_lines("EN", 60)]
    ids = []
    for name, lines in (("de.txt", german), ("en.txt", english)):
        path = tmp_path / name
        path.write_text("\n".join(lines), encoding="utf-8")
        ids.append(notebook.imports.import_paths([path]).imported[0].id)
    return ids


def _cite(controller, article_id: int, needle: str, agreement_id: int, field: str) -> None:
    nb = controller.nb
    text = nb.articles.get(article_id).text
    start = text.index(needle)
    controller.edit(lambda: nb.agreements.cite(agreement_id, article_id, start,
                                               start + len(needle), field=field))


@pytest.fixture
def area(qtbot, controller, articles):
    nb = controller.nb
    boeing, _ = controller.edit(lambda: nb.agreements.create("Boeing purchase", "purchase"))
    tungsten, _ = controller.edit(lambda: nb.agreements.create("Tungsten JV", "joint venture"))
    de, en = articles
    _cite(controller, de, CLAIM_DE, boeing.id, "value")
    _cite(controller, en, CLAIM_EN, boeing.id, "value")
    _cite(controller, de, DEAL_DE, tungsten.id, "agreement")
    _cite(controller, en, DEAL_EN, tungsten.id, "agreement")
    widget = ReaderArea(controller)
    qtbot.addWidget(widget)
    widget.resize(1000, 400)
    widget.show()
    widget.open_article(de)
    widget.open_article(en, new_pane=True)
    widget.set_sync_scrolling(True)
    return widget


def _reading_line(view) -> float:
    return view.verticalScrollBar().value() + view.viewport().height() / 3


def test_scrolling_to_a_shared_claim_brings_the_other_report_of_it_alongside(
        area, controller, articles) -> None:
    """The German claim at the reading line puts the English claim at the reading line."""
    left, right = (pane.view for pane in area.panes())
    text = controller.nb.articles.get(articles[0]).text
    y_claim = left.y_of(text.index(CLAIM_DE))
    left.verticalScrollBar().setValue(round(y_claim - left.viewport().height() / 3))
    en_text = controller.nb.articles.get(articles[1]).text
    line = right.fontMetrics().lineSpacing()
    assert abs(_reading_line(right) - right.y_of(en_text.index(CLAIM_EN))) <= line
    # and the other way round, for the second anchor
    y_deal = right.y_of(en_text.index(DEAL_EN))
    right.verticalScrollBar().setValue(round(y_deal - right.viewport().height() / 3))
    assert abs(_reading_line(left) - left.y_of(text.index(DEAL_DE))) <= line


def test_without_shared_anchors_sync_stays_proportional(area, controller) -> None:
    """Removing the evidence leaves plain proportional sync (ends meet ends)."""
    nb = controller.nb
    for agreement in nb.agreements.list():
        controller.edit(lambda a=agreement: nb.agreements.delete(a.id))
    left, right = (pane.view.verticalScrollBar() for pane in area.panes())
    left.setValue(left.maximum() // 2)
    assert abs(right.value() / right.maximum() - 0.5) < 0.02
    left.setValue(left.maximum())
    assert right.value() == right.maximum()


def test_sync_ends_still_meet(area) -> None:
    """Top aligns with top and bottom with bottom whatever the anchors."""
    left, right = (pane.view.verticalScrollBar() for pane in area.panes())
    left.setValue(left.maximum())
    assert right.value() == right.maximum()
    left.setValue(0)
    assert right.value() == 0


def test_increasing_chain_drops_crossing_anchors() -> None:
    """Of anchors reported in a different order, the longest consistent chain is kept."""
    pairs = [(50, 250), (10, 100), (20, 50), (30, 200), (40, 300), (35, 10)]
    chain = increasing_chain(pairs)
    assert len(chain) == 3 and set(chain) <= set(pairs)
    assert all(a[0] < b[0] and a[1] < b[1] for a, b in itertools.pairwise(chain))
    assert increasing_chain([(1, 5), (1, 6), (2, 7)]) in ([(1, 5), (2, 7)], [(1, 6), (2, 7)])
    assert increasing_chain([]) == []


def test_sync_points_and_map_scroll_interpolate_between_anchors() -> None:
    """Scroll values map linearly between (0,0), the anchors and the two maxima."""
    points = sync_points((1000, 300), (2000, 300), {"a": 400.0, "x": 5.0}, {"a": 1600.0})
    assert points == [(0.0, 0.0), (300.0, 1500.0), (1000.0, 2000.0)]
    assert map_scroll(150, points) == 750
    assert map_scroll(300, points) == 1500
    assert map_scroll(650, points) == 1750
    assert map_scroll(5000, points) == 2000
    assert map_scroll(-5, points) == 0
