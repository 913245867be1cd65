"""Dossier's records as REFI-QDA records: tags, articles, highlights, users, variables.

Cases (actors, agreements), notes and links are in :mod:`app.qdpx.from_records`. What
maps where, and what has no place in the standard, is the table in ``docs/refi-qda.md``;
keep the two in step.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping

from app.core.records import Article, Highlight, Tag
from app.qdpx.export_model import Code, Coding, Selection, TextSource, User, Value, Variable
from app.qdpx.guids import Guids
from app.qdpx.nvivo_offsets import Layout

SOURCE_TEXT_FIELDS = (
    ("Outlet", "outlet", "the outlet (newspaper, agency, site) that published the article"),
    ("Published", "published", "publication date: YYYY, YYYY-MM or YYYY-MM-DD"),
    ("Language", "language", "ISO 639-1 language code"),
    ("URL", "url", "where the article was found"),
    ("Author", "author", "the article's author(s)"),
    ("Original file", "original_name", "the file the article was imported from"),
)
"""Article metadata written as text variables of its source: (variable, field, meaning)."""

EXTRA_PREFIX = "Extra: "
RECORD = "Dossier record"
FLOATS = ("Value amount", "Value amount max")
CASE_VARIABLES = (RECORD, "Actor kind", "Country", "Aliases", "External id",
                  "Agreement type", "Status", "Date", "Value", "Currency", "Value qualifier",
                  "Value unit", "Parties", "Status history", *FLOATS)
"""Names of the variables cases use (``app.qdpx.from_records``)."""
_TAKEN = frozenset(n.casefold() for n in (*(f[0] for f in SOURCE_TEXT_FIELDS), "Imported at",
                                          *CASE_VARIABLES))


class Users:
    """The users a project declares: every author Dossier names, each once."""

    def __init__(self, guids: Guids) -> None:
        self._guids = guids
        self._users: dict[str, User] = {}

    def guid(self, name: str) -> str:
        """The GUID of user ``name`` ("" for no name), declaring the user on first use."""
        if not name:
            return ""
        if name not in self._users:
            self._users[name] = User(self._guids.of("user", name), name)
        return self._users[name].guid

    def all(self) -> tuple[User, ...]:
        return tuple(self._users.values())


class Variables:
    """The variables a project declares, in order of first use, one per name."""

    def __init__(self, guids: Guids) -> None:
        self._guids = guids
        self._variables: dict[str, Variable] = {}

    def value(self, name: str, data: str | float | dt.datetime, type_: str = "Text",
              description: str = "") -> Value:
        """A value of variable ``name`` (declared on first use with ``type_``)."""
        var = self._variables.get(name)
        if var is None:
            var = Variable(self._guids.of("variable", name), name, type_, description)
            self._variables[name] = var
        return Value(var, data)

    def all(self) -> tuple[Variable, ...]:
        return tuple(self._variables.values())


def colour(value: str) -> str:
    """``#RRGGBB`` (upper case) from Dossier's ``#rrggbb`` or ``#rgb``; "" if not a colour."""
    digits = value.strip().lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    if len(digits) != 6 or any(c not in "0123456789abcdefABCDEF" for c in digits):
        return ""
    return "#" + digits.upper()


def code_tree(tags: Iterable[Tag], guids: Guids) -> tuple[Code, ...]:
    """The tag hierarchy as nested codes; siblings sorted by name. Every code is codable:
    a Dossier tag with children can still tag passages itself."""
    children: dict[int | None, list[Tag]] = defaultdict(list)
    for tag in tags:
        children[tag.parent_id].append(tag)

    def build(parent: int | None) -> tuple[Code, ...]:
        items = sorted(children.get(parent, []), key=lambda t: (t.name.casefold(), t.id))
        return tuple(Code(guids.of("tag", t.id), t.name, colour(t.colour), t.description,
                          True, build(t.id)) for t in items)

    return build(None)


def source_values(article: Article, variables: Variables) -> tuple[Value, ...]:
    """The article's metadata as variable values (empty fields left out)."""
    summary = article.summary
    values = [variables.value(name, getattr(summary, field), "Text", meaning)
              for name, field, meaning in SOURCE_TEXT_FIELDS if getattr(summary, field)]
    values.append(variables.value("Imported at", summary.imported_at, "DateTime",
                                  "when the article was imported into Dossier"))
    values += [variables.value(extra_name(key), text, "Text", "metadata found on import")
               for key, text in sorted(article.extra.items()) if text]
    return tuple(values)


def extra_name(key: str) -> str:
    """The variable of an extra metadata field: its key, unless a field's name has it."""
    taken = key.casefold() in _TAKEN or key.casefold().startswith(EXTRA_PREFIX.casefold())
    return EXTRA_PREFIX + key if taken else key


def is_placed(highlight: Highlight, text: str) -> bool:
    """True when a highlight sits on its text (not orphaned, span inside the text)."""
    return (not highlight.is_orphaned
            and 0 <= highlight.start < highlight.end <= len(text))


def selection(h: Highlight, layout: Layout, guids: Guids, users: Users,
              note_refs: tuple[str, ...]) -> Selection:
    """A highlight as a coded selection: one coding per tag, its memo as description,
    the words it covers (as written in the file) as its name."""
    user = users.guid(h.author)
    codings = tuple(Coding(guids.of("coding", h.id, t), guids.of("tag", t), user, h.created_at)
                    for t in h.tag_ids)
    return Selection(guids.of("highlight", h.id), layout.quote(h.start, h.end),
                     layout.position(h.start), layout.position(h.end), h.memo, codings,
                     note_refs, user, h.created_at, h.modified_at)


def text_source(article: Article, file_name: str, selections: tuple[Selection, ...],
                guids: Guids, variables: Variables,
                note_refs: Mapping[str, tuple[str, ...]]) -> TextSource:
    """An article as a text source whose text is ``sources/<file_name>``."""
    guid = guids.of("article", article.id)
    name = article.title or article.summary.original_name or f"Article {article.id}"
    return TextSource(guid, name, file_name, "", selections, note_refs.get(guid, ()),
                      source_values(article, variables), article.summary.imported_at)
