"""Tokenizer, filters and analyzers of the search index.

The Whoosh schema, including these analyzer objects, is pickled into the index.
Unpickling needs the classes at the same import path, so this module's path
(``app.search.analysis``) and the class names here must never change; change
behaviour only together with ``SCHEMA_VERSION`` in :mod:`app.search.schema`.

Offsets: tokens produced with ``chars=True`` carry ``startchar``/``endchar`` in
code points of the ``str`` that was analysed (Python indices), which is the
unit of every span in Dossier.
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import regex
import Stemmer
from whoosh.analysis import Filter, LowercaseFilter, Token, Tokenizer

log = logging.getLogger(__name__)

_START = r"[\w--[\p{M}\u200c\u200d]]"
_REST = r"[\w\p{M}--[\u200c\u200d]]"
NAME_PATTERN = rf"{_START}{_REST}*"
"""A word (``regex`` V1 syntax): starts with a letter, digit or underscore and
keeps the combining marks that follow. Joiners and variation selectors alone
(emoji glue) are not words."""

WORD_PATTERN = rf"{NAME_PATTERN}(?:\.{NAME_PATTERN})*"
"""A word as in :data:`NAME_PATTERN`, inner dots kept ("1.1", "u.s")."""

SEPARATOR = "\x1f"
"""Separates several values (tag paths, actor names) given to one field."""

_FOLD_EXTRA = {
    "ß": "ss",
    "ẞ": "ss",
    "æ": "ae",
    "ø": "o",
    "œ": "oe",
    "ð": "d",
    "þ": "th",
    "ł": "l",
    "đ": "d",
    "ı": "i",
}


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case ``text`` and strip accents and combining marks.

    Used on both sides (index and query) so that "Flüchtling", "FLUCHTLING" and
    "Flu\u0308chtling" meet. ``ß`` becomes ``ss`` (not ``s`` as Whoosh's
    ``accent_map`` would do).
    """
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(_FOLD_EXTRA.get(c, c) for c in stripped)


def thread_stemmer(local: threading.local, language: str) -> Any:
    """This thread's PyStemmer stemmer for ``language`` (stemmers are not thread-safe:
    the indexer thread and the GUI thread analyse text at the same time)."""
    stemmer = getattr(local, "stemmer", None)
    if stemmer is None:
        stemmer = local.stemmer = Stemmer.Stemmer(language)
    return stemmer


class WordTokenizer(Tokenizer):
    """Split text into words (see :data:`WORD_PATTERN`), keeping combining marks.

    Python's ``re`` ``\\w`` drops combining marks, which would cut "Zoe\u0308" or
    Devanagari words apart and give hit spans that end inside a character; the
    ``regex`` module's ``\\p{M}`` keeps them.
    """

    def __init__(self, pattern: str = WORD_PATTERN) -> None:
        self.pattern = pattern
        self._compiled: Any = None

    def __getstate__(self) -> dict[str, Any]:
        return {"pattern": self.pattern}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.pattern = state["pattern"]
        self._compiled = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WordTokenizer) and other.pattern == self.pattern

    def __hash__(self) -> int:
        return hash(self.pattern)

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        if self._compiled is None:
            self._compiled = regex.compile(self.pattern, regex.V1)
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        matches = self._compiled.finditer(value) if tokenize else [_Whole(value)]
        for pos, match in enumerate(matches):
            token.text = match.group(0)
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = token.text
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token


class _Whole:
    """Stand-in for a match covering all of ``value`` (``tokenize=False``)."""

    def __init__(self, value: str) -> None:
        self.value = value

    def group(self, _index: int) -> str:
        return self.value

    def start(self) -> int:
        return 0

    def end(self) -> int:
        return len(self.value)


class SeparatorTokenizer(WordTokenizer):
    """One token per :data:`SEPARATOR`-separated value, spaces kept."""

    def __init__(self) -> None:
        super().__init__(f"[^{SEPARATOR}]+")


class FoldFilter(Filter):
    """Apply :func:`fold` to every token (accent and case folding)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FoldFilter)

    def __hash__(self) -> int:
        return hash(FoldFilter)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = fold(token.text)
            yield token


class SnowballFilter(Filter):
    """Stem tokens with PyStemmer's C Snowball stemmer for ``language``.

    PyStemmer objects are not thread-safe, and the indexer thread and the GUI
    thread analyse text at the same time, so each thread gets its own stemmer.
    The German stemmer also maps "ue"/"ae"/"oe" to umlauts and "ß" to "ss", so
    it must run before :class:`FoldFilter`.
    """

    is_morph = True

    def __init__(self, language: str) -> None:
        self.language = language
        self._local = threading.local()

    def __getstate__(self) -> dict[str, Any]:
        return {"language": self.language}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.language = state["language"]
        self._local = threading.local()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SnowballFilter) and other.language == self.language

    def __hash__(self) -> int:
        return hash(("snowball", self.language))

    def stem(self, word: str) -> str:
        """The stem of one lower-case word."""
        return thread_stemmer(self._local, self.language).stemWord(word)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            if not token.stopped:
                token.text = self.stem(token.text)
            yield token


def german_analyzer() -> Any:
    """Words, lower case, German Snowball stem, then accent folding."""
    return WordTokenizer() | LowercaseFilter() | SnowballFilter("german") | FoldFilter()


def english_analyzer() -> Any:
    """Words, lower case, English Snowball stem, then accent folding."""
    return WordTokenizer() | LowercaseFilter() | SnowballFilter("english") | FoldFilter()


def exact_analyzer() -> Any:
    """Words, case- and accent-folded, not stemmed: exact words and phrases."""
    return WordTokenizer() | FoldFilter()


def name_analyzer() -> Any:
    """Outlet and actor names: words, folded; multiword names match as phrases.

    Splits on dots too, so that ``source:euractiv`` matches "EURACTIV.com".
    """
    return WordTokenizer(NAME_PATTERN) | FoldFilter()


def keyword_analyzer() -> Any:
    """Whole values separated by :data:`SEPARATOR`, folded (tags, languages)."""
    return SeparatorTokenizer() | FoldFilter()


_WORDS = regex.compile(WORD_PATTERN, regex.V1)
_FIRST_LETTERS = "".join(chr(c) for c in range(0x41, 0x250) if chr(c).isalpha())
"""Latin letters (Basic to Extended-B) whose folded first letter the fast path knows."""
_FOLDED_FIRSTS = frozenset(fold(c)[:1] for c in _FIRST_LETTERS)
_STEMMERS = {"de": SnowballFilter("german"), "en": SnowballFilter("english")}


def iter_words(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, word)`` for each word of ``text``, as :class:`WordTokenizer` cuts it."""
    for match in _WORDS.finditer(text):
        yield match.start(), match.end(), match.group(0)


_WORD_CHAR = r"[\w\p{M}--[\u200c\u200d]]"


_MARK = regex.compile(r"\p{M}", regex.V1)


@lru_cache(maxsize=256)
def _starting_with(firsts: frozenset[str], marked: bool = False) -> Any:
    """A regex finding exactly the words :func:`iter_words` finds whose folded form
    starts with one of ``firsts`` (folded first letters); ``marked`` for texts with
    combining marks (slower look-behinds: compiled only when such a text comes)."""
    letters = {c for c in _FIRST_LETTERS if fold(c)[:1] in firsts}
    letters |= {c for f in firsts for c in (f, f.upper())}
    klass = "".join(regex.escape(c) for c in sorted(letters))
    # Not inside a word, and not the part after an inner dot ("u.s", "1.1"), which
    # iter_words keeps in the word before it. A combining mark with no word before it
    # belongs to no word ("\u0301a" is the word "a"): with marks in the text, a mark
    # before the letter is inside a word only if a word start precedes it.
    if marked:
        boundary = (rf"(?<!{_START})(?<!{_START}{_REST}*\p{{M}})"
                    rf"(?<!{_START}\.)(?<!{_START}{_REST}*\p{{M}}\.)")
    else:
        boundary = rf"(?<!{_WORD_CHAR})(?<!{_WORD_CHAR}\.)"
    # the first letter matched from the class itself (every letter in it is a _START),
    # not a look-ahead before WORD_PATTERN: the same words, a fifth faster
    rest = rf"[{klass}]{_REST}*(?:\.{NAME_PATTERN})*"
    return regex.compile(boundary + rest, regex.V1)


def iter_words_starting(text: str, firsts: frozenset[str]) -> Iterator[tuple[int, int, str]]:
    """Like :func:`iter_words`, but only words whose folded form starts with a letter
    in ``firsts``. Non-letters (digits) and letters outside Latin-1/Latin Extended-A
    fall back to :func:`iter_words` filtered in Python."""
    if not firsts or not all(f in _FOLDED_FIRSTS for f in firsts):
        for start, end, word in iter_words(text):
            if fold(word[:1])[:1] in firsts or fold(word)[:1] in firsts:
                yield start, end, word
        return
    for match in _starting_with(firsts, bool(_MARK.search(text))).finditer(text):
        yield match.start(), match.end(), match.group(0)


@lru_cache(maxsize=65536)
def stemmed(language: str, word: str) -> str:
    """``word`` as the "de" or "en" analyzer indexes it (lower, stem, fold).

    Cached: snippets look up the same vocabulary on every search.
    """
    return fold(_STEMMERS[language].stem(word.lower()))


NAME = name_analyzer()
KEYWORD = keyword_analyzer()


def analyze(analyzer: Any, text: str) -> list[str]:
    """The query-mode token texts of ``text`` under ``analyzer``."""
    return [token.text for token in analyzer(text, mode="query")]


class _CachedTokenizer(WordTokenizer):
    """A :class:`WordTokenizer` whose tokens are ``transform(word)``, cached per thread.

    Fusing the filters into the tokenizer saves four generator layers per token, and the
    cache exploits that news vocabulary is Zipfian (most lookups hit). Indexing spends
    most of its analysis time here, so this matters for import speed.
    """

    CACHE_LIMIT = 200_000

    def __init__(self, pattern: str = WORD_PATTERN) -> None:
        super().__init__(pattern)
        self._local = threading.local()

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        self._local = threading.local()

    def transform(self, word: str) -> str:
        raise NotImplementedError

    def split(self, value: str) -> list[str]:
        """The words of ``value`` before transforming (token ``n`` is word ``n``)."""
        if self._compiled is None:
            self._compiled = regex.compile(self.pattern, regex.V1)
        return self._compiled.findall(value)

    def word_positions(self, value: str, words: list[str] | None = None) -> dict[str, list[int]]:
        """Each token text of ``value`` with its positions, in order of first
        occurrence: what indexing with positions needs, without a Token per word
        (the same texts and positions as ``self(value, positions=True)``).
        ``words``: ``self.split(value)`` when already known."""
        if words is None:
            words = self.split(value)
        cache = getattr(self._local, "cache", None)
        if cache is None or len(cache) > self.CACHE_LIMIT:
            cache = self._local.cache = {}
        transform = self.transform
        poses: dict[str, list[int]] = {}
        for pos, word in enumerate(words):
            text = cache.get(word)
            if text is None:
                text = cache[word] = transform(word)
            found = poses.get(text)
            if found is None:
                poses[text] = [pos]
            else:
                found.append(pos)
        return poses

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "",
                 **kwargs: Any) -> Iterator[Token]:
        if self._compiled is None:
            self._compiled = regex.compile(self.pattern, regex.V1)
        cache = getattr(self._local, "cache", None)
        if cache is None or len(cache) > self.CACHE_LIMIT:
            cache = self._local.cache = {}
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        matches = self._compiled.finditer(value) if tokenize else [_Whole(value)]
        for pos, match in enumerate(matches):
            word = match.group(0)
            text = cache.get(word)
            if text is None:
                text = cache[word] = self.transform(word)
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = word
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token


class StemFoldTokenizer(_CachedTokenizer):
    """``WordTokenizer | LowercaseFilter | SnowballFilter | FoldFilter`` in one pass."""

    is_morph = True

    def __init__(self, language: str) -> None:
        super().__init__(WORD_PATTERN)
        self.language = language

    def __getstate__(self) -> dict[str, Any]:
        return {"pattern": self.pattern, "language": self.language}

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        self.language = state["language"]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StemFoldTokenizer) and other.language == self.language

    def __hash__(self) -> int:
        return hash(("stemfold", self.language))

    def transform(self, word: str) -> str:
        return fold(thread_stemmer(self._local, self.language).stemWord(word.lower()))


class FoldTokenizer(_CachedTokenizer):
    """``WordTokenizer | FoldFilter`` in one pass."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FoldTokenizer) and other.pattern == self.pattern

    def __hash__(self) -> int:
        return hash(("foldtok", self.pattern))

    def transform(self, word: str) -> str:
        return fold(word)


# The analyzers the schema uses. The fused tokenizers give the same tokens as
# german_analyzer() / english_analyzer() / exact_analyzer() (a test checks it), faster.
GERMAN = StemFoldTokenizer("german")
ENGLISH = StemFoldTokenizer("english")
EXACT = FoldTokenizer()
