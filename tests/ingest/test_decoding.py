"""Decoding bytes to text: BOMs, UTF-8, legacy charsets, binary refusal."""

from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest

from app.core.errors import IngestError
from app.ingest import parse_file
from app.ingest.decoding import decode_bytes, decode_text, looks_like_text

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


# A real-world shape: English news in ISO-8859-1 whose only non-ASCII byte is a pound
# sign. charset-normalizer read such files as Japanese (cp932: "£15.8m" -> "｣15.8m").
POUND_NEWS = (
    "Cove Capital agrees tungsten joint venture in Kazakhstan\n\n"
    "Cove Capital said on Tuesday it had agreed to take a 70 per cent stake in a tungsten\n"
    "joint venture with Kazakhstan's state mining company, in a deal valued at £15.8m.\n"
)
FEW_BYTES = [
    (POUND_NEWS, "latin-1", "£"),
    ("The deal is worth £15.8m, the ministry said.", "latin-1", "£"),
    ("Sales rose to £15.8m", "cp1252", "£"),
    ("Der Vertrag hat einen Wert von 1,1 Mrd. €, sagte der Minister.", "cp1252", "€"),
    ("Tokajew nannte die Initiative „zeitgemäß“ und dankte Trump.", "cp1252", "„"),
    ("Er sprach von einem „historischen Tag“ in Washington.", "cp1252", "“"),
    ("The café in Astana hosted the delegation on Monday evening.", "latin-1", "é"),
    ("Die Straße vor dem Weißen Haus war gesperrt.", "latin-1", "ß"),
    ("Der Preis beträgt 5 € pro Tonne.", "iso8859-15", "€"),
]


@pytest.mark.parametrize(("text", "encoding", "char"), FEW_BYTES,
                         ids=[f"{e}-{c}-{i}" for i, (_, e, c) in enumerate(FEW_BYTES)])
def test_decode_reads_western_file_when_few_non_ascii_bytes(
    tmp_path: Path, text: str, encoding: str, char: str
) -> None:
    """A Western single-byte file with one or two accents or signs is never read as CJK."""
    path = tmp_path / "news.txt"
    path.write_bytes(text.encode(encoding))
    decoded = decode_text(path.read_bytes())
    assert decoded.text == text
    assert not any("\u3000" <= ch <= "\uffef" for ch in decoded.text)


def test_decode_says_which_encoding_was_assumed_when_evidence_thin(tmp_path: Path) -> None:
    """Reading a file with one pound sign as ISO-8859-1 is reported, showing the '£'."""
    path = tmp_path / "pound.txt"
    path.write_bytes(POUND_NEWS.encode("latin-1"))
    article = parse_file(path)[0]
    assert "£15.8m" in article.text
    assert any("encoding assumed: ISO-8859-1" in note and "£" in note
               for note in article.notes), article.notes


def test_decode_adds_no_note_when_utf8_or_plenty_of_evidence() -> None:
    """UTF-8 is certain, and a long German cp1252 text is evidence enough: no note."""
    assert decode_text(POUND_NEWS.encode()).note == ""
    long_german = (GERMAN + " ") * 10
    decoded = decode_text(long_german.encode("cp1252"))
    assert decoded.text == long_german and decoded.note == ""


RUSSIAN = ("Президент Казахстана Касым-Жомарт Токаев провел телефонный разговор с "
           "президентом США Дональдом Трампом. Стороны обсудили подготовку саммита «С5+1».")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_decode_reads_cyrillic_utf16_when_bom_missing(tmp_path: Path, encoding: str) -> None:
    """Russian UTF-16 without a BOM is recognised by its NUL pattern, not refused as binary."""
    path = tmp_path / "ru.txt"
    path.write_bytes(RUSSIAN.encode(encoding))
    article = parse_file(path)[0]
    assert article.text == RUSSIAN and article.language == "ru"


@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r"])
def test_decode_still_guesses_cyrillic_code_pages(encoding: str) -> None:
    """Whole words of non-ASCII bytes are not Latin-shaped: the guesser still decides."""
    text = RUSSIAN.replace("«", '"').replace("»", '"')  # KOI8-R has no guillemets
    assert decode_text(text.encode(encoding)).text == text


def test_decode_reads_turkish_cp1254_by_language() -> None:
    """Where cp1254 and cp1252 differ (ş, ğ, ı), the Turkish language decides."""
    text = ("Kazakistan Cumhurbaşkanı Tokayev, ABD Başkanı Trump ile görüştü. "
            "İki lider, bölgesel işbirliği ve enerji projelerini değerlendirdi.")
    assert decode_text(text.encode("cp1254")).text == text


CZECH = ("Prezident Kazachstánu Tokajev hovořil s americkým prezidentem o spolupráci. Obě "
         "strany se shodly, že je třeba zvýšit investice do těžby kritických surovin.")
POLISH = ("Prezydent Kazachstanu Tokajew rozmawiał z prezydentem USA. Rozmowa dotyczyła "
          "współpracy gospodarczej i bezpieczeństwa. Strony zgodziły się, że należy "
          "zwiększyć inwestycje. Świątynia, źródło, ściana.")
LATIN_TEXTS = {
    "it": "Il presidente è arrivato in città. Più tardi però ha detto che così non può "
          "continuare, perché la sicurezza è importante. Università, libertà, società.",
    "pt": "O presidente do Cazaquistão falou sobre cooperação econômica, informações e "
          "exportações. As negociações não são fáceis. Ações, nações, mãos.",
    "no": "Presidenten møtte sin amerikanske kollega. Både økonomi og sikkerhet ble "
          "diskutert, og også handel. Før møtet sa han at forholdet er godt. Være, får.",
    "fr": "Le président a rencontré son homologue américain à Washington. Très bien, après "
          "tout, où être? Les matières premières critiques et la sécurité régionale.",
}


@pytest.mark.parametrize(
    ("text", "encoding"),
    [(CZECH, "cp1250"), (CZECH, "iso8859_2"), (POLISH, "cp1250"), (POLISH, "iso8859_2"),
     *((text, "latin-1") for text in LATIN_TEXTS.values())],
    ids=["cs-cp1250", "cs-iso2", "pl-cp1250", "pl-iso2", *LATIN_TEXTS],
)
def test_decode_tells_central_european_from_western_by_letters_in_words(
    text: str, encoding: str
) -> None:
    """Czech/Polish read as cp1252 put ø ì ³ ¿ inside words; Italian, Portuguese,
    Norwegian and French read as cp1250 put ŕ ĺ there: the plausible reading wins."""
    assert decode_text(text.encode(encoding)).text == text


def test_decode_keeps_cp1252_quotes_when_an_undefined_byte_comes_late() -> None:
    """A byte cp1252 leaves undefined (beyond the sampled start) does not turn the whole
    file into Latin-1: quotes stay quotes, the odd byte stays a C1 control (as browsers)."""
    data = "Eine Zeile mit Wörtern und „Zitaten“. ".encode("cp1252") * 8000 + b"x\x81y"
    text = decode_text(data).text
    assert text.startswith("Eine Zeile mit Wörtern und „Zitaten“.") and text.endswith("x\x81y")
