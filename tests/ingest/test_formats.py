"""Each file format's text and metadata, through parse_bytes and parse_file."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from app.core.errors import IngestError
from app.ingest import MAX_FILE_BYTES, SUPPORTED_SUFFIXES, htmlpage, parse_bytes, parse_file

from .hostile import DATA, ENGLISH, GERMAN, docx_bytes, pdf_bytes


def test_supported_suffixes_list_every_format() -> None:
    """The documented suffixes are all supported."""
    expected = {".txt", ".md", ".markdown", ".html", ".htm", ".xhtml", ".pdf", ".docx", ".zip"}
    assert expected == SUPPORTED_SUFFIXES


def test_html_gives_metadata_and_main_text_when_german_news_page() -> None:
    """trafilatura supplies title, outlet, url, author and date; furniture is gone."""
    article = parse_file(DATA / "de_news.html")[0]
    assert article.title == "Kasachstan und Usbekistan bestellen 37 Boeing-Maschinen"
    assert article.outlet == "Beispiel-Rundschau"
    assert article.url == "https://www.beispiel-rundschau.de/wirtschaft/boeing-zentralasien"
    assert (article.author, article.published, article.language) == (
        "Anna Beispiel",
        "2025-11-06",
        "de",
    )
    assert "1,1 Milliarden US-Dollar" in article.text
    for furniture in ("Skripttext", "color: red", "Startseite", "Impressum", "Meistgelesen"):
        assert furniture not in article.text
    assert article.original_name == "de_news.html"


def test_html_gives_english_metadata_when_english_news_page() -> None:
    """The English page is detected as English with its date and outlet."""
    article = parse_file(DATA / "en_news.html")[0]
    assert (article.language, article.published, article.outlet) == (
        "en",
        "2026-01-11",
        "Example Times",
    )
    assert "cheap watches" not in article.text and "Sign in" not in article.text


def test_html_falls_back_to_full_text_when_trafilatura_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """If trafilatura raises or finds nothing, the sanitised full text is imported."""

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("boom")

    monkeypatch.setattr(htmlpage.trafilatura, "bare_extraction", broken)
    page = (
        b"<html><head><title>Gipfel in Washington heute</title><style>p{}</style></head><body>"
        b"<nav>Menu</nav><script>evil()</script><p>Tokajew trifft Trump.</p>"
        b"<div>Zweiter Block<br>dritte Zeile</div><footer>Impressum</footer></body></html>"
    )
    article = parse_bytes("list.html", page)
    assert article.text == "Tokajew trifft Trump.\nZweiter Block\ndritte Zeile"
    assert article.title == "Gipfel in Washington heute"
    assert article.extra["extraction"] == "full text (no main text found)"


def test_html_uses_url_host_as_outlet_when_no_site_name() -> None:
    """Without a site name the URL's hostname (without www.) is the outlet."""
    page = (
        '<html><head><link rel="canonical" href="https://www.zeitung.example/a/b">'
        f"</head><body><article><h1>Überschrift des Artikels hier</h1><p>{GERMAN}</p>"
        f"<p>{GERMAN}</p></article></body></html>"
    ).encode()
    assert parse_bytes("a.html", page).outlet == "zeitung.example"


def test_markdown_reads_front_matter_and_drops_syntax() -> None:
    """Front matter gives metadata; Markdown syntax is not in the text."""
    source = (
        '---\ntitle: "Mein Titel"\nauthor: Erika\ndate: 2025-11-06\nurl: https://x.example/a\n'
        "tags: energie\n---\n# Überschrift\n\nEin **fetter** [Link](https://x.example) im Text. "
        + GERMAN
    )
    article = parse_bytes("notiz.md", source.encode())
    assert (article.title, article.author, article.published) == (
        "Mein Titel",
        "Erika",
        "2025-11-06",
    )
    assert article.outlet == "x.example" and article.extra == {"tags": "energie"}
    assert "Ein fetter Link im Text." in article.text and "**" not in article.text


def test_markdown_uses_first_heading_when_no_front_matter() -> None:
    """The first ATX heading is the title."""
    article = parse_bytes("a.markdown", b"Intro line\n\n## The Real Heading ##\n\nBody text.")
    assert article.title == "The Real Heading"


def test_pdf_gives_text_and_info_metadata() -> None:
    """Text layer with umlauts, title/author/date from the info dictionary."""
    data = pdf_bytes(
        ["Erste Zeile der Meldung", GERMAN[:80]],
        {"Title": "Meldung", "Author": "Max Beispiel", "CreationDate": "D:20251106120000Z",
         "Producer": "Handarbeit"},
    )  # fmt: skip
    article = parse_bytes("m.pdf", data)
    assert "Präsident Tokajew" in article.text and "Erste Zeile" in article.text
    assert (article.title, article.author, article.published) == (
        "Meldung",
        "Max Beispiel",
        "2025-11-06",
    )
    assert article.extra["producer"] == "Handarbeit"


def test_pdf_ignores_generator_title_when_file_name() -> None:
    """A title like 'Microsoft Word - x.docx' falls back to the text."""
    data = pdf_bytes(
        ["Echte Überschrift der Meldung", GERMAN[:80]], {"Title": "Microsoft Word - x.docx"}
    )
    assert parse_bytes("m.pdf", data).title == "Echte Überschrift der Meldung"


def test_docx_gives_text_tables_and_core_properties() -> None:
    """Paragraphs and table rows in order; core properties for metadata."""
    article = parse_bytes("a.docx", docx_bytes())
    assert (article.title, article.author, article.published) == (
        "Abkommen in Washington", "Erika Musterfrau", "2025-11-07",
    )  # fmt: skip
    assert "Cove Capital\t70 %" in article.text
    assert article.text.index("Tokajew und Trump") < article.text.index("Cove Capital")


def test_docx_uses_heading_and_skips_template_defaults_when_no_properties() -> None:
    """python-docx's template author and date are not taken as metadata."""
    import io

    import docx

    document = docx.Document()
    document.add_heading("Die Überschrift im Dokument", level=1)
    document.add_paragraph(GERMAN)
    out = io.BytesIO()
    document.save(out)
    article = parse_bytes("b.docx", out.getvalue())
    assert (article.title, article.author, article.published) == (
        "Die Überschrift im Dokument",
        "",
        "",
    )


def test_parse_bytes_refuses_unsupported_suffix() -> None:
    """An unknown file type gets a clear reason naming the suffix."""
    with pytest.raises(IngestError, match=r"unsupported file type '\.exe'"):
        parse_bytes("setup.exe", b"MZ")


def test_parse_bytes_refuses_zip() -> None:
    """A zip holds many articles; parse_bytes says to use parse_file."""
    with pytest.raises(IngestError, match="zip archive"):
        parse_bytes("a.zip", b"PK")


def test_parse_bytes_refuses_oversized_input() -> None:
    """Input above MAX_FILE_BYTES is refused with the limit named."""
    with pytest.raises(IngestError, match=r"above the 25\.0 MB limit"):
        parse_bytes("big.txt", b"a" * (MAX_FILE_BYTES + 1))


def test_parse_bytes_names_source_in_error() -> None:
    """Errors carry the given source path."""
    with pytest.raises(IngestError) as info:
        parse_bytes("e.txt", b"", source="/x/archive.zip!e.txt")
    assert info.value.path == "/x/archive.zip!e.txt" and info.value.reason == "file is empty"


def test_text_is_normalised_when_crlf_combining_and_emoji(tmp_path: Path) -> None:
    """CRLF/CR become LF, combining marks compose (NFC), emoji and RTL are kept."""
    raw = "Cafe\u0301 👩‍🔬 🇰🇿\r\nZoe\u0308\rשלום עולם\r\n\ufeffمرحبا\x00 " + ENGLISH
    article = parse_bytes("n.txt", raw.encode())
    assert "\r" not in article.text and "\x00" not in article.text and "\ufeff" not in article.text
    assert article.text.startswith("Café 👩‍🔬 🇰🇿\nZoë\nשלום עולם\nمرحبا ")
    assert unicodedata.is_normalized("NFC", article.text)
