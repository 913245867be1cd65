"""Lexer and parser of the query language users type; produces a small syntax tree.

Syntax::

    energie abkommen          both words (AND is the default)
    "kritische Mineralien"    these words in this order, in any inflection of the
                              article's language ("kritischen Mineralien");
                              "a b"~3 allows 3 words in between
    ="kritische Mineralien"   exactly these word forms (case and accents ignored)
    =Abkommen                 exactly this word form, not "Abkommens"
    a OR b, a AND b, NOT a, -a, ( ... )
    Flücht*                   words starting with "Flücht" (>= 2 letters before *)
    Tokajew~  Tokajew~2       what Tokajew finds, plus words within 1 (or 2, the
                              maximum) edits that start with the same letter
    title: source: lang: tag: actor: date:   fields; field:(a OR b) groups
    date:2025  date:2025-11..2026-01  date:>=2025-11-06  date:..2025-10
                              articles whose published period overlaps the range

Limits (a longer or deeper query is refused with a one-line message, never a
traceback): :data:`MAX_QUERY_LENGTH` characters, :data:`MAX_TERMS` search terms
(words, phrase words, dates) and :data:`MAX_DEPTH` levels of nested parentheses
and NOTs.

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

MAX_QUERY_LENGTH = 2000
"""Characters in a query; more is refused (a pasted article is not a query)."""
MAX_TERMS = 100
"""Words (phrase words included) and dates in a query; each becomes several index terms."""
MAX_DEPTH = 20
"""Nesting of parentheses and NOT/-; the parser and Whoosh recurse once per level."""
MAX_SLOP = 1000
"""Larger phrase slops are taken as this (a phrase cannot span more words anyway)."""

_FIELD_RE = re.compile(r"([A-Za-z_]+):")
_FUZZY_RE = re.compile(r"^(.*)~(\d*)$", re.DOTALL)
_OPERATORS = {"AND", "OR", "NOT"}


@dataclass(frozen=True, slots=True)
class Tok:
    """A lexical token: ``kind`` is LP, RP, AND, OR, NOT, NEG, FIELD, WORD or PHRASE.

    ``exact`` marks a word or phrase written with a leading ``=`` (exact word forms).
    """

    kind: str
    text: str
    pos: int
    end: int
    slop: int = 0
    exact: bool = False


@dataclass(frozen=True, slots=True)
class Word:
    """A word; ``prefix`` for ``word*``, ``fuzzy`` > 0 for ``word~N``, ``exact`` for ``=word``."""

    text: str
    field: str
    pos: int
    prefix: bool = False
    fuzzy: int = 0
    exact: bool = False


@dataclass(frozen=True, slots=True)
class Phrase:
    """A quoted phrase; ``slop`` words may come in between; ``exact`` for ``="..."``."""

    text: str
    field: str
    pos: int
    slop: int = 0
    exact: bool = False


@dataclass(frozen=True, slots=True)
class DateRange:
    """Articles whose published period overlaps ``[lo, hi]`` (None: open)."""

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
    """Split ``query`` into tokens; raises on an unclosed quote, unknown field or a
    query longer than :data:`MAX_QUERY_LENGTH`."""
    if len(query) > MAX_QUERY_LENGTH:
        raise _fail(query, f"the query is longer than {MAX_QUERY_LENGTH} characters",
                    MAX_QUERY_LENGTH)
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
        elif char == "=" and i + 1 < n and query[i + 1] == '"':
            i = _lex_phrase(query, i + 1, tokens, exact_from=i)
        elif char in "-+" and i + 1 < n and not query[i + 1].isspace() and query[i + 1] != char:
            if char == "-":
                tokens.append(Tok("NEG", char, i, i + 1))
            i += 1
        else:
            i = _lex_run(query, i, tokens)
    return tokens


def _lex_phrase(query: str, start: int, tokens: list[Tok], exact_from: int = -1) -> int:
    """A quoted phrase at ``start``; ``exact_from`` is the position of a leading ``=``."""
    close = query.find('"', start + 1)
    if close < 0:
        raise _fail(query, 'unclosed quote "', start)
    end = close + 1
    slop = 0
    match = re.match(r"~(\d+)", query[end:])
    if match:
        slop = min(int(match.group(1)), MAX_SLOP)
        end += match.end()
    pos = exact_from if exact_from >= 0 else start
    tokens.append(Tok("PHRASE", query[start + 1 : close], pos, end, slop, exact_from >= 0))
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
    exact = kind == "WORD" and len(run) > 1 and run[0] == "=" and run[1] != "="
    tokens.append(Tok(kind, run[1:] if exact else run, start, end, exact=exact))
    return end


class _Parser:
    """Recursive descent over the tokens: or_expr := and_expr (OR and_expr)*."""

    def __init__(self, query: str, tokens: list[Tok]) -> None:
        self.query = query
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    def deeper(self, token: Tok) -> None:
        """Enter one more level of parentheses or NOT (see :data:`MAX_DEPTH`)."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(
                f"the query nests parentheses or NOT more than {MAX_DEPTH} levels deep",
                token.pos,
            )

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
            self.deeper(token)
            child = self.unary(field)
            self.depth -= 1
            return Not(child)
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
        self.deeper(opening)
        node = self.or_expr(field)
        closing = self.peek()
        if closing is None or closing.kind != "RP":
            raise self.fail("unclosed (", opening.pos)
        self.take()
        self.depth -= 1
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
        return Phrase(token.text, field, token.pos, token.slop, token.exact)
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
        return Word(text, field, pos, fuzzy=fuzzy, exact=token.exact)
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
        return _compared(query, compared.group("op"), compared.group("d"), pos)
    first, last = _period(query, value, pos)
    return DateRange(first, last, pos)


def _compared(query: str, op: str, text: str, pos: int) -> DateRange:
    """``>=``, ``>``, ``<=`` or ``<`` a partial date (a period: its first or last day)."""
    first, last = _period(query, text, pos)
    if (op == ">" and last == dt.date.max) or (op == "<" and first == dt.date.min):
        side = "after" if op == ">" else "before"
        raise _fail(query, f"there are no dates {side} {text}", pos)
    one_day = dt.timedelta(days=1)
    if op == ">=":
        return DateRange(first, None, pos)
    if op == ">":
        return DateRange(last + one_day, None, pos)
    if op == "<=":
        return DateRange(None, last, pos)
    return DateRange(None, first - one_day, pos)


def _period(query: str, text: str, pos: int) -> tuple[dt.date, dt.date]:
    try:
        return period(text)
    except ValidationError:
        raise _fail(
            query, f'date "{text}" is not a real date like 2025, 2025-11 or 2025-11-06', pos
        ) from None


def _check_term_count(query: str, tokens: list[Tok]) -> None:
    """Refuse more than :data:`MAX_TERMS` words, phrase words and field values."""
    count = 0
    for token in tokens:
        if token.kind == "WORD":
            count += 1
        elif token.kind == "PHRASE":
            count += max(1, len(token.text.split()))
        if count > MAX_TERMS:
            raise _fail(query, f"the query has more than {MAX_TERMS} search words", token.pos)


def parse_syntax(query: str) -> Node:
    """Parse ``query`` into a syntax tree; raises :class:`QuerySyntaxError`."""
    tokens = tokenize(query)
    if not tokens:
        raise QuerySyntaxError("type something to search", query=query, position=None)
    _check_term_count(query, tokens)
    return _Parser(query, tokens).parse()
