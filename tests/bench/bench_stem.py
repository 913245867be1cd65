"""The German stem function of the benchmarks' bare Whoosh baseline.

Whoosh pickles the schema, stem function included, into the index: it must be a plain
function in a module importable under the same name wherever the index is opened (a bound
PyStemmer method cannot be pickled)."""

from __future__ import annotations

import Stemmer

_GERMAN = Stemmer.Stemmer("german")


def german(word: str) -> str:
    """PyStemmer's (C Snowball) German stem of ``word``."""
    return str(_GERMAN.stemWord(word))
