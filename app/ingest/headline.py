"""The headline of plain text, and the page furniture above it.

Text pasted from a web page starts with what surrounded the article: "back to top", a
temperature, a section name ("Europe"), a date line, a byline ("Von …", "By …"),
"Veröffentlicht am …", "•Aktualisiert …". Such lines are recognised line by line
(:func:`is_furniture`), skipped when choosing the title, and the block of them at the
very start is offered as a :class:`TrimSuggestion`. Nothing is deleted here.
"""

from __future__ import annotations

import re

from app.core.import_notes import TrimSuggestion
from app.ingest.textmeta import dates_in, head_lines

HEAD_LINES = 20
"""Non-empty lines examined for a title."""

MAX_TITLE_CHARS = 200
MIN_TITLE_WORDS = 3
"""Words a headline needs when it is not the first line after the furniture."""

MAX_FURNITURE_CHARS = 120
"""Longer lines are prose, whatever they start with."""

BULLETS = "•·*-–—|>#\u00a0 \t"
_SENTENCE_END = (".", ",", ";")

_FURNITURE_WORDS = frozenset({
    "back to top", "to top", "top", "nach oben", "zurück", "skip to content",
    "skip to main content", "zum inhalt", "zum inhalt springen", "zur navigation",
    "zur suche", "menu", "menü", "home", "startseite", "suche", "search", "share", "teilen",
    "drucken", "print", "e-mail", "email", "mail", "facebook", "twitter", "x", "whatsapp",
    "linkedin", "telegram", "flipboard", "pocket", "reddit", "kopieren", "copy link",
    "link kopieren", "anzeige", "advertisement", "werbung", "von", "by", "veröffentlicht",
    "aktualisiert", "published", "updated", "kommentare", "comments", "artikel anhören",
    "anhören", "listen", "merken", "save", "newsletter", "abonnieren", "subscribe",
    "live", "exklusiv", "plus", "premium", "video", "audio", "bilder", "fotos", "galerie",
})  # fmt: skip
_STAMP = re.compile(
    r"^(?:zuletzt\s+)?(?:veröffentlicht|aktualisiert|erschienen|stand|published|updated|"
    r"last\s+updated|posted|first\s+published)\b:?\s*(?:am|on|at|um)?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^(?:von|by)\s+(?P<names>.+)$", re.IGNORECASE)
_NAME_PARTICLES = frozenset({"und", "and", "&", "von", "van", "der", "de", "den", "la", "le",
                             "di", "da", "du", "al", "bin", "el", "in", "aus", "|", "/", "-",
                             "–", "uhr", "mit", "with", "for", "für"})
_CREDIT = re.compile(r"^(?:fotos?|bild(?:er)?|photos?|images?|quelle|source|credits?|"
                     r"grafik)\s*:", re.IGNORECASE)
"""Picture credits; not ``Video:``, which opens many headlines."""
_COPYRIGHT = re.compile(r"^(?:©|\(c\)\s|copyright\s*(?:©|\(c\)|\d))", re.IGNORECASE)
_READING_TIME = re.compile(
    r"^(?:(?:lesezeit|reading\s+time)\b.*|\d+\s*(?:min\.?|minuten?|minutes?)"
    r"(?:\s+(?:read|lesezeit|lesen))?)$",
    re.IGNORECASE,
)
_TIME = re.compile(r"^(?:\d{1,2}[:.]\d{2}(?:\s*uhr)?|vor\s+\d+\s+\w+|\d+\s+\w+\s+ago)$",
                   re.IGNORECASE)
_TEMPERATURE = re.compile(r"^[-+−–]?\s?\d{1,2}(?:[.,]\d)?\s*°?\s*[CF]$")
_BREADCRUMB = re.compile(r"^[^>›»]{1,30}(?:\s[>›»]\s[^>›»]{1,30}){1,6}$")
"""``Home > Politik > Ausland``; not ``|`` or ``/``, which headlines use too."""
_SECTION = re.compile(r"^[\w&'’-]{1,30}$")
_MONTHISH = re.compile(
    r"\d|\b(?:jan(?:uar|uary)?|jänner|feb(?:ruar|ruary)?|märz|mär|mar(?:ch)?|apr(?:il)?|mai|"
    r"may|jun[ie]?|jul[iy]?|aug(?:ust)?|sept?(?:ember)?|okt(?:ober)?|oct(?:ober)?|"
    r"nov(?:ember)?|dez(?:ember)?|dec(?:ember)?)\b",
    re.IGNORECASE,
)
"""A date or time in a stamp's rest ("am 6. November", "Mai 2025"), not "Mayor"."""


def _core(line: str) -> str:
    """A line without bullets, bars and surrounding spaces."""
    return line.strip().strip(BULLETS).strip()


def is_date_line(line: str) -> bool:
    """True if a date makes up most of ``line`` ("Sunday, January 11, 2026")."""
    covered = sum(end - start for start, end, _ in dates_in(line))
    return covered > 0 and covered >= len(line) * 0.5


def _is_byline(core: str) -> bool:
    """``Von Erika Muster`` / ``By Jane Doe and John Roe, Reuters``: names only, no verb.

    A headline that starts with "Von" ("Von der Leyen warnt …") has lower-case words
    that are not name particles, so it is not taken for a byline.
    """
    match = _BYLINE.match(core)
    if not match:
        return False
    words = match["names"].replace(",", " ").split()
    if not 1 <= len(words) <= 8:
        return False
    return all(w[:1].isupper() or w.lower() in _NAME_PARTICLES or any(c.isdigit() for c in w)
               for w in words)


def _is_stamp(core: str) -> bool:
    """``Veröffentlicht am 6. November 2025`` / ``Updated 3 hours ago`` / ``Stand: 14:00``."""
    match = _STAMP.match(core)
    if not match:
        return False
    rest = match["rest"]
    return not rest or bool(_MONTHISH.search(rest)) or rest.lower().endswith("ago")


def is_furniture(line: str) -> bool:
    """True if ``line`` is page furniture, not article text (see module docstring)."""
    core = _core(line)
    if not core:
        return True
    if len(core) > MAX_FURNITURE_CHARS:
        return False
    lowered = core.lower().rstrip(":")
    if lowered in _FURNITURE_WORDS or all(w in _FURNITURE_WORDS for w in lowered.split()):
        return True
    patterns = (_CREDIT, _COPYRIGHT, _READING_TIME, _TIME, _TEMPERATURE, _BREADCRUMB, _SECTION)
    if any(p.match(core) for p in patterns):
        return True
    return _is_stamp(core) or _is_byline(core) or is_date_line(core)


def _looks_like_headline(core: str, min_words: int) -> bool:
    """A title-sized line of words that does not end like a sentence."""
    if len(core) > MAX_TITLE_CHARS or len(core.split()) < min_words:
        return False
    if core.endswith(_SENTENCE_END) or core.endswith(":"):
        return False
    return sum(ch.isalpha() for ch in core) >= len(core) * 0.5


def _is_title_candidate(core: str) -> bool:
    """A line that could be a title in the fallback search: 3+ words, not too long."""
    if len(core) > MAX_TITLE_CHARS or len(core.split()) < MIN_TITLE_WORDS:
        return False
    return sum(ch.isalpha() for ch in core) >= len(core) * 0.5


def _first_sentence(line: str) -> str:
    """The first sentence of ``line``, cut to a title-sized length at a word boundary."""
    sentence = re.split(r"(?<=[.!?])\s", line, maxsplit=1)[0]
    if len(sentence) <= MAX_TITLE_CHARS:
        return sentence
    return sentence[:MAX_TITLE_CHARS].rsplit(" ", 1)[0] + " …"


def find_title(text: str) -> str:
    """Guess a headline from the first lines of ``text``; ``""`` if there is none.

    Furniture lines are skipped. The first remaining line is the headline if it is
    title-sized and does not end like a sentence (questions and exclamations are
    headlines too); otherwise the first later line that does not end like a sentence
    (3+ words); failing that, the first sentence of the first substantial line.
    """
    lines = [_core(line) for line in head_lines(text, HEAD_LINES) if not is_furniture(line)]
    if not lines:
        return ""
    if _looks_like_headline(lines[0], 2):
        return lines[0]
    for line in lines:
        if _is_title_candidate(line) and not line.endswith((*_SENTENCE_END, ":", "!", "?")):
            return line
    for line in lines:
        if _is_title_candidate(line) or len(line) > MAX_TITLE_CHARS:
            return _first_sentence(line)
    return ""


def leading_furniture(text: str) -> TrimSuggestion | None:
    """The block of furniture lines at the start of ``text``, if article text follows.

    The range runs from the start of the first furniture line to the start of the
    first line of article text (blank lines between are included), in code points.
    A block of one-word lines only ("Wirtschaftskrise") is not offered: it may be a
    short headline rather than a section name.
    """
    position, start = 0, -1
    found: list[tuple[int, str]] = []
    for number, line in enumerate(text.split("\n", HEAD_LINES * 2)[: HEAD_LINES * 2], start=1):
        stripped = line.strip()
        if stripped and not is_furniture(line):
            lines = tuple(f for _, f in found)
            if all(_SECTION.match(_core(f)) for f in lines):
                return None  # one-word lines alone may be a short headline: no evidence
            return TrimSuggestion(start, position, found[0][0], found[-1][0], lines)
        if stripped:
            if start < 0:
                start = position + len(line) - len(line.lstrip())
            found.append((number, stripped))
        position += len(line) + 1
    return None
