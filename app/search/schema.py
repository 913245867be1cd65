"""The Whoosh schema and how an :class:`IndexDoc` becomes index fields.

Fields (``*_de``/``*_en`` are stemmed, ``*_exact`` unstemmed and folded)::

    key         "article:12" / "note:3" (unique)  kind     "article" or "note"
    id          the record's id within its kind   rev, title, outlet, language,
    title_de    title, German analyzer            published: stored only, for
    title_en    title, English analyzer           results and consistency checks
    title_exact title, exact words + positions
    body_de     body of German articles           body_en  body of English articles
    body_exact  every body, exact words + positions (phrases, wildcards, fuzzy)
    lang        language code                     source   outlet name words
    tag         tag paths (see :func:`tag_keys`)  actor    actor names and aliases
    date_lo/hi  first/last day of the published period, as yyyymmdd integers

Every text field keeps positions: a quoted phrase is matched on the stemmed
positions of the article's language (``"kritischer Mineralien"`` finds
"kritischen Mineralien") and ``="..."`` on the exact ones. Bodies are not
stored: the database holds the text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from app.core.dates import period
from app.core.errors import ValidationError
from app.search import analysis

SCHEMA_VERSION = 4
"""Bump whenever fields or analyzers change: old indexes are then rebuilt.

3: positions in the stemmed fields (phrases match inflected forms).
4: notes in the same index as articles (``kind``, and ``key`` as the unique id)."""

STEMMED_LANGUAGES = ("de", "en")


@dataclass(frozen=True, slots=True)
class IndexDoc:
    """What the index needs to know about one article.

    Attributes:
        article_id: the record's database id (a note's id when ``kind`` is "note").
        rev: increases on every database change that affects search; lets a
            consistency check find stale index entries.
        title: the article title.
        body: the stored article text; spans refer to its code points.
        language: "de", "en", another code or "".
        outlet: the outlet (source) name.
        published: partial date "", "2025", "2025-11" or "2025-11-06".
        tags: tag paths such as "Wirtschaft/Energie".
        actors: actor names and aliases mentioned in the article.
        kind: "article" or "note"; ids are unique per kind (see :func:`doc_key`).
    """

    article_id: int
    rev: int
    title: str
    body: str
    language: str
    outlet: str
    published: str
    tags: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    kind: str = "article"


def build_schema() -> Schema:
    """A fresh schema instance (see the module docstring for the fields)."""
    return Schema(
        key=ID(unique=True),
        kind=ID(stored=True),
        id=ID(stored=True),
        rev=STORED(),
        title=STORED(),
        outlet=STORED(),
        language=STORED(),
        published=STORED(),
        title_de=TEXT(analyzer=analysis.GERMAN),
        title_en=TEXT(analyzer=analysis.ENGLISH),
        title_exact=TEXT(analyzer=analysis.EXACT),
        body_de=TEXT(analyzer=analysis.GERMAN),
        body_en=TEXT(analyzer=analysis.ENGLISH),
        body_exact=TEXT(analyzer=analysis.EXACT),
        lang=TEXT(analyzer=analysis.KEYWORD, phrase=False),
        source=TEXT(analyzer=analysis.NAME),
        tag=TEXT(analyzer=analysis.KEYWORD, phrase=False),
        actor=TEXT(analyzer=analysis.NAME),
        date_lo=NUMERIC(int, bits=32),
        date_hi=NUMERIC(int, bits=32),
    )


def doc_key(kind: str, record_id: int) -> str:
    """The unique key of a document: its kind and id ("note:3")."""
    return f"{kind}:{record_id}"


def date_key(day: dt.date) -> int:
    """A date as the integer yyyymmdd, the unit of ``date_lo``/``date_hi``."""
    return day.year * 10000 + day.month * 100 + day.day


def tag_keys(paths: Iterable[str]) -> list[str]:
    """Every whole-segment sub-path of each tag path.

    "Wirtschaft/Energie/Öl" gives "Wirtschaft", "Wirtschaft/Energie",
    "Wirtschaft/Energie/Öl", "Energie", "Energie/Öl" and "Öl". So ``tag:Energie``
    finds articles tagged "Energie" anywhere in the hierarchy *and* those tagged
    with any tag below it, and ``tag:Wirtschaft/Energie`` narrows to that branch.
    """
    keys: dict[str, None] = {}
    for path in paths:
        parts = [p.strip() for p in path.split("/") if p.strip()]
        for start in range(len(parts)):
            for end in range(start + 1, len(parts) + 1):
                keys["/".join(parts[start:end])] = None
    return list(keys)


def to_fields(doc: IndexDoc) -> dict[str, object]:
    """The keyword arguments for ``writer.add_document`` / ``update_document``."""
    fields: dict[str, object] = {
        "key": doc_key(doc.kind, doc.article_id),
        "kind": doc.kind,
        "id": str(doc.article_id),
        "rev": doc.rev,
        "title": doc.title,
        "outlet": doc.outlet,
        "language": doc.language,
        "published": doc.published,
        "title_de": doc.title,
        "title_en": doc.title,
        "title_exact": doc.title,
        "body_exact": doc.body,
        "lang": doc.language.strip(),
        "source": doc.outlet,
        "tag": analysis.SEPARATOR.join(tag_keys(doc.tags)),
        "actor": analysis.SEPARATOR.join(doc.actors),
    }
    language = doc.language.strip().lower()
    if language in STEMMED_LANGUAGES:
        fields[f"body_{language}"] = doc.body
    fields.update(_date_fields(doc.published))
    return fields


def _date_fields(published: str) -> dict[str, int]:
    """``date_lo``/``date_hi`` of a partial date, or nothing if it is empty or bad."""
    if not published.strip():
        return {}
    try:
        first, last = period(published)
    except ValidationError:
        return {}
    return {"date_lo": date_key(first), "date_hi": date_key(last)}
