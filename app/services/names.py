"""Cross-language name keys: one identity across spellings of the same name.

News in German and English (and Russian sources) spell the same person differently:
Tokayev / Tokajew / Tokaev / Токаев, Mirziyoyev / Mirsijojew, Kassym-Jomart /
Kassym-Schomart / Kasym-Zhomart. English phonetic codes (Soundex, Metaphone) split the
German spellings, so Dossier compares *forms*: the ASCII-folded word (anyascii) rewritten
by German and by English romanisation rules into one common spelling. A word has a small
set of forms (German rules, English rules, with and without an inflection ending); two
words are the same name when their form sets meet. Near misses (Mirziyev, Tramp) are
scored with rapidfuzz on the forms.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

from anyascii import anyascii
from rapidfuzz import fuzz

WORD = re.compile(r"[^\W\d_]+")
"""A word of letters; hyphens, apostrophes, digits and spaces separate words."""

_VOWELS = "aeiou"
_BETWEEN_VOWELS = re.compile(r"(?<=[aeiou])i(?=[aeiou])")
_REPEATS = re.compile(r"(.)\1+")
# Upper-case markers stand for sounds both rule sets must agree on: C = ch (Tschirtschik /
# Chirchik), J = sh/zh (Schomart / Zhomart / Jomart), X = kh (Kasachstan / Kazakhstan).
_GERMAN = (("tsch", "C"), ("dsch", "J"), ("sch", "J"), ("ch", "X"), ("j", "y"), ("w", "v"))
_ENGLISH = (("kh", "X"), ("zh", "J"), ("sh", "J"), ("ch", "C"), ("j", "J"), ("w", "v"))
_COMMON = str.maketrans({"z": "s", "q": "k", "y": "i"})
_CYRILLIC = str.maketrans({"ё": "yo", "Ё": "Yo", "й": "y", "Й": "Y"})
_POSSESSIVE = re.compile(r"['’]s\b")
_NOT_CONSONANT = re.compile(r"[aeiou]")
_SUFFIXES = ("s", "es", "a")  # genitive Trumps/Kasachstans; Russian genitive Tokajewa

SCRIPT_CODES = {
    "LATIN": "Latn", "CYRILLIC": "Cyrl", "ARABIC": "Arab", "GREEK": "Grek",
    "HEBREW": "Hebr", "CJK": "Hani", "HIRAGANA": "Jpan", "KATAKANA": "Jpan",
    "HANGUL": "Kore", "GEORGIAN": "Geor", "ARMENIAN": "Armn", "DEVANAGARI": "Deva",
    "THAI": "Thai",
}
"""First word of a Unicode character name -> ISO 15924 script code."""


def fold(text: str) -> str:
    """Lowercase ASCII spelling of ``text`` (anyascii), for comparisons."""
    return anyascii(unicodedata.normalize("NFC", text).translate(_CYRILLIC)).lower()


def _rewrite(word: str, rules: tuple[tuple[str, str], ...]) -> str:
    for old, new in rules:
        word = word.replace(old, new)
    word = word.translate(_COMMON)
    word = _REPEATS.sub(r"\1", word)
    return _BETWEEN_VOWELS.sub("", word)


@lru_cache(maxsize=200_000)
def word_forms(word: str) -> frozenset[str]:
    """Common-spelling forms of one word under German and English romanisation rules."""
    folded = "".join(ch for ch in fold(word) if ch.isalpha())
    if not folded:
        return frozenset()
    return frozenset({_rewrite(folded, _GERMAN), _rewrite(folded, _ENGLISH)})


@lru_cache(maxsize=200_000)
def inflected_forms(word: str) -> frozenset[str]:
    """Forms of ``word`` with a genitive/declension ending removed (Tokajews -> Tokajew)."""
    lower = word.lower()
    out: set[str] = set()
    for suffix in _SUFFIXES:
        if lower.endswith(suffix) and len(lower) - len(suffix) >= 4:
            out |= word_forms(word[: -len(suffix)])
    return frozenset(out - word_forms(word))


def strip_possessive(text: str) -> str:
    """``text`` without English possessive endings ("Tokayev's" -> "Tokayev")."""
    return _POSSESSIVE.sub("", text)


def words(text: str) -> list[tuple[int, int, str]]:
    """Words of ``text`` as ``(start, end, word)`` with code-point offsets."""
    return [(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]


def name_key(name: str) -> str:
    """One canonical key for a whole name (German-rule forms of its words, joined)."""
    parts = []
    for _s, _e, word in words(name):
        folded = "".join(ch for ch in fold(word) if ch.isalpha())
        parts.append(_rewrite(folded, _GERMAN))
    return " ".join(p for p in parts if p)


@lru_cache(maxsize=100_000)
def name_keys(name: str) -> frozenset[str]:
    """Every key of a name: each word under both rule sets (and de-inflected)."""
    tokens = [w for _s, _e, w in words(_POSSESSIVE.sub("", name))]
    if not tokens:
        return frozenset()
    variants: list[set[str]] = [set(word_forms(t)) for t in tokens]
    variants[-1] |= inflected_forms(tokens[-1])
    keys = {""}
    for options in variants:
        keys = {f"{k} {o}".strip() for k in keys for o in options}
        if len(keys) > 64:  # long names: keep the key set small
            keys = set(sorted(keys)[:64])
    return frozenset(keys)


def same_name(a: str, b: str) -> bool:
    """True when two spellings share a cross-language key."""
    return bool(name_keys(a) & name_keys(b))


def skeleton(form: str) -> str:
    """The consonants of a form: Mirziyev and Mirziyoyev, Trump and Tramp share one."""
    return _NOT_CONSONANT.sub("", form)


def form_similarity(x: str, y: str) -> float:
    """0-100 for two forms: their edit similarity, or a fraction of it when they start
    differently or their consonant skeletons differ (Boeing/Beijing, Trump/Trumpf)."""
    ratio = fuzz.ratio(x, y)
    alike = x[:2] == y[:2] and skeleton(x) == skeleton(y)
    return ratio if alike else ratio * 0.6


def similarity(a: str, b: str) -> float:
    """0-100: how alike two names are, comparing their best-matching forms."""
    keys_a, keys_b = name_keys(a), name_keys(b)
    if keys_a & keys_b:
        return 100.0
    return max((form_similarity(x, y) for x in keys_a for y in keys_b), default=0.0)


def detect_script(text: str) -> str:
    """ISO 15924 code of the script most letters of ``text`` are in ("" if none)."""
    counts: Counter[str] = Counter()
    for ch in text:
        if ch.isalpha():
            first = unicodedata.name(ch, "").split(" ", 1)[0]
            counts[SCRIPT_CODES.get(first, "Zyyy")] += 1
    return counts.most_common(1)[0][0] if counts else ""


def starts_upper(word: str) -> bool:
    """True for a capitalised word (names are capitalised in German, English, Russian)."""
    return word[:1].isupper()
