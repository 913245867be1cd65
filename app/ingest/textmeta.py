"""Metadata guessed from plain text: publication date, outlet suffix (title: :mod:`headline`).

Used when a file carries no metadata (plain text, Markdown without front matter)
or its metadata lacks a field. Only the first lines are examined: that is where
news pages put headline, byline and date.
"""

from __future__ import annotations

import datetime as dt
import re

DATE_LINES = 8
"""Non-empty lines examined for a date (later dates are usually events, not publication)."""

_MONTHS = {
    # German
    "januar": 1, "jänner": 1, "jan": 1, "februar": 2, "feb": 2, "märz": 3, "maerz": 3,
    "mär": 3, "april": 4, "apr": 4, "mai": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9, "oktober": 10, "okt": 10,
    "november": 11, "nov": 11, "dezember": 12, "dez": 12,
    # English (shared abbreviations above)
    "january": 1, "february": 2, "march": 3, "mar": 3, "may": 5, "june": 6,
    "july": 7, "october": 10, "oct": 10, "december": 12, "dec": 12,
}  # fmt: skip
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE_PATTERNS = (
    # 2025-11-06
    (re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?!\d)"), False),
    # 06.11.2025
    (re.compile(r"\b(?P<d>\d{1,2})\.\s?(?P<m>\d{1,2})\.\s?(?P<y>\d{4})\b"), False),
    # 6. November 2025, 6 November 2025, 6th Nov. 2025
    (
        re.compile(
            rf"\b(?P<d>\d{{1,2}})(?:\.|st|nd|rd|th)?\s+(?P<m>{_MONTH})\.?,?\s+(?P<y>\d{{4}})\b",
            re.IGNORECASE,
        ),
        True,
    ),
    # January 11, 2026 / Nov. 6 2025
    (
        re.compile(
            rf"\b(?P<m>{_MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b",
            re.IGNORECASE,
        ),
        True,
    ),
)
_OUTLET_SUFFIX = re.compile(r"^(?P<title>.{10,}?)\s+[–—|-]\s+(?P<outlet>[\w-]+(?:\.[\w-]+)+)$")


def head_lines(text: str, count: int) -> list[str]:
    """The first ``count`` non-empty lines of ``text``, stripped."""
    lines: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if line:
            lines.append(line)
            if len(lines) == count:
                break
    return lines


def _to_date(match: re.Match[str], named_month: bool) -> str:
    """ISO date of a pattern match, or ``""`` if it is not a real date."""
    month_text = match["m"].lower()
    month = _MONTHS.get(month_text.rstrip(".")) if named_month else int(month_text)
    try:
        day = dt.date(int(match["y"]), month or 0, int(match["d"]))
    except ValueError:
        return ""
    return day.isoformat() if 1900 <= day.year <= 2100 else ""


def dates_in(line: str) -> list[tuple[int, int, str]]:
    """Every date in ``line`` as ``(start, end, iso)``, in order of position."""
    found = []
    for pattern, named_month in _DATE_PATTERNS:
        for match in pattern.finditer(line):
            iso = _to_date(match, named_month)
            if iso:
                found.append((match.start(), match.end(), iso))
    return sorted(found)


def find_date(text: str) -> str:
    """First full date (``YYYY-MM-DD``) in the first lines of ``text``, or ``""``.

    Understands ``2025-11-06``, ``06.11.2025``, ``6. November 2025`` and
    ``Sunday, January 11, 2026`` (German and English month names).
    """
    for line in head_lines(text, DATE_LINES):
        dates = dates_in(line[:300])
        if dates:
            return dates[0][2]
    return ""


def split_outlet_suffix(title: str) -> tuple[str, str]:
    """Split ``"Headline – EURACTIV.de"`` into ``("Headline", "EURACTIV.de")``.

    Only a domain-like suffix counts as an outlet, so ordinary dashes in a
    headline are left alone.
    """
    match = _OUTLET_SUFFIX.match(title)
    if not match:
        return title, ""
    return match["title"].strip(), match["outlet"]
