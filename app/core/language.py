"""A cheap guess of a text's language, for texts that carry none (notes).

Articles get their language at import; a note is typed by the analyst and often mixes
languages, so it is indexed under the language most of its function words belong to
(German or English, the two analyzers of the index), or none.
"""

from __future__ import annotations

import re

SAMPLE = 5000
"""Code points looked at: enough for a verdict, cheap for a long note."""
_WORD = re.compile(r"[^\W\d_]+")
_GERMAN = frozenset(("der", "die", "das", "und", "ist", "nicht", "mit", "den", "dem", "des",
                     "ein", "eine", "auf", "für", "von", "zu", "im", "sich", "auch", "wird",
                     "wurde", "bei", "nach", "über"))
_ENGLISH = frozenset(("the", "and", "is", "not", "with", "of", "to", "in", "a", "an", "on",
                      "for", "from", "by", "was", "were", "be", "has", "have", "that", "this",
                      "it"))


def guess_language(text: str) -> str:
    """"de", "en" or "" from common function words."""
    words = _WORD.findall(text[:SAMPLE].casefold())
    german = sum(w in _GERMAN for w in words)
    english = sum(w in _ENGLISH for w in words)
    if german == english == 0:
        return ""
    return "de" if german > english else "en"
