"""Headlines of plain-text news, and page furniture offered for trimming (never deleted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.ingest import parse_file
from app.ingest.headline import find_title, is_furniture, leading_furniture

QUESTION = """Will Kazakhstan join the Abraham Accords before the summit?

The White House said on Thursday that Kazakhstan was ready to join the
accords, a step officials in Astana described as a natural extension of
their policy of balanced relations with all partners in the region.
"""
VON_DER_LEYEN = """Von der Leyen warnt vor Handelskrieg mit China

Die Kommissionspräsidentin sagte am Montag in Brüssel, Europa müsse sich
gegen unfaire Subventionen wehren, ohne die Tür für Gespräche zu schließen.
"""
SHARE = """Share prices slump as Boeing order for Central Asia stalls

Shares in the aircraft maker fell 3 per cent in New York after reports that
the order of 37 jets announced in November had not yet been signed.
"""
TWO_WORDS = """Tokajew triumphiert

Der kasachische Präsident hat die vorgezogene Wahl nach Angaben der
Wahlkommission mit deutlicher Mehrheit gewonnen, wie am Montag bekannt wurde.
"""


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (QUESTION, "Will Kazakhstan join the Abraham Accords before the summit?"),
        (VON_DER_LEYEN, "Von der Leyen warnt vor Handelskrieg mit China"),
        (SHARE, "Share prices slump as Boeing order for Central Asia stalls"),
        (TWO_WORDS, "Tokajew triumphiert"),
    ],
    ids=["question", "von-der-leyen", "share-prices", "two-words"],
)
def test_find_title_takes_first_line_when_plain_text_news_has_headline(
    text: str, title: str
) -> None:
    """A headline on the first line wins over a body line, even ending in '?' or starting
    with a word that also opens bylines ("Von") or share buttons ("Share")."""
    assert find_title(text) == title


GERMAN_PAGE = """Zum Inhalt springen
Politik
Von Erika Muster und Max Beispiel
Veröffentlicht am 06.11.2025, 14:00 Uhr
•Aktualisiert am 06.11.2025, 16:12 Uhr

Kasachstan tritt dem Abraham-Abkommen bei

Astana. Kasachstan wird den Abraham-Abkommen beitreten, teilte das Weiße Haus
am Donnerstag mit. Präsident Tokajew sprach von einem logischen Schritt.
"""
ENGLISH_PAGE = """back to top
-2.4 C
Europe
Sunday, January 11, 2026
Trump calls Tokayev and Mirziyev to G20 summit in Miami
By Jane Doe and John Roe
US President Donald Trump has invited the leaders of Kazakhstan and
Uzbekistan to next year's G20 summit, the White House said on Sunday.
"""


@pytest.mark.parametrize(
    ("name", "text", "title", "lines"),
    [
        ("de.txt", GERMAN_PAGE, "Kasachstan tritt dem Abraham-Abkommen bei",
         ("Zum Inhalt springen", "Politik", "Von Erika Muster und Max Beispiel",
          "Veröffentlicht am 06.11.2025, 14:00 Uhr", "•Aktualisiert am 06.11.2025, 16:12 Uhr")),
        ("en.txt", ENGLISH_PAGE, "Trump calls Tokayev and Mirziyev to G20 summit in Miami",
         ("back to top", "-2.4 C", "Europe", "Sunday, January 11, 2026")),
    ],
)
def test_import_suggests_trim_when_page_furniture_above_headline(
    tmp_path: Path, name: str, text: str, title: str, lines: tuple[str, ...]
) -> None:
    """Furniture is skipped for the title and offered as a trim of the stored text's first
    lines (range and lines in the report); the stored text still holds every line."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    article = parse_file(path)[0]
    assert article.title == title
    assert article.text == text.strip()
    trim = article.trim
    assert trim is not None and trim.lines == lines
    assert (trim.first_line, trim.last_line) == (1, len(lines))
    assert article.text[trim.start:trim.end].split() == " ".join(lines).split()
    assert article.text[trim.end:].startswith(title)
    assert any(note.startswith("page furniture before the headline") and lines[0] in note
               for note in article.notes), article.notes


def test_leading_furniture_is_none_when_text_starts_with_headline() -> None:
    """Plain news without furniture gets no suggestion; furniture alone gets none either."""
    assert leading_furniture(QUESTION) is None
    assert leading_furniture("back to top\nEurope\n") is None


def test_leading_furniture_is_none_when_only_one_word_lines_precede() -> None:
    """A lone one-word line may be a short headline, not a section name: no suggestion."""
    assert leading_furniture("Wirtschaftskrise\n\nDie Wirtschaft schrumpft weiter.") is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Von Erika Muster", True),
        ("By Jane Doe, Reuters", True),
        ("Von der Leyen warnt vor Handelskrieg", False),
        ("Veröffentlicht am 6. November 2025", True),
        ("•Aktualisiert", True),
        ("Updated pension rules take effect in Kazakhstan", False),
        ("Updated Mayor race results in Almaty", False),
        ("Aktualisiert am 1. Dezember", True),
        ("Video: Trump empfängt Tokajew im Weißen Haus", False),
        ("-2.4 C", True),
        ("12 °C", True),
        ("Home > Politik > Ausland", True),
        ("Trump meets Tokayev | example.com", False),
        ("Lesezeit: 3 Min.", True),
        ("Foto: APA/Hans Punz", True),
        ("Copyright reform passes European Parliament", False),
        ("© 2025 Der Standard", True),
        ("Facebook Twitter E-Mail", True),
    ],
)
def test_is_furniture_tells_page_furniture_from_headlines(line: str, expected: bool) -> None:
    """Bylines, stamps, temperatures, breadcrumbs, credits are furniture; headlines that
    merely start with the same words are not."""
    assert is_furniture(line) is expected
