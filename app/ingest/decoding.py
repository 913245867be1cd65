"""Bytes to text: BOM-aware, strict UTF-8 first, guessing only when needed.

Order: byte-order mark (UTF-8, UTF-16, UTF-32), strict UTF-8, a charset the
document declares (HTML ``<meta charset>``), charset-normalizer's best guess, and
cp1252/Latin-1 last, accepted only for bytes that look like text. Binary data
(many NUL bytes or control characters) is refused rather than imported as noise.
"""

from __future__ import annotations

import codecs
import logging
import re

from charset_normalizer import from_bytes

from app.core.errors import IngestError

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
_HARMLESS_CONTROLS = frozenset("\x00\t\n\r\f\v\x1b")
_BINARY_BYTES = tuple(b for b in range(1, 32) if chr(b) not in _HARMLESS_CONTROLS)
_DECLARED = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})"""
    rb"""|<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{2,40})""",
    re.IGNORECASE,
)


def _refuse(reason: str) -> IngestError:
    """An :class:`IngestError` whose path the caller fills in."""
    return IngestError("", reason)


def _decode_bom(data: bytes) -> str | None:
    """Text of ``data`` if it starts with a byte-order mark, else ``None``."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                name = encoding.split("-")[0].upper() + "-" + encoding.split("-")[1]
                raise _refuse(f"not valid {name} text despite its byte-order mark") from None
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a BOM (NULs in every other byte), else ``None``.

    Only Latin-script text is recognised this way (it must look like text), which
    is what Windows tools write without a BOM in practice.
    """
    sample = data[: SNIFF_BYTES - SNIFF_BYTES % 2]
    if len(sample) < 2 or sample.count(0) <= len(sample) * MAX_NUL_RATIO:
        return None
    half = len(sample) // 2
    for encoding, nuls in (
        ("utf-16-le", sample[1::2].count(0)),
        ("utf-16-be", sample[0::2].count(0)),
    ):
        if nuls >= half * 0.5 and len(data) % 2 == 0:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if looks_like_text(text):
                return text
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


def looks_like_text(text: str) -> bool:
    """True if ``text`` is mostly letters, digits, spaces and common punctuation."""
    sample = text[:SNIFF_BYTES]
    if not sample:
        return False
    plain = sum(1 for ch in sample if ch.isalnum() or ch.isspace() or ch in ".,;:!?-'\"()")
    ascii_share = sum(1 for ch in sample if ch < "\x80") / len(sample)
    return plain >= len(sample) * 0.85 and ascii_share >= MIN_ASCII_RATIO_FOR_LATIN1


def _guess(data: bytes) -> str | None:
    """charset-normalizer's decoding of ``data`` if it is confident and textual."""
    best = from_bytes(data[:SNIFF_BYTES]).best()
    if best is None or best.encoding in ("utf_16", "utf_32"):
        return None
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    log.debug("charset-normalizer chose %s", best.encoding)
    return text if looks_like_text(text) or (best.chaos < 0.05 and best.coherence > 0.3) else None


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 text with a few broken bytes, which become U+FFFD (visible, not mojibake).

    A file saved as UTF-8 and damaged in a few places reads far better this way
    than decoded as cp1252, which would garble every umlaut.
    """
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd") - data.count("\ufffd".encode())
    has_multibyte = any(ch > "\x7f" and ch != "\ufffd" for ch in text[:SNIFF_BYTES])
    if has_multibyte and broken <= max(1, len(data) * MAX_UTF8_ERROR_RATIO):
        log.warning("replaced %d invalid UTF-8 sequences with U+FFFD", broken)
        return text
    return None


def _legacy(data: bytes) -> str | None:
    """cp1252 (or Latin-1 where cp1252 has holes), only if the result reads as text."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text if looks_like_text(text) else None


def decode_bytes(data: bytes, *, declared: bool = False) -> str:
    """Decode file bytes to ``str`` (not yet normalised).

    Args:
        data: the raw file content.
        declared: honour a charset declared in HTML/XML markup.

    Raises:
        IngestError: empty, binary or undecodable input (``path`` is ``""``; the
            caller re-raises with the file's path).
    """
    if not data:
        raise _refuse("file is empty")
    text = _decode_bom(data)
    if text is None:
        text = _utf16_without_bom(data)
    if text is None:
        _check_not_binary(data)
        text = _decode_unmarked(data, declared)
    _check_text_controls(text)
    return text


def _decode_unmarked(data: bytes, declared: bool) -> str:
    """Decode bytes without a BOM: UTF-8, declared charset, a guess, then cp1252."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    mostly_utf8 = _mostly_utf8(data)
    if mostly_utf8 is not None:
        return mostly_utf8
    charset = _declared_charset(data) if declared else ""
    if charset and charset != "utf-8":
        try:
            return data.decode(charset)
        except UnicodeDecodeError:
            log.debug("declared charset %s does not fit", charset)
    text = _guess(data) or _legacy(data)
    if text is None:
        raise _refuse("not valid UTF-8, Latin-1 or UTF-16 text")
    return text
