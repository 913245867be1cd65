"""Western single-byte code pages, chosen from byte statistics and the text's language.

A news file in ISO-8859-1 whose only non-ASCII byte is a pound sign is not enough
evidence for a statistical charset detector: charset-normalizer called ``£15.8m``
Japanese (cp932, ``｣15.8m``). Latin-script text has a telling shape, though: its
non-ASCII bytes are accented letters, quotes or currency signs standing *alone*
between ASCII letters and spaces (``f\\xfcr``, ``\\xa315``), whereas Cyrillic, Greek
and CJK encodings put non-ASCII bytes in runs (whole words, two-byte characters).
Such files are read as cp1252 / ISO-8859-1 / ISO-8859-15, or as cp1250 / ISO-8859-2
/ cp1254 when the letters inside words are plausible only that way (Czech ``hovořil``
reads ``hovoøil`` in cp1252; Turkish must also be Turkish to the language detector),
and are never handed to the statistical guesser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_MEAN_RUN = 1.5
"""Latin-script text: non-ASCII bytes come alone (mean run length near 1)."""

THIN_EVIDENCE = 16
"""Fewer non-ASCII bytes than this: the code page is an assumption, said in the report."""

SCAN_BYTES = 256 * 1024
"""How much of a file the statistics look at (enough for any article)."""

_HIGH_RUN = re.compile(rb"[\x80-\xff]+")
_C1 = re.compile(rb"[\x80-\x9f]")
_CP1252_HOLES = b"\x81\x8d\x8f\x90\x9d"
_WINDOWS_1252 = {byte: bytes([byte]).decode("cp1252") for byte in range(0x80, 0xA0)
                 if byte not in _CP1252_HOLES}
"""cp1252 as browsers read it (WHATWG): the five undefined bytes stay C1 controls."""

_INSIDE_WORD = re.compile(r"(?<=[A-Za-z])[^\x00-\x7f](?=[A-Za-z])")
_RARE_INSIDE_WORDS = {
    # Italian writes ì ù ò at word ends (città, più, però); inside words they are
    # Czech ě ů ň read as cp1252, as ø is Czech ř (Danish/Norwegian ø is outweighed
    # by their å, which cp1250 reads as the rare ĺ).
    "western": frozenset("ìùòøðþ"),
    # French à, Danish å and Romanian ă/ţ read as cp1250; rare inside Czech/Polish words.
    "cp1250": frozenset("ŕĺăţđ"),
    "iso8859-2": frozenset("ŕĺăţđ"),
    "cp1254": frozenset(),
}

_LABELS = {
    "cp1252": "Windows-1252",
    "latin-1": "ISO-8859-1 (Latin-1)",
    "iso8859-15": "ISO-8859-15 (Latin-9)",
    "cp1254": "Windows-1254 (Turkish)",
    "cp1250": "Windows-1250 (Central European)",
    "iso8859-2": "ISO-8859-2 (Latin-2)",
}


@dataclass(frozen=True, slots=True)
class HighBytes:
    """Statistics of the non-ASCII bytes of a file."""

    count: int
    runs: int

    @property
    def is_latin_shaped(self) -> bool:
        """Non-ASCII bytes mostly alone, as accents and signs in Latin-script text."""
        return self.runs > 0 and self.count / self.runs <= MAX_MEAN_RUN

    @property
    def is_thin(self) -> bool:
        """Too few non-ASCII bytes for any statistics to be trusted."""
        return self.count < THIN_EVIDENCE


def high_bytes(data: bytes) -> HighBytes:
    """Count the non-ASCII bytes of ``data`` and the runs they form."""
    runs = _HIGH_RUN.findall(data[:SCAN_BYTES])
    return HighBytes(sum(len(run) for run in runs), len(runs))


def latin_codec(data: bytes) -> str:
    """The code page that fits Latin-shaped ``data``: Western unless the text says otherwise.

    Bytes 0x80-0x9F are C1 controls in ISO-8859-1, so their presence means cp1252
    (quotes, dashes, €). Without them cp1252 and ISO-8859-1 agree, except that a byte
    0xA4 is "¤" there and "€" in ISO-8859-15 (Latin-9), the likelier meaning in news.
    Czech, Polish or Turkish text is read as cp1250, ISO-8859-2 or cp1254 when the
    letters inside its words are plausible only that way (and, for cp1254, the text
    is Turkish to the language detector). The result always decodes ``data``.
    """
    sample = data[:SCAN_BYTES]
    if _C1.search(data):  # the Windows code pages use 0x80-0x9F, the ISO ones do not
        western = "cp1252"
        others = ("cp1250", "iso8859-2", "cp1254")
    else:
        western = "iso8859-15" if b"\xa4" in sample else "latin-1"
        others = ("iso8859-2", "cp1250", "cp1254")
    scores = {codec: _implausible(sample.decode(codec, errors="replace"), codec)
              for codec in (western, *others)}
    best = min(scores, key=lambda codec: (scores[codec], codec != western))
    if best == western or scores[western] < 2 or scores[best] * 2 >= scores[western]:
        return western
    if not _decodes(data, best) or (best == "cp1254" and not _is_turkish(sample)):
        return western
    return best


def _implausible(text: str, codec: str) -> int:
    """Non-ASCII characters inside words that no language of ``codec`` writes there."""
    rare = _RARE_INSIDE_WORDS["western" if codec not in _RARE_INSIDE_WORDS else codec]
    count = 0
    for match in _INSIDE_WORD.finditer(text):
        ch = match.group()
        if not ch.isalpha() or ch in rare:
            count += 1
    return count


def decode_as(data: bytes, codec: str) -> str:
    """``data`` in ``codec``; cp1252 as browsers read it, never failing on its 5 holes."""
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        if codec != "cp1252":
            raise
    return data.decode("latin-1").translate(_WINDOWS_1252)


def _decodes(data: bytes, codec: str) -> bool:
    """True if every byte of ``data`` is defined in ``codec``."""
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _is_turkish(sample: bytes) -> bool:
    """True if the cp1254 reading of ``sample`` is Turkish to the language detector."""
    from app.ingest.language import detect_language  # lingua: only for this rare case

    return detect_language(sample.decode("cp1254", errors="replace")) == "tr"


def assumed_note(codec: str, text: str, stats: HighBytes) -> str:
    """The report line for a code page chosen on thin evidence, showing what it gave."""
    shown = sorted({ch for ch in text if ch >= "\x80"})[:6]
    chars = " ".join(shown)
    plural = "s" if stats.count != 1 else ""
    return (f"encoding assumed: {_LABELS.get(codec, codec)}, not UTF-8; only "
            f"{stats.count} non-ASCII byte{plural}, read as {chars}")
