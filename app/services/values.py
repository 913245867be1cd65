"""Parse the value of an agreement from how news reports it.

"bis zu 37 Boeing-Maschinen" is 37 units (up to), "rund 1,1 Milliarden US-Dollar" is
USD 1.1 bn (about), "$1.1bn" is USD 1.1 bn (exact), "zwischen 1 und 2 Mrd. Euro" a range.
Whatever cannot be parsed is kept as text: :func:`parse_value` never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeVar

K = TypeVar("K", str, float)

QUALIFIERS = ("exact", "about", "up to", "at least", "range")

_QUALIFIER_WORDS = (
    ("up to", r"bis\s+zu|maximal|höchstens|up\s+to|as\s+much\s+as|no\s+more\s+than"),
    ("at least", r"mindestens|wenigstens|mehr\s+als|über|at\s+least|more\s+than|over"),
    ("about", r"rund|etwa|ungefähr|circa|ca\.|knapp|gut|fast|nahezu|about|around|"
              r"approximately|roughly|some|nearly|almost|an\s+estimated"),
)
_CURRENCIES = (
    ("USD", r"US-?\$|US-Dollar|US\s+Dollar|U\.S\.\s+dollars?|USD|dollars?|Dollar|\$"),
    ("EUR", r"Euro|EUR|euros?|€"),
    ("GBP", r"GBP|Pfund|pounds?|£"),
    ("RUB", r"Rubel|roubles?|rubles?|RUB|₽"),
    ("KZT", r"Tenge|tenge|KZT|₸"),
    ("UZS", r"UZS|usbekische\s+Sum|Uzbek\s+som|soums?"),
    ("CNY", r"Yuan|yuan|Renminbi|CNY|RMB"),
    ("CHF", r"Franken|CHF"),
)
_SCALES = (
    (1e12, r"trillions?|tn|Billionen|Billion"),
    (1e9, r"Milliarden|Milliarde|Mrd\.?|billions?|bn|b(?![a-z])"),
    (1e6, r"Millionen|Million|Mio\.?|millions?|mn|mln|m(?![a-z])"),
    (1e3, r"Tausend|tausend|thousands?|Tsd\.?|k(?![a-z])"),
)
_NUMBER = r"\d+(?:[.,\s]\d{3})*(?:[.,]\d+)?|\d+"
_GERMAN_HINTS = re.compile(r"\b(?:Milliarde|Millione|Mrd|Mio|rund|bis zu|etwa|Euro|über|"
                           r"zwischen|und|mindestens|Tausend)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ParsedValue:
    """A value as parsed from text. ``amount`` is None when no number was found.

    ``unit`` is what is counted when it is not money ("Boeing-Maschinen").
    """

    text: str
    amount: float | None = None
    amount_max: float | None = None
    currency: str = ""
    qualifier: str = "exact"
    unit: str = ""

    @property
    def is_parsed(self) -> bool:
        return self.amount is not None


def _alternation(pairs: tuple[tuple[K, str], ...]) -> list[tuple[K, re.Pattern[str]]]:
    return [(key, re.compile(rf"(?:{pattern})")) for key, pattern in pairs]


_QUAL = _alternation(_QUALIFIER_WORDS)
_CUR = _alternation(_CURRENCIES)
_SCALE = _alternation(_SCALES)


def _to_number(token: str, german: bool) -> float | None:
    token = token.replace(" ", "").replace("\u202f", "").replace("\xa0", "")
    decimal, thousands = (",", ".") if german else (".", ",")
    if decimal in token and thousands in token:
        token = token.replace(thousands, "").replace(decimal, ".")
    elif thousands in token and re.fullmatch(rf"\d{{1,3}}(?:\{thousands}\d{{3}})+", token):
        token = token.replace(thousands, "")
    else:
        token = token.replace(decimal, ".").replace(thousands, ".")
    try:
        return float(token)
    except ValueError:
        return None


def _lookup(table: list[tuple[str, re.Pattern[str]]], text: str) -> tuple[str | None, int, int]:
    """The key of the earliest match in ``text`` and its span, or (None, -1, -1)."""
    best: tuple[str | None, int, int] = (None, -1, -1)
    for key, pattern in table:
        match = pattern.search(text)
        if match and (best[1] < 0 or match.start() < best[1]):
            best = (key, match.start(), match.end())
    return best


def _qualifier(text: str) -> str:
    for key, pattern in _QUAL:
        if re.search(rf"(?<![\w]){pattern.pattern}(?![\w])", text, re.IGNORECASE):
            return str(key)
    return "exact"


def _scale_after(rest: str) -> tuple[float, str]:
    """A scale word right after a number (" Milliarden ..."), and the text after it."""
    match = re.match(r"\s*(" + "|".join(p.pattern for _k, p in _SCALE) + r")", rest)
    if not match:
        return 1.0, rest
    word = match.group(1)
    for key, pattern in _SCALE:
        if pattern.fullmatch(word):
            return key, rest[match.end():]
    return 1.0, rest  # pragma: no cover - every alternative belongs to a scale


def _currency(text: str) -> str:
    key, _s, _e = _lookup(_CUR, text)
    return str(key) if key else ""


def _unit(rest: str, currency: str) -> str:
    if currency:
        return ""
    match = re.match(r"\s*([^\W\d][\w\-]*(?:\s+[^\W\d][\w\-]*)?)", rest)
    return match.group(1).strip() if match else ""


def parse_value(text: str) -> ParsedValue:
    """Parse amount, range, currency, qualifier and counted unit from ``text``."""
    raw = " ".join(text.split())
    numbers = list(re.finditer(_NUMBER, raw))
    if not numbers:
        return ParsedValue(text=raw)
    german = bool(_GERMAN_HINTS.search(raw))
    first = numbers[0]
    amount = _to_number(first.group(), german)
    if amount is None:
        return ParsedValue(text=raw)
    scale, rest = _scale_after(raw[first.end():])
    amount_max = None
    second = _range_end(raw, first, numbers, german)
    if second is not None:
        amount_max, rest_scale = second
        scale = rest_scale if scale == 1.0 else scale
        amount_max *= scale
    amount *= scale
    currency = _currency(raw)
    qualifier = "range" if amount_max is not None else _qualifier(raw[: first.start()] or raw)
    return ParsedValue(text=raw, amount=amount, amount_max=amount_max, currency=currency,
                       qualifier=qualifier, unit=_unit(rest, currency))


def _range_end(raw: str, first: re.Match[str], numbers: list[re.Match[str]],
               german: bool) -> tuple[float, float] | None:
    """The upper end of "1 bis 2 Mrd.", "between 1 and 2 bn", "1-2 billion"."""
    if len(numbers) < 2:
        return None
    second = numbers[1]
    gap = raw[first.end(): second.start()]
    joined = re.fullmatch(r"\s*(?:\S+\s+)?(?:bis|und|and|to|-|–)\s*", gap)
    if not joined or not re.search(r"zwischen|between|-|–|bis|to", raw[: second.start()]):
        return None
    if re.search(r"bis\s+zu", raw[: first.start()], re.IGNORECASE):
        return None
    upper = _to_number(second.group(), german)
    if upper is None:
        return None
    scale, _rest = _scale_after(raw[second.end():])
    return upper, scale
