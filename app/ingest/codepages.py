"""Western single-byte code pages, chosen from byte statistics and the text's language.

A news file in ISO-8859-1 whose only non-ASCII byte is a pound sign is not enough
evidence for a statistical charset detector: charset-normalizer called ``£15.8m``
Japanese (cp932, ``｣15.8m``). Latin-script text has a telling shape, though: its
non-ASCII bytes are accented letters, quotes or currency signs standing *alone*
between ASCII letters and spaces (``f\\xfcr``, ``\\xa315``), whereas Cyrillic, Greek
and CJK encodings put non-ASCII bytes in runs (whole words, two-byte characters).
Such files are read as cp1252 / ISO-8859-1 / ISO-8859-15 (or cp1254 when the text
is Turkish), and never handed to the guesser.
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
_CP1252_HOLES = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
"""Bytes cp1252 leaves undefined; a file with them is read as ISO-8859-1."""
_TURKISH_BYTES = re.compile(rb"[\xd0\xdd\xde\xf0\xfd\xfe]")
"""Where cp1254 (Turkish) differs from cp1252: ğ Ğ İ ı Ş ş instead of ð Ð Ý ý Þ þ."""

_LABELS = {
    "cp1252": "Windows-1252",
    "latin-1": "ISO-8859-1 (Latin-1)",
    "iso8859-15": "ISO-8859-15 (Latin-9)",
    "cp1254": "Windows-1254 (Turkish)",
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
    """The Western code page that fits ``data``'s bytes (and language, for Turkish).

    Bytes 0x80-0x9F are C1 controls in ISO-8859-1, so their presence means cp1252
    (quotes, dashes, €). Without them cp1252 and ISO-8859-1 agree, except that a byte
    0xA4 is "¤" there and "€" in ISO-8859-15 (Latin-9), the likelier meaning in news.
    """
    sample = data[:SCAN_BYTES]
    if _TURKISH_BYTES.search(sample) and _is_turkish(sample):
        return "cp1254"
    if _C1.search(sample):
        return "latin-1" if _CP1252_HOLES.search(sample) else "cp1252"
    return "iso8859-15" if b"\xa4" in sample else "latin-1"


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
