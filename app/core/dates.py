"""Partial dates: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` strings.

News metadata often gives only a year or a month; Dossier keeps what is known and
sorts partial dates as the first day of their period.
"""

from __future__ import annotations

import datetime as dt
import re

from app.core.errors import ValidationError

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parse_partial_date(value: str) -> str:
    """Validate and normalise a partial date; raise :class:`ValidationError` if bad."""
    value = value.strip()
    match = _PARTIAL.match(value)
    if not match:
        raise ValidationError(f"{value!r} is not a date like 2025, 2025-11 or 2025-11-06")
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        dt.date(year or 1, month or 1, day or 1)
    except ValueError as exc:
        raise ValidationError(f"{value!r} is not a real date: {exc}") from None
    return value


def period(value: str) -> tuple[dt.date, dt.date]:
    """First and last day covered by a partial date."""
    value = parse_partial_date(value)
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        day = dt.date(*parts)
        return day, day
    if len(parts) == 2:
        first = dt.date(parts[0], parts[1], 1)
        nxt = dt.date(parts[0] + (parts[1] == 12), parts[1] % 12 + 1, 1)
        return first, nxt - dt.timedelta(days=1)
    return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
