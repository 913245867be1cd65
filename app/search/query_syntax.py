"""Lexer and parser of the query language users type; produces a small syntax tree.

Syntax::

    energie abkommen          both words (AND is the default)
    "Europäische Union"       exact words in this order (case and accents ignored,
                              not stemmed); "a b"~3 allows 3 words in between
    a OR b, a AND b, NOT a, -a, ( ... )
    Flücht*                   words starting with "Flücht" (>= 2 letters before *)
    Tokajew~  Tokajew~2       words within 1 (or 2, the maximum) edits
    title: source: lang: tag: actor: date:   fields; field:(a OR b) groups
    date:2025  date:2025-11..2026-01  date:>=2025-11-06  date:..2025-10

Operators are upper case; lower-case "and"/"or"/"not" are ordinary words. Errors
raise :class:`QuerySyntaxError` with a one-line message naming the problem and
its code-point position. An empty query is an error too ("type something to
search"), so the caller can tell the user instead of showing every article.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from app.core.dates import period
from app.core.errors import QuerySyntaxError, ValidationError

FIELDS = {
    "title": "title",
    "source": "source",
    "outlet": "source",
    "lang": "lang",
    "language": "lang",
    "tag": "tag",
    "actor": "actor",
    "date": "date",
}
"""Field names users may type, mapped to the canonical name."""

MAX_FUZZY = 2
MIN_PREFIX = 2

_FIELD_RE = re.compile(r"([A-Za-z_]+):")
_FUZZY_RE = re.compile(r"^(.*)~(\d*)$", re.DOTALL)
_OPERATORS = {"AND", "OR", "NOT"}


@dataclass(frozen=True, slots=True)
class Tok:
    """A lexical token: ``kind`` is LP, RP, AND, OR, NOT, NEG, FIELD, WORD or PHRASE."""

    kind: str
    text: str
    pos: int
    end: int
    slop: int = 0


@dataclass(frozen=True, slots=True)
class Word:
    """A word; ``prefix`` for ``word*``, ``fuzzy`` > 0 for ``word~N``."""

    text: str
    field: str
    pos: int
    prefix: bool = False
    fuzzy: int = 0


@dataclass(frozen=True, slots=True)
class Phrase:
    """A quoted phrase; ``slop`` words may come in between."""

    text: str
    field: str
    pos: int
    slop: int = 0


@dataclass(frozen=True, slots=True)
class DateRange:
    """Articles whose published period lies within ``[lo, hi]`` (None: open)."""

    lo: dt.date | None
    hi: dt.date | None
    pos: int


@dataclass(frozen=True, slots=True)
class Bool:
    """``op`` is "and" or "or"."""

    op: str
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    """Articles not matching ``child``."""

    child: Node


Node = Word | Phrase | DateRange | Bool | Not


def _fail(query: str, message: str, pos: int | None) -> QuerySyntaxError:
    where = f" (at character {pos + 1})" if pos is not None else ""
    return QuerySyntaxError(message + where, query=query, position=pos)


def tokenize(query: str) -> list[Tok]:
    """Split ``query`` into tokens; raises on an unclosed quote or unknown field."""
    tokens: list[Tok] = []
    i, n = 0, len(query)
    while i < n:
        char = query[i]
        if char.isspace():
            i += 1
        elif char in "()":
            tokens.append(Tok("LP" if char == "(" else "RP", char, i, i + 1))
            i += 1
        elif char == '"':
            i = _lex_phrase(query, i, tokens)
        elif char in "-+" and i + 1 < n and not query[i + 1].isspace() and query[i + 1] != char:
            if char == "-":
                tokens.append(Tok("NEG", char, i, i + 1))
            i += 1
        else:
            i = _lex_run(query, i, tokens)
    return tokens


def _lex_phrase(query: str, start: int, tokens: list[Tok]) -> int:
    close = query.find('"', start + 1)
    if close < 0:
        raise _fail(query, 'unclosed quote "', start)
    end = close + 1
    slop = 0
    match = re.match(r"~(\d+)", query[end:])
    if match:
        slop = int(match.group(1))
        end += match.end()
    tokens.append(Tok("PHRASE", query[start + 1 : close], start, end, slop))
    return end


def _lex_run(query: str, start: int, tokens: list[Tok]) -> int:
    end = start
    while end < len(query) and not query[end].isspace() and query[end] not in '()"':
        end += 1
    run = query[start:end]
    field = _FIELD_RE.match(run)
    if field and not run[field.end() :].startswith("//"):
        name = field.group(1).lower()
        if name not in FIELDS:
            known = ", ".join(f"{f}:" for f in ("title", "source", "lang", "tag", "actor", "date"))
            raise _fail(query, f'unknown field "{field.group(0)}"; fields are {known}', start)
        tokens.append(Tok("FIELD", FIELDS[name], start, start + field.end()))
        return start + field.end()
    kind = run if run in _OPERATORS else "WORD"
    tokens.append(Tok(kind, run, start, end))
    return end


class _Parser:
    """Recursive descent over the tokens: or_expr := and_expr (OR and_expr)*."""

    def __init__(self, query: str, tokens: list[Tok]) -> None:
        self.query = query
        self.tokens = tokens
        self.index = 0

    def peek(self) -> Tok | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> Tok:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def fail(self, message: str, pos: int | None) -> QuerySyntaxError:
        return _fail(self.query, message, pos)

    def parse(self) -> Node:
        node = self.or_expr("")
        rest = self.peek()
        if rest is not None:
            raise self.fail("unmatched )", rest.pos)
        return node

    def or_expr(self, field: str) -> Node:
        children = [self.and_expr(field)]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.take()
            self.need_operand(token)
            children.append(self.and_expr(field))
        return children[0] if len(children) == 1 else Bool("or", tuple(children))

    def and_expr(self, field: str) -> Node:
        children = [self.unary(field)]
        while (token := self.peek()) is not None and token.kind not in ("RP", "OR"):
            if token.kind == "AND":
                self.take()
                self.need_operand(token)
            children.append(self.unary(field))
        return children[0] if len(children) == 1 else Bool("and", tuple(children))

    def need_operand(self, operator: Tok) -> None:
        after = self.peek()
        if after is None or after.kind in ("RP", "AND", "OR"):
            raise self.fail(f"{operator.text} needs a search term after it", operator.pos)

    def unary(self, field: str) -> Node:
        token = self.peek()
        if token is not None and token.kind in ("NOT", "NEG"):
            self.take()
            self.need_operand(token)
            return Not(self.unary(field))
        return self.primary(field)

    def primary(self, field: str) -> Node:
        token = self.take()
        if token.kind in ("AND", "OR"):
            raise self.fail(f"{token.kind} needs a search term before it", token.pos)
        if token.kind == "RP":
            raise self.fail("unmatched )", token.pos)
        if token.kind == "LP":
            return self.group(token, field)
        if token.kind == "FIELD":
            return self.fielded(token)
        return make_leaf(self.query, token, field)

    def group(self, opening: Tok, field: str) -> Node:
        after = self.peek()
        if after is not None and after.kind == "RP":
            raise self.fail("empty parentheses", opening.pos)
        if after is None:
            raise self.fail("unclosed (", opening.pos)
        node = self.or_expr(field)
        closing = self.peek()
        if closing is None or closing.kind != "RP":
            raise self.fail("unclosed (", opening.pos)
        self.take()
        return node

    def fielded(self, token: Tok) -> Node:
        value = self.peek()
        if value is None or value.pos != token.end or value.kind in ("RP", "FIELD", "NEG"):
            raise self.fail(f"{token.text}: needs a value", token.pos)
        self.take()
        if value.kind == "LP":
            if token.text == "date":
                raise self.fail("date: takes one date or range, not a group", value.pos)
            return self.group(value, token.text)
        if value.kind in _OPERATORS:
            value = Tok("WORD", value.text, value.pos, value.end)
        return make_leaf(self.query, value, token.text)


def make_leaf(query: str, token: Tok, field: str) -> Node:
    """A word, phrase or date node from a WORD or PHRASE token in ``field``."""
    if field == "date":
        return parse_date_value(query, token.text, token.pos)
    if token.kind == "PHRASE":
        if not token.text.strip():
            raise _fail(query, "empty quotes", token.pos)
        return Phrase(token.text, field, token.pos, token.slop)
    return _word(query, token, field)


def _word(query: str, token: Tok, field: str) -> Word:
    text, pos = token.text, token.pos
    fuzzy = 0
    match = _FUZZY_RE.match(text)
    if match:
        text, digits = match.groups()
        if not text:
            raise _fail(query, "~ needs a word before it, as in Tokajew~", pos)
        fuzzy = min(int(digits), MAX_FUZZY) if digits else 1
        if "*" in text:
            raise _fail(query, "a word cannot have both * and ~", pos)
    if "*" not in text:
        return Word(text, field, pos, fuzzy=fuzzy)
    if text.strip("*") == "":
        raise _fail(
            query, f"a lone * cannot be searched; type at least {MIN_PREFIX} letters before it", pos
        )
    if text.index("*") != len(text) - 1:
        raise _fail(
            query, "* is only allowed at the end of a word, as in Flücht*", pos + text.index("*")
        )
    stem = text[:-1]
    if sum(c.isalnum() for c in stem) < MIN_PREFIX:
        raise _fail(
            query, f'"{text}" is too short: type at least {MIN_PREFIX} letters before *', pos
        )
    return Word(stem, field, pos, prefix=True)


_DATE_RANGE = re.compile(r"^(?P<a>[^.]*)\.\.(?P<b>[^.]*)$")
_DATE_CMP = re.compile(r"^(?P<op>>=|<=|>|<)(?P<d>.*)$")


def parse_date_value(query: str, value: str, pos: int) -> DateRange:
    """``2025``, ``2025-11..2026-01``, ``..2025``, ``>=2025-11-06`` etc. as a range."""
    value = value.strip()
    ranged = _DATE_RANGE.match(value)
    if ranged:
        lo_text, hi_text = ranged.group("a"), ranged.group("b")
        if not lo_text and not hi_text:
            raise _fail(query, "date range needs at least one end, as in 2025-11..2026-01", pos)
        lo = _period(query, lo_text, pos)[0] if lo_text else None
        hi = _period(query, hi_text, pos)[1] if hi_text else None
        if lo and hi and lo > hi:
            raise _fail(query, f"date range {value} ends before it starts", pos)
        return DateRange(lo, hi, pos)
    compared = _DATE_CMP.match(value)
    if compared:
        first, last = _period(query, compared.group("d"), pos)
        one_day = dt.timedelta(days=1)
        bounds = {
            ">=": (first, None),
            ">": (last + one_day, None),
            "<=": (None, last),
            "<": (None, first - one_day),
        }
        lo, hi = bounds[compared.group("op")]
        return DateRange(lo, hi, pos)
    first, last = _period(query, value, pos)
    return DateRange(first, last, pos)


def _period(query: str, text: str, pos: int) -> tuple[dt.date, dt.date]:
    try:
        return period(text)
    except ValidationError:
        raise _fail(
            query, f'date "{text}" is not a real date like 2025, 2025-11 or 2025-11-06', pos
        ) from None


def parse_syntax(query: str) -> Node:
    """Parse ``query`` into a syntax tree; raises :class:`QuerySyntaxError`."""
    tokens = tokenize(query)
    if not tokens:
        raise QuerySyntaxError("type something to search", query=query, position=None)
    return _Parser(query, tokens).parse()
