"""From a read REFI-QDA project to what Dossier stores, before any database work.

Pure functions: each text source's stored text, the offset reading chosen for it and
its selections as code-point spans (:mod:`app.qdpx.offsets`), and its variables sorted
into the article fields they fit. Anything that cannot come over is named with a reason.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from app.core.dates import is_partial_date, parse_partial_date
from app.core.text import normalise_text
from app.qdpx.offsets import STANDARD, Reading, SourceText, Span, choose_reading
from app.qdpx.read_model import QdaSelection, QdaSource

FIELDS = {
    "published": ("date", "published", "publicationdate", "publishdate", "pubdate", "datum",
                  "erscheinungsdatum", "dateofpublication", "publisheddate"),
    "outlet": ("outlet", "source", "publication", "newspaper", "medium", "media", "zeitung",
               "quelle", "publisher", "journal"),
    "language": ("language", "lang", "sprache"),
    "url": ("url", "link", "weblink", "webaddress", "uri"),
    "author": ("author", "authors", "autor", "byline"),
    "original_name": ("originalfile", "originalname", "filename"),
}
"""Article fields and the variable names (lower case, letters only) that fill them."""
DOSSIER_FIELDS = {"outlet": "outlet", "published": "published", "language": "language",
                  "url": "url", "author": "author", "original file": "original_name"}
"""The variables Dossier's own export writes (its other ones: :data:`DOSSIER_IGNORED`)."""
DOSSIER_IGNORED = frozenset({"imported at"})
"""Dossier's bookkeeping, not the article's metadata: a new import has its own time."""
DOSSIER_EXTRA = "extra: "
"""Prefix of an extra-metadata key that has the name of one of the fields above."""
_FIELD_OF = {alias: name for name, aliases in FIELDS.items() for alias in aliases}
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?")
DESCRIPTION_KEY = "description"
"""Where a source's ``<Description>`` goes in the article's extra metadata."""


@dataclass(frozen=True, slots=True)
class PlacedSelection:
    """A selection on the stored text: ``[start, end)`` in code points."""

    selection: QdaSelection
    start: int
    end: int


@dataclass
class PreparedSource:
    """A text source ready to store."""

    source: QdaSource
    text: str
    reading: Reading = STANDARD
    placed: list[PlacedSelection] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    remarks: list[tuple[str, str]] = field(default_factory=list)


def prepare_source(source: QdaSource, *, from_dossier: bool = False) -> PreparedSource:
    """Map a source with text (``source.text`` is not None) onto Dossier's terms.

    ``from_dossier``: the project is Dossier's own export, whose variables have exact
    names (a round trip must give the same metadata back, not a best guess)."""
    assert source.text is not None
    text = SourceText(source.text)
    spans = [Span(s.start, s.end, normalise_text(s.name)) for s in source.selections]
    reading = choose_reading(text, spans)
    prepared = PreparedSource(source, text.stored, reading)
    where = f"source '{source.name}'"
    if reading != STANDARD:
        prepared.remarks.append((where, f"selection positions read as {reading.describe()}"))
    for selection, span in zip(source.selections, spans, strict=True):
        mapped = text.map(span, reading)
        if mapped is None:
            prepared.skipped.append((
                f"selection '{_short(selection.name) or selection.guid}' in '{source.name}'",
                f"positions {selection.start}-{selection.end} are not a passage of its text "
                f"({len(text.stored):,} characters)"))
            continue
        prepared.placed.append(PlacedSelection(selection, *mapped))
    _sort_variables(prepared, where, from_dossier)
    return prepared


def _sort_variables(prepared: PreparedSource, where: str, from_dossier: bool) -> None:
    """Variables into article fields where one fits, the rest into extra metadata."""
    for name, value in prepared.source.variables.items():
        key = name.casefold().strip()
        if from_dossier and key in DOSSIER_IGNORED:
            continue
        if from_dossier and key.startswith(DOSSIER_EXTRA):
            prepared.extra[name.strip()[len(DOSSIER_EXTRA):]] = value
            continue
        target = (DOSSIER_FIELDS.get(key) if from_dossier
                  else _FIELD_OF.get(re.sub(r"[^a-z]", "", key)))
        clean = (value if from_dossier else _field_value(target, value)) if target else None
        if target and clean is not None and target not in prepared.fields:
            prepared.fields[target] = clean
            continue
        if target and value.strip():
            prepared.remarks.append((where, f"variable '{name}' = {value!r} does not fit the "
                                     f"article's {target}; kept in its extra metadata"))
        prepared.extra[name] = value
    if prepared.source.description:
        prepared.extra[DESCRIPTION_KEY] = prepared.source.description


def _field_value(target: str, value: str) -> str | None:
    """``value`` as the article field ``target`` stores it, or None if it does not fit."""
    text = value.strip()
    if target == "published":
        head = text[:10]
        return parse_partial_date(head) if is_partial_date(head) else None
    if target == "language":
        return text.lower().replace("_", "-") if _LANGUAGE.fullmatch(text) else None
    if target == "url":
        return text if re.match(r"(?i)https?://\S+$", text) else None
    return " ".join(text.split())[:300] or None


def parse_time(value: str) -> dt.datetime | None:
    """An ``xsd:dateTime`` as Dossier's naive local time, or None if absent or invalid."""
    text = value.strip()
    if not text:
        return None
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone().replace(tzinfo=None)
    return parsed.replace(microsecond=0)


def _short(text: str, limit: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
