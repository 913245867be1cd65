"""Hit spans and snippets for one page of search results.

The index does not store article bodies (the database has them), so hits are
found again by analysing the stored text with the same analyzers and comparing
with the query's terms. Offsets are code points of that text, the unit of every
span in Dossier.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh.reading import IndexReader

from app.search import analysis

log = logging.getLogger(__name__)

MAX_HIT_SPANS = 500
"""Hit spans returned per article; the first ones in text order."""

SNIPPET_LENGTH = 200
"""Target snippet length in code points (before the ellipses)."""

ELLIPSIS = "… "

_BODY_FIELDS = {"body_de": "de", "body_en": "en", "body_exact": "exact"}
_EXTENDERS = {"\u200d", "\ufe0e", "\ufe0f"}
_LINE_BREAKS = str.maketrans(dict.fromkeys("\n\r\t\v\f\x85\u2028\u2029", " "))

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class MatchTerms:
    """The analysed body terms a query looks for, per field kind."""

    de: frozenset[str] = field(default_factory=frozenset)
    en: frozenset[str] = field(default_factory=frozenset)
    exact: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not (self.de or self.en or self.exact)


def match_terms(query: wq.Query, reader: IndexReader) -> MatchTerms:
    """Terms of ``query`` in the body fields, wildcards and fuzzy words expanded.

    Terms under NOT are left out: they never mark a hit.
    """
    found: dict[str, set[str]] = {"de": set(), "en": set(), "exact": set()}
    for fieldname, text in _positive_terms(query, reader):
        kind = _BODY_FIELDS.get(fieldname)
        if kind is not None:
            found[kind].add(text)
    return MatchTerms(frozenset(found["de"]), frozenset(found["en"]), frozenset(found["exact"]))


def _positive_terms(q: wq.Query, reader: IndexReader) -> Iterator[tuple[str, str]]:
    if isinstance(q, wq.Not):
        return
    if isinstance(q, wq.AndNot):
        yield from _positive_terms(q.a, reader)
    elif isinstance(q, wq.Term):
        yield q.fieldname, q.text
    elif isinstance(q, wq.Phrase):
        for word in q.words:
            yield q.fieldname, word
    elif isinstance(q, wq.MultiTerm):
        if q.fieldname in _BODY_FIELDS:
            for btext in q._btexts(reader):  # Whoosh's expansion hook
                yield q.fieldname, btext.decode("utf-8")
    else:
        for child in q.children():
            yield from _positive_terms(child, reader)


def hit_spans(text: str, language: str, terms: MatchTerms) -> tuple[Span, ...]:
    """Every occurrence of a query term in ``text``, as sorted code-point spans.

    Equivalent to running the index analyzers over ``text`` with ``chars=True``,
    but only words whose first letter can start a query term are analysed (a
    regex finds them), and each distinct word only once: several times faster.
    """
    language = language.strip().lower()
    wanted = {"de": terms.de, "en": terms.en}.get(language, frozenset())
    is_hit: dict[str, bool] = {}
    spans: list[Span] = []
    firsts = {t[0] for t in (*terms.exact, *wanted) if t}
    if not firsts:  # nothing to mark (a query of only NOT): no pass over the text
        return ()
    for start, end, word in analysis.iter_words_starting(text, frozenset(firsts)):
        hit = is_hit.get(word)
        if hit is None:
            hit = is_hit[word] = analysis.fold(word) in terms.exact or bool(
                wanted and analysis.stemmed(language, word) in wanted
            )
        if hit:
            spans.append((start, end))
            if len(spans) >= MAX_HIT_SPANS:
                break
    return tuple(spans)


@dataclass(frozen=True, slots=True)
class Snippet:
    """Plain-text excerpt with ``marks`` as code-point spans inside ``text``."""

    text: str
    marks: tuple[Span, ...]


def make_snippet(text: str, spans: tuple[Span, ...], length: int = SNIPPET_LENGTH) -> Snippet:
    """About ``length`` code points of ``text`` around the densest group of hits.

    Line breaks become spaces (one for one, so offsets stay), the cut falls on
    whitespace where possible and never inside a character made of several code
    points; "… " marks a cut at either end.
    """
    if spans:
        first, last = _best_window(text, spans, length)
    else:
        first, last = 0, 0
    start, end = _widen(text, first, last, length)
    start, end = _snap(text, start, end, first, last)
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS[::-1] if end < len(text) else ""
    shift = len(prefix) - start
    marks = tuple(
        (max(s, start) + shift, min(e, end) + shift) for s, e in spans if s < end and e > start
    )
    body = text[start:end].translate(_LINE_BREAKS)
    return Snippet(prefix + body + suffix, marks)


def _best_window(text: str, spans: tuple[Span, ...], length: int) -> Span:
    """The start of the first and end of the last hit of the best group.

    A group is the run of hits that fits in ``length``; the best has the most
    distinct words, then the most hits (the first such group wins ties).
    """
    words = [analysis.fold(text[s:e]) for s, e in spans]
    best, best_score, j = (spans[0][0], spans[0][1]), (-1, -1), 0
    for i, (start, _end) in enumerate(spans):
        j = max(j, i)
        while j + 1 < len(spans) and spans[j + 1][1] - start <= length:
            j += 1
        score = (len(set(words[i : j + 1])), j - i + 1)
        if score > best_score:
            best, best_score = (start, spans[j][1]), score
    return best


def _widen(text: str, first: int, last: int, length: int) -> Span:
    """Centre a window of ``length`` on ``[first, last)`` inside the text."""
    pad = max(0, length - (last - first)) // 2
    start = max(0, first - pad)
    end = min(len(text), max(last, start + length))
    start = max(0, min(start, end - length))
    return start, end


def _snap(text: str, start: int, end: int, first: int, last: int) -> Span:
    """Move the cuts to whitespace (not past the hits) and off combined characters."""
    if start > 0:
        space = _first_space(text, start, first)
        start = space + 1 if space is not None else start
    if end < len(text):
        space = _last_space(text, max(last, start), end)
        end = space if space is not None else end
    while start > 0 and _is_joined(text, start):
        start -= 1
    while end < len(text) and _is_joined(text, end):
        end += 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _first_space(text: str, lo: int, hi: int) -> int | None:
    for index in range(lo, min(hi, len(text))):
        if text[index].isspace():
            return index
    return None


def _last_space(text: str, lo: int, hi: int) -> int | None:
    for index in range(hi - 1, lo - 1, -1):
        if text[index].isspace():
            return index
    return None


def _is_joined(text: str, index: int) -> bool:
    """Whether a cut before ``text[index]`` would split one visible character."""
    char, before = text[index], text[index - 1]
    if unicodedata.combining(char) or char in _EXTENDERS or before == "\u200d":
        return True
    # skin-tone modifiers and emoji tag characters (subdivision flags)
    return "\U0001f3fb" <= char <= "\U0001f3ff" or "\U000e0020" <= char <= "\U000e007f"
