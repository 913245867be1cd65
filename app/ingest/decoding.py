"""Bytes to text: BOM-aware, strict UTF-8 first, guessing only when needed.

Order: byte-order mark (UTF-8, UTF-16, UTF-32), UTF-16 without a BOM (by its NUL
pattern), strict UTF-8, a charset the document declares (HTML ``<meta charset>``),
Western code pages for Latin-script text (:mod:`app.ingest.codepages`: never a CJK
guess for a file with a few accents or a pound sign), charset-normalizer's best guess
for the rest (Cyrillic code pages ...), and cp1252/Latin-1 last, accepted only for
bytes that look like text. Binary data (many NUL bytes or control characters) is
refused rather than imported as noise. :func:`decode_text` also returns a note for
the import report when the encoding was assumed on thin evidence.
"""

from __future__ import annotations

import codecs
import logging
import re
from collections import Counter
from dataclasses import dataclass

from charset_normalizer import from_bytes

from app.core.errors import IngestError
from app.ingest.codepages import assumed_note, decode_as, high_bytes, latin_codec

log = logging.getLogger(__name__)

SNIFF_BYTES = 64 * 1024
"""How much of the input the binary and charset checks look at."""

MAX_NUL_RATIO = 0.1
"""A few stray NULs are stripped later; more than this share means binary data."""

MAX_CONTROL_RATIO = 0.02
MAX_UTF8_ERROR_RATIO = 0.001
"""UTF-8 text with at most this share of broken bytes keeps U+FFFD in their place."""

MIN_ASCII_RATIO_FOR_LATIN1 = 0.6

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_PUNCTUATION = frozenset(".,;:!?-'\"()«»„“”‘’–—…")
_HARMLESS_CONTROLS = frozenset("\x00\t\n\r\f\v\x1b")
_BINARY_BYTES = tuple(b for b in range(1, 32) if chr(b) not in _HARMLESS_CONTROLS)
_DECLARED = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})"""
    rb"""|<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{2,40})""",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text, the codec that gave it, and a report note if it was assumed."""

    text: str
    encoding: str
    note: str = ""


def _refuse(reason: str) -> IngestError:
    """An :class:`IngestError` whose path the caller fills in."""
    return IngestError("", reason)


def _decode_bom(data: bytes) -> Decoded | None:
    """Text of ``data`` if it starts with a byte-order mark, else ``None``."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data[len(bom) :].decode(encoding), encoding)
            except UnicodeDecodeError:
                name = encoding.split("-")[0].upper() + "-" + encoding.split("-")[1]
                raise _refuse(f"not valid {name} text despite its byte-order mark") from None
    return None


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 text saved without a BOM, recognised by its NUL pattern, else ``None``.

    In UTF-16 text the NULs sit at one parity only (the high byte of spaces, digits
    and punctuation), and the high bytes of all code units take very few values
    (``00`` and ``04`` for Russian, ``00`` for German). Binary data has neither.
    """
    sample = data[: SNIFF_BYTES - SNIFF_BYTES % 2]
    if len(data) % 2 or len(sample) < 4 or not sample.count(0):
        return None
    units = len(sample) // 2
    for encoding, highs, lows in (
        ("utf-16-le", sample[1::2], sample[0::2]),
        ("utf-16-be", sample[0::2], sample[1::2]),
    ):
        nuls = highs.count(0)
        if nuls < max(2, units * 0.05) or lows.count(0) > nuls * 0.05:
            continue
        common = Counter(highs).most_common(3)
        if sum(count for _, count in common) < units * 0.95:
            continue
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if looks_like_text(text, min_ascii=0.0):
            return Decoded(text, encoding)
    return None


def _check_not_binary(data: bytes) -> None:
    """Refuse bytes with NULs or control characters beyond what text can have."""
    sample = data[:SNIFF_BYTES]
    if sample.count(0) > len(sample) * MAX_NUL_RATIO:
        raise _refuse("looks like a binary file (many NUL bytes), not text")
    controls = sum(sample.count(byte) for byte in _BINARY_BYTES)
    if controls > len(sample) * MAX_CONTROL_RATIO:
        raise _refuse("looks like a binary file (control characters), not text")


def _check_text_controls(text: str) -> None:
    """Refuse decoded text that is full of control characters (binary data)."""
    sample = text[:SNIFF_BYTES]
    controls = sum(1 for ch in sample if ch < " " and ch not in _HARMLESS_CONTROLS)
    if controls > len(sample) * MAX_CONTROL_RATIO:
        raise _refuse("looks like a binary file (control characters), not text")


def _declared_charset(data: bytes) -> str:
    """The charset an HTML/XML document declares in its first bytes, or ``""``."""
    match = _DECLARED.search(data[:4096])
    if not match:
        return ""
    name = (match.group(1) or match.group(2)).decode("ascii").lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return ""


def looks_like_text(text: str, min_ascii: float = MIN_ASCII_RATIO_FOR_LATIN1) -> bool:
    """True if ``text`` is mostly letters, digits, spaces and common punctuation.

    ``min_ascii`` is the share of ASCII characters required: Latin-script text read
    through a single-byte code page has most; UTF-16 Russian has few.
    """
    sample = text[:SNIFF_BYTES]
    if not sample:
        return False
    plain = sum(1 for ch in sample if ch.isalnum() or ch.isspace() or ch in _PUNCTUATION)
    ascii_share = sum(1 for ch in sample if ch < "\x80") / len(sample)
    return plain >= len(sample) * 0.85 and ascii_share >= min_ascii


def _guess(data: bytes) -> Decoded | None:
    """charset-normalizer's decoding of ``data`` if it is confident and textual."""
    best = from_bytes(data[:SNIFF_BYTES]).best()
    if best is None or best.encoding in ("utf_16", "utf_32"):
        return None
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    log.debug("charset-normalizer chose %s", best.encoding)
    if looks_like_text(text) or (best.chaos < 0.05 and best.coherence > 0.3):
        return Decoded(text, best.encoding)
    return None


def _mostly_utf8(data: bytes) -> Decoded | None:
    """UTF-8 text with a few broken bytes, which become U+FFFD (visible, not mojibake).

    A file saved as UTF-8 and damaged in a few places reads far better this way
    than decoded as cp1252, which would garble every umlaut.
    """
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd") - data.count("\ufffd".encode())
    has_multibyte = any(ch > "\x7f" and ch != "\ufffd" for ch in text[:SNIFF_BYTES])
    if has_multibyte and broken <= max(1, len(data) * MAX_UTF8_ERROR_RATIO):
        log.warning("replaced %d invalid UTF-8 sequences with U+FFFD", broken)
        plural = "s" if broken != 1 else ""
        return Decoded(text, "utf-8", f"UTF-8 with {broken} invalid byte sequence{plural}, "
                                      "shown as \ufffd")
    return None


def _legacy(data: bytes) -> Decoded | None:
    """cp1252 (or Latin-1 where cp1252 has holes), only if the result reads as text."""
    try:
        decoded = Decoded(data.decode("cp1252"), "cp1252")
    except UnicodeDecodeError:
        decoded = Decoded(data.decode("latin-1"), "latin-1")
    return decoded if looks_like_text(decoded.text) else None


def _western(data: bytes) -> Decoded | None:
    """Latin-script text in a Western code page, or ``None`` if it is not shaped so.

    Files with few non-ASCII bytes are read this way even if their shape is unclear:
    a CJK or Cyrillic guess on a handful of bytes is far likelier wrong than a
    Western one, and the note shows what the bytes became.
    """
    stats = high_bytes(data)
    if not (stats.is_latin_shaped or stats.is_thin):
        return None
    codec = latin_codec(data)
    text = decode_as(data, codec)
    if not looks_like_text(text):
        return None
    return Decoded(text, codec, assumed_note(codec, text, stats) if stats.is_thin else "")


def decode_bytes(data: bytes, *, declared: bool = False) -> str:
    """Decode file bytes to ``str`` (not yet normalised); see :func:`decode_text`."""
    return decode_text(data, declared=declared).text


def decode_text(data: bytes, *, declared: bool = False) -> Decoded:
    """Decode file bytes to text, saying which encoding was used and if it was assumed.

    Args:
        data: the raw file content.
        declared: honour a charset declared in HTML/XML markup.

    Raises:
        IngestError: empty, binary or undecodable input (``path`` is ``""``; the
            caller re-raises with the file's path).
    """
    if not data:
        raise _refuse("file is empty")
    decoded = _decode_bom(data)
    if decoded is None:
        decoded = _utf16_without_bom(data)
    if decoded is None:
        _check_not_binary(data)
        decoded = _decode_unmarked(data, declared)
    _check_text_controls(decoded.text)
    return decoded


def _decode_unmarked(data: bytes, declared: bool) -> Decoded:
    """Decode bytes without a BOM: UTF-8, declared charset, Western code pages, a guess."""
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    mostly_utf8 = _mostly_utf8(data)
    if mostly_utf8 is not None:
        return mostly_utf8
    charset = _declared_charset(data) if declared else ""
    if charset and charset != "utf-8":
        try:
            return Decoded(data.decode(charset), charset)
        except UnicodeDecodeError:
            log.debug("declared charset %s does not fit", charset)
    decoded = _western(data) or _guess(data) or _legacy(data)
    if decoded is None:
        raise _refuse("not valid UTF-8, Latin-1 or UTF-16 text")
    return decoded
