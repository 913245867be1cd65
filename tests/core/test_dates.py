"""The one partial-date parser: every impossible date is refused, every real one normalised."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.dates import overlaps, parse_partial_date, period, period_bounds
from app.core.errors import ValidationError


@pytest.mark.parametrize("bad", [
    "0000", "2025-00", "2025-13", "2025-11-00", "2025-02-30", "0000-01-01", "2025-00-10",
    "", "20251", "2025/11", "November 2025", "2025-11-06T10:00", "١٢٣٤",
])
def test_impossible_or_malformed_dates_are_refused(bad: str) -> None:
    """Month or day 00, year 0000 and non-dates raise ValidationError, never pass through."""
    with pytest.raises(ValidationError):
        parse_partial_date(bad)


def test_dates_are_normalised_to_two_digit_parts() -> None:
    """``2025-1-6`` and `` 2025-11 `` come back in the stored form."""
    assert parse_partial_date("2025-1-6") == "2025-01-06"
    assert parse_partial_date(" 2025-11 ") == "2025-11"


def test_period_of_the_last_month_of_year_9999_does_not_overflow() -> None:
    """The end of December 9999 is computed without a year 10000."""
    assert period("9999-12") == (dt.date(9999, 12, 1), dt.date(9999, 12, 31))
    assert period_bounds("2024-02") == ("2024-02-01", "2024-02-29")


def test_a_month_overlaps_a_range_that_starts_inside_it() -> None:
    """``--from 2025-11`` keeps an article dated only ``2025-11``; an unknown date never."""
    assert overlaps("2025-11", "2025-11", None)
    assert overlaps("2025", "2025-11-15", "2025-11-20")
    assert not overlaps("2025-10", "2025-11", None)
    assert not overlaps("", "2025", None)
    assert overlaps("", None, None)


@given(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_every_real_day_month_and_year_parses_to_a_period_containing_it(day: dt.date) -> None:
    """Each of the three precisions of a real date covers that day."""
    for text in (day.isoformat(), day.isoformat()[:7], day.isoformat()[:4]):
        first, last = period(text)
        assert first <= day <= last
