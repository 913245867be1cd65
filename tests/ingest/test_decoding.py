"""Decoding bytes to text: BOMs, UTF-8, legacy charsets, binary refusal."""

from __future__ import annotations

import codecs
import random

import pytest

from app.core.errors import IngestError
from app.ingest.decoding import decode_bytes, looks_like_text

GERMAN = "Die Präsidentin äußerte sich über Größe und Übermaß der Abkommen."


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + GERMAN.encode(),
        codecs.BOM_UTF16_LE + GERMAN.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + GERMAN.encode("utf-16-be"),
        codecs.BOM_UTF32_LE + GERMAN.encode("utf-32-le"),
        GERMAN.encode(),
        GERMAN.encode("latin-1"),
        GERMAN.encode("cp1252"),
    ],
    ids=["utf8-bom", "utf16le-bom", "utf16be-bom", "utf32le-bom", "utf8", "latin1", "cp1252"],
)
def test_decode_gives_original_text_for_supported_encodings(data: bytes) -> None:
    """Each encoding decodes back to the same German sentence."""
    assert GERMAN in decode_bytes(data)


def test_decode_keeps_typographic_quotes_when_cp1252() -> None:
    """cp1252 quotes and dashes survive the legacy fallback."""
    assert decode_bytes("Er sagte „spektakulär“ – und ging.".encode("cp1252")).startswith(
        "Er sagte „spektakulär“ – und ging."
    )


def test_decode_reads_cyrillic_when_cp1251() -> None:
    """charset-normalizer recognises Russian in cp1251."""
    text = "Президент Казахстана Касым-Жомарт Токаев провел переговоры с президентом США."
    assert decode_bytes(text.encode("cp1251")) == text


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_decode_reads_utf16_when_bom_missing(encoding: str) -> None:
    """UTF-16 without a BOM is recognised by its NUL pattern, not refused as binary."""
    assert decode_bytes(GERMAN.encode(encoding)) == GERMAN


def test_decode_marks_broken_bytes_when_mostly_utf8() -> None:
    """A UTF-8 file with one bad byte keeps its umlauts and shows U+FFFD."""
    text = decode_bytes((GERMAN * 5).encode() + b"\xff")
    assert text.startswith(GERMAN) and text.endswith("\ufffd")


def test_decode_uses_declared_charset_when_html_says_so() -> None:
    """A meta charset is honoured for HTML when UTF-8 fails."""
    page = f'<meta charset="iso-8859-15"><p>{GERMAN} 5 €</p>'.encode("iso-8859-15")
    assert "5 €" in decode_bytes(page, declared=True)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "file is empty"),
        (b"\x00\x01\x02\x03" * 100, "binary"),
        (b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(2048), "binary"),
        (bytes(range(0x80, 0x100)) * 8, "not valid UTF-8, Latin-1 or UTF-16 text"),
        (codecs.BOM_UTF16_LE + b"\x00\xd8", "not valid UTF-16"),
    ],
    ids=["empty", "nul-heavy", "png", "high-bytes", "bad-utf16"],
)
def test_decode_refuses_with_reason_when_not_text(data: bytes, reason: str) -> None:
    """Non-text input raises IngestError naming why."""
    with pytest.raises(IngestError, match=reason):
        decode_bytes(data)


def test_decode_keeps_text_when_few_nul_bytes() -> None:
    """Stray NULs do not make a text binary (they are stripped later)."""
    assert decode_bytes(b"plain words\x00 and more plain words here").startswith("plain")


def test_looks_like_text_rejects_symbol_soup() -> None:
    """High-byte noise decoded as Latin-1 is not text."""
    assert not looks_like_text(bytes(range(0xA0, 0x100)).decode("latin-1"))
    assert looks_like_text(GERMAN)
