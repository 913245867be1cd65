"""The export's small parts without a notebook: XML text that reads back exactly, offset
conversion, colours, variable values and names."""

from __future__ import annotations

import datetime as dt
import io
import uuid
import xml.etree.ElementTree as ET

import pytest

from app.core.ids import ArticleId
from app.core.records import Article, ArticleSummary
from app.qdpx import nvivo_offsets
from app.qdpx.export_model import Value, Variable
from app.qdpx.from_notebook import Variables, colour, extra_name, source_values
from app.qdpx.guids import Guids
from app.qdpx.qde_write import value_text
from app.qdpx.xmlout import XmlOut

TRICKY = 'a & b < c > "d"\r\n\te\nf  \U0001f600 q\u0307 „x“ '


def test_xml_text_and_attributes_read_back_exactly() -> None:
    """CR, LF, TAB, quotes, markup characters and emoji survive in attributes and text."""
    buffer = io.StringIO()
    out = XmlOut(buffer, "urn:test")
    out.declaration()
    out.start("Root", [("name", TRICKY)])
    out.text("Text", TRICKY)
    out.end("Root")
    root = ET.fromstring(buffer.getvalue().encode("utf-8"))
    assert root.get("name") == TRICKY
    assert root.findtext("{urn:test}Text") == TRICKY
    assert out.replaced == 0


def test_characters_xml_cannot_hold_become_replacement_one_for_one() -> None:
    """Control characters and U+FFFF become U+FFFD, counted, lengths unchanged."""
    buffer = io.StringIO()
    out = XmlOut(buffer, "urn:test")
    out.start("Root", [("name", "a\x0cb\x00c\uffff")])
    out.end("Root")
    assert ET.fromstring(buffer.getvalue()).get("name") == "a\ufffdb\ufffdc\ufffd"
    assert out.replaced == 3


def test_nvivo_positions_count_utf16_units_and_crlf() -> None:
    """Each LF before a position adds its CR, each astral character its second unit."""
    text = "ab\n😀c\nq\u0307d"
    layout = nvivo_offsets.nvivo(text)
    assert layout.written == "ab\r\n😀c\r\nq\u0307d"
    for start in range(len(text)):
        for end in range(start + 1, len(text) + 1):
            words = nvivo_offsets.utf16_slice(layout.written, layout.position(start),
                                              layout.position(end))
            assert words == layout.quote(start, end) == text[start:end].replace("\n", "\r\n")


def test_standard_positions_are_the_stored_code_points() -> None:
    """The standard export writes the stored text and its offsets unchanged."""
    layout = nvivo_offsets.standard("a\n😀b")
    assert layout.written == "a\n😀b"
    assert [layout.position(i) for i in range(5)] == [0, 1, 2, 3, 4]


@pytest.mark.parametrize(("given", "expected"), [
    ("#1a2b3c", "#1A2B3C"), ("#abc", "#AABBCC"), ("", ""), ("red", ""), ("#12345", "")])
def test_colour_is_six_upper_case_digits_or_nothing(given: str, expected: str) -> None:
    """Colours are written as #RRGGBB; anything else is left out."""
    assert colour(given) == expected


@pytest.mark.parametrize(("data", "text"), [
    (1.1e9, "1100000000.0"), (2.5e-7, "0.00000025"), (True, "true"),
    (dt.datetime(2025, 11, 6, 9, 30, 1, 500), "2025-11-06T09:30:01"),
    (dt.date(2025, 11, 6), "2025-11-06"), ("x", "x")])
def test_values_use_the_schema_types_lexical_forms(data: object, text: str) -> None:
    """Decimals never carry an exponent; dates and booleans are XML Schema's forms."""
    assert value_text(Value(Variable("g", "v", "Text"), data)) == text  # type: ignore[arg-type]


def test_article_metadata_and_extras_become_source_variables() -> None:
    """Non-empty fields and every extra become values; an extra named like a field is
    prefixed so it cannot take that field's variable."""
    summary = ArticleSummary(ArticleId(1), "T", "de", "Die Zeit", "", "", "2025-11", "a.txt",
                             dt.datetime(2025, 11, 6, 10, 0), 10, 0)
    article = Article(summary, "text", "sha", {"sitename": "zeit.de", "outlet": "ZEIT"})
    variables = Variables(Guids("12345678-1234-5678-1234-567812345678"))
    values = {v.variable.name: v.data for v in source_values(article, variables)}
    assert values == {"Outlet": "Die Zeit", "Published": "2025-11", "Language": "de",
                      "Original file": "a.txt", "Imported at": dt.datetime(2025, 11, 6, 10),
                      "sitename": "zeit.de", "Extra: outlet": "ZEIT"}
    assert extra_name("Value amount") == "Extra: Value amount"


def test_guids_are_stable_per_notebook_and_lower_case() -> None:
    """The same record in the same notebook always has the same GUID; another notebook's
    differs."""
    a = Guids("12345678-1234-5678-1234-567812345678")
    b = Guids("87654321-1234-5678-1234-567812345678")
    assert a.of("article", 1) == a.of("article", 1) == a.of("article", 1).lower()
    assert a.of("article", 1) != b.of("article", 1) != a.of("highlight", 1)
    namespace = uuid.UUID("12345678-1234-5678-1234-567812345678")
    for key in ("article:1", "coding:5:7", "user:Jürgen 😀"):
        kind, *rest = key.split(":")
        assert a.of(kind, *rest) == str(uuid.uuid5(namespace, key))
