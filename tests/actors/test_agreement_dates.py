"""Agreement event dates go through the one partial-date parser at every entry point
(issue 10): month or day 00 and year 0000 are refused, never stored."""

from __future__ import annotations

import sqlite3

import pytest

from app.core.errors import ValidationError

BAD = ["2025-00", "0000", "0000-01", "2025-11-00", "2025-02-30", "2025-13", "25-11",
       "next week", "2025-11-06T10:00"]


@pytest.fixture
def agreement(make_notebook):
    nb, _ids = make_notebook({"a.txt": "Der Vertrag wurde am 6. November unterzeichnet."})
    created, _ = nb.agreements.create("Boeing purchase", "purchase")
    return nb, created.id


@pytest.mark.parametrize("date", BAD)
def test_add_event_refuses_a_date_that_is_no_real_period(agreement, date):
    """Adding a status with a bad date raises ValidationError and stores nothing."""
    nb, agreement_id = agreement
    with pytest.raises(ValidationError):
        nb.agreements.add_event(agreement_id, "signed", date)
    assert nb.agreements.get(agreement_id).events == ()


@pytest.mark.parametrize("date", BAD)
def test_update_event_refuses_a_date_that_is_no_real_period(agreement, date):
    """Editing a status to a bad date raises ValidationError and keeps the old date."""
    nb, agreement_id = agreement
    event, _ = nb.agreements.add_event(agreement_id, "signed", "2025-11")
    with pytest.raises(ValidationError):
        nb.agreements.update_event(event.id, date=date)
    assert [e.date for e in nb.agreements.get(agreement_id).events] == ["2025-11"]


def test_event_dates_are_normalised_and_may_be_empty(agreement):
    """Short months and days are padded; an empty date means undated."""
    nb, agreement_id = agreement
    event, _ = nb.agreements.add_event(agreement_id, "signed", " 2025-1-6 ")
    assert event.date == "2025-01-06"
    nb.agreements.update_event(event.id, date="")
    assert nb.agreements.get(agreement_id).events[0].date == ""


def test_bad_date_stored_by_an_older_version_does_not_break_lists(agreement, tmp_path):
    """A '2025-00' written before dates were validated sorts as undated instead of
    failing every list of agreements."""
    nb, agreement_id = agreement
    event, _ = nb.agreements.add_event(agreement_id, "announced", "2025-11")
    nb.agreements.add_event(agreement_id, "signed", "2025")
    database = next(tmp_path.glob("nb*/notebook.db"))
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE agreement_event SET date = '2025-00' WHERE id = ?",
                           (event.id,))
    listed = nb.agreements.list(sort="date")
    assert [a.id for a in listed] == [agreement_id]
    assert [e.status for e in listed[0].events] == ["announced", "signed"]
    assert listed[0].date == "2025"
