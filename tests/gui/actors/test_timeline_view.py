"""Agreement timeline on real notebooks: periods, clicks to passages, actor filter."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.core.actor_records import Event
from app.core.ids import AgreementId
from app.gui.actors.timeline_panel import TimelinePanel
from app.gui.actors.timeline_view import TimelineView, event_bar
from app.gui.common.controller import NotebookController


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """One demo notebook for the tests that only read it."""
    from app.services import Notebook

    nb = Notebook.open_demo(tmp_path_factory.mktemp("timeline") / "demo")
    yield nb
    nb.close()


def _view(qtbot, nb) -> TimelineView:
    view = TimelineView(NotebookController(nb))
    qtbot.addWidget(view)
    view.resize(1000, 500)
    view.show()
    qtbot.waitExposed(view)
    return view


def _event(date: str) -> Event:
    return Event(id=1, agreement_id=AgreementId(1), status="signed", date=date, note="")


@pytest.mark.parametrize(("date", "first", "days"), [
    ("2025-11", dt.date(2025, 11, 1), 30),
    ("2024-02", dt.date(2024, 2, 1), 29),
    ("2025", dt.date(2025, 1, 1), 365),
    ("2025-11-06", dt.date(2025, 11, 6), 1),
])
def test_partial_date_gives_period_of_its_length(date, first, days):
    """A month covers its days, a year its 365/366, a day one."""
    bar = event_bar(_event(date))
    assert (bar.first, bar.days) == (first, days)


def test_undated_or_unreadable_event_has_no_period():
    """No date, or a bad stored one, is drawn as undated instead of failing."""
    assert event_bar(_event("")).first is None
    assert event_bar(_event("2025-00")).days == 0


def test_month_bar_spans_the_month_on_screen(qtbot, demo):
    """A "2025-11" event is a bar from 1 to 30 November at the current scale."""
    view = _view(qtbot, demo)
    john_deere = next(a for a in view.agreements if "John Deere" in a.title)
    bar, item = view.bars[john_deere.events[0].id]
    assert bar.days == 30
    assert john_deere.events[0].date == "2025-11"
    rect = item.rect()
    assert rect.left() == pytest.approx(view.x_of(dt.date(2025, 11, 1)))
    assert rect.width() == pytest.approx(30 * view.px_per_day)
    view.zoom_to(view.px_per_day * 4)
    assert view.bars[john_deere.events[0].id][1].rect().width() == pytest.approx(
        30 * view.px_per_day)


def test_undated_event_sits_left_of_the_axis(qtbot, demo):
    """The Abraham accord's undated 'proposed' step is drawn in the undated column."""
    view = _view(qtbot, demo)
    abraham = next(a for a in view.agreements if "Abraham" in a.title)
    undated = next(e for e in abraham.events if not e.date)
    assert view.bars[undated.id][1].rect().right() < 0 <= view.x_of(view.origin)


def test_clicking_an_event_opens_the_passage_that_reports_it(qtbot, demo):
    """The Boeing announcement's bar emits the cited passage's article and span."""
    view = _view(qtbot, demo)
    boeing = next(a for a in view.agreements if "Boeing" in a.title)
    event = boeing.events[0]
    cited = [e for e in boeing.evidence if e.event_id == event.id]
    assert len(cited) == 1
    view.ensureVisible(view.bars[event.id][1])
    with qtbot.waitSignal(view.passageClicked) as blocker:
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                         pos=view.bar_point(event.id))
    assert blocker.args == [cited[0].article_id, cited[0].start, cited[0].end]
    assert demo.articles.get(cited[0].article_id).text[cited[0].start:cited[0].end] == \
        cited[0].quote


def test_event_without_its_own_passage_offers_the_agreements(qtbot, demo):
    """No passage cites the John Deere step: a menu lists the agreement's passages."""
    view = _view(qtbot, demo)
    deere = next(a for a in view.agreements if "John Deere" in a.title)
    offered = view.open_event(deere.events[0].id)
    assert offered and [e.id for e in offered] == [e.id for e in deere.evidence]
    assert view.menu is not None
    first = next(a for a in view.menu.actions() if a.data() == offered[0].id)
    with qtbot.waitSignal(view.passageClicked) as blocker:
        first.trigger()
    assert blocker.args == [offered[0].article_id, offered[0].start, offered[0].end]
    view.menu.close()


def test_actor_filter_keeps_only_its_agreements(qtbot, demo):
    """Choosing Uzbekistan in the panel keeps the agreements it is a party to."""
    view = TimelineView(NotebookController(demo))
    panel = TimelinePanel(view._controller, view)
    qtbot.addWidget(panel)
    uzbekistan = demo.actors.find("Uzbekistan")
    expected = {a.id for a in demo.agreements.list()
                if any(p.actor_id == uzbekistan.id for p in a.parties)}
    assert 0 < len(expected) < len(demo.agreements.list())
    panel.actor.setCurrentIndex(panel.actor.findData(uzbekistan.id))
    assert {a.id for a in view.agreements} == expected
    assert set(view.titles) == expected
    panel.actor.setCurrentIndex(0)
    assert len(view.agreements) == len(demo.agreements.list())


def test_timeline_dock_opens_passage_in_reader(qtbot, demo, tmp_path: Path, make_window):
    """In the window, an event's passage opens in the reader, selected."""
    window = make_window(demo)
    window.show()
    views = window.actor_views
    views.timeline_dock.show()
    views.timeline_dock.raise_()
    boeing = next(a for a in views.timeline_view.agreements if "Boeing" in a.title)
    cited = next(e for e in boeing.evidence if e.event_id == boeing.events[0].id)
    views.timeline_view.open_event(boeing.events[0].id)
    assert window.reader_area.open_article_ids() == [cited.article_id]
    assert window.reader_area.selected_span() == (cited.article_id, cited.start, cited.end)
