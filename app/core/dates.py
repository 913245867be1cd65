"""Partial dates: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` strings, and the periods they cover.

News metadata often gives only a year or a month; Dossier keeps what is known. A partial
date is a *period* (``2025-11`` is 1–30 November 2025): filters keep every article whose
period overlaps the range asked for, and sorting uses the first day of the period.

:func:`parse_partial_date` is the one parser for every entry point (import front matter,
metadata edits, agreement events, command-line filters, ``date:`` queries): a value it
refuses never reaches the database or the search index.
"""

from __future__ import annotations

import datetime as dt
import re

from app.core.errors import ValidationError

_PARTIAL = re.compile(r"^([0-9]{4})(?:-([0-9]{1,2})(?:-([0-9]{1,2}))?)?$")

MIN_YEAR = 1
MAX_YEAR = 9999


def parse_partial_date(value: str) -> str:
    """Validate and normalise a partial date (``2025-1-6`` -> ``2025-01-06``).

    Raises:
        ValidationError: not of the form YYYY[-MM[-DD]], or not a real calendar period
            (month or day ``00``, year ``0000``, 31 February ...).
    """
    text = value.strip()
    match = _PARTIAL.match(text)
    if not match:
        raise ValidationError(f"{value!r} is not a date like 2025, 2025-11 or 2025-11-06")
    year, month, day = (int(g) if g is not None else None for g in match.groups())
    assert year is not None  # the pattern requires it
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(f"{value!r} is not a real date: year {year:04d} does not exist")
    if month is not None and not 1 <= month <= 12:
        raise ValidationError(f"{value!r} is not a real date: month must be 01 to 12")
    if day is not None:
        try:
            dt.date(year, month or 1, day)
        except ValueError as exc:
            raise ValidationError(f"{value!r} is not a real date: {exc}") from None
    parts = [f"{year:04d}"] + [f"{p:02d}" for p in (month, day) if p is not None]
    return "-".join(parts)


def is_partial_date(value: str) -> bool:
    """True if ``value`` parses as a partial date."""
    try:
        parse_partial_date(value)
    except ValidationError:
        return False
    return True


def period(value: str) -> tuple[dt.date, dt.date]:
    """First and last day covered by a partial date (raises ValidationError if bad)."""
    parts = [int(p) for p in parse_partial_date(value).split("-")]
    if len(parts) == 3:
        day = dt.date(*parts)
        return day, day
    if len(parts) == 2:
        year, month = parts
        first = dt.date(year, month, 1)
        if month == 12:
            return first, dt.date(year, 12, 31)
        return first, dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)


def period_bounds(value: str) -> tuple[str, str]:
    """The period of a partial date as ISO day strings (``2025-11`` -> 2025-11-01, 2025-11-30).

    Stored dates compare as strings, so a filter ``[lo, hi]`` keeps a row whose
    ``published`` period overlaps it: ``first <= hi and last >= lo``.
    """
    first, last = period(value)
    return first.isoformat(), last.isoformat()


def overlaps(value: str, lo: str | None, hi: str | None) -> bool:
    """True if the period of ``value`` overlaps the range from period ``lo`` to period ``hi``.

    ``lo``/``hi`` are partial dates too (``--from 2025-11`` starts on 1 November, ``--to
    2025-11`` ends on 30 November); None leaves that side open. An empty or invalid
    ``value`` (unknown date) never overlaps a bounded range.
    """
    if lo is None and hi is None:
        return True
    try:
        first, last = period(value)
    except ValidationError:
        return False
    if lo is not None and last < period(lo)[0]:
        return False
    return not (hi is not None and first > period(hi)[1])
