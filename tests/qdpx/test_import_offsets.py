"""REFI-QDA import: highlights land on exactly the same words whatever the tool counted."""

from __future__ import annotations

import codecs
from pathlib import Path

from app.services import Notebook
from tests.qdpx import builders as b

TEXT = ("Tokayev 😀 met the envoy in Astana.\r\n"
        "The 🇰🇿 delegation signed 37 Boeing jets.\r\n"
        "Café owners e\u0301clairs were served; Abraham Accords joined.\r\n")
WORDS = ["envoy", "Astana", "delegation signed", "37 Boeing jets", "Abraham Accords"]
STORED_WORDS = WORDS


def _project(tmp_path: Path, spans: list[tuple[int, int]], *, quoted: bool,
             data: bytes, upper: bool = False, folder: str = "sources") -> Path:
    tag = b.guid(upper)
    src = b.guid(upper)
    selections = "".join(
        b.selection(b.guid(upper), start, end, codes=[tag], name=word if quoted else None)
        for (start, end), word in zip(spans, WORDS, strict=True))
    qde = b.project(codes=b.code(tag, "Diplomacy", colour="#FF0000"),
                    sources=b.text_source(src, "Report", path=f"internal://{src}.txt",
                                          selections=selections))
    name = f"{folder}/{src.lower() if upper else src.upper()}.txt"  # the file in other case
    return b.write_qdpx(tmp_path / "p.qdpx", qde, {name: data})


def _highlighted(nb: Notebook, article_id: int) -> list[str]:
    text = nb.articles.get(article_id).text
    return [text[h.start:h.end] for h in nb.annotations.highlights_for(article_id)]


def _import(nb: Notebook, path: Path) -> tuple[list[str], object]:
    report = nb.qdpx_import.import_project(path)
    assert report.sources == 1, report.skipped
    return _highlighted(nb, report.articles[0]), report


def test_nvivo_utf16_offsets_with_crlf_as_two_land_on_the_words(notebook, tmp_path):
    """NVivo's UTF-16 units on a CRLF text with astral emoji map onto the same words."""
    spans = [b.nvivo_span(TEXT, w) for w in WORDS]
    path = _project(tmp_path, spans, quoted=False, data=codecs.BOM_UTF8 + TEXT.encode())
    found, report = _import(notebook, path)
    assert sorted(found) == sorted(STORED_WORDS)
    assert any("UTF-16" in remark for _, remark in report.remarks)


def test_atlas_crlf_as_one_lands_on_the_words(notebook, tmp_path):
    """ATLAS.ti's code points with CRLF counted once map onto the same words."""
    spans = [b.atlas_span(TEXT, w) for w in WORDS]
    path = _project(tmp_path, spans, quoted=False, data=TEXT.encode("utf-8"))
    found, report = _import(notebook, path)
    assert sorted(found) == sorted(STORED_WORDS)
    assert any("CRLF counted as one" in remark for _, remark in report.remarks)


def test_standard_code_points_land_on_the_words_with_utf16_bom(notebook, tmp_path):
    """The standard's code points of a UTF-16 file with BOM and upper-case GUIDs."""
    spans = [b.standard_span(TEXT, w) for w in WORDS]
    path = _project(tmp_path, spans, quoted=True, upper=True, folder="Sources",
                    data=codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"))
    found, report = _import(notebook, path)
    assert sorted(found) == sorted(STORED_WORDS)
    assert not [r for _, r in report.remarks if "read as" in r]


def test_quoted_names_decide_when_boundaries_do_not(notebook, tmp_path):
    """Where every reading cuts at word boundaries, the quoted ``name`` text decides."""
    raw = "😀 a b c d e f g h\r\ni j k l"
    words = ["b", "c d", "j k"]
    spans = "".join(b.selection(b.guid(), *b.nvivo_span(raw, w), name=w) for w in words)
    src = b.guid()
    qde = b.project(sources=b.text_source(src, "Letters", path=f"internal://{src}.txt",
                                          selections=spans))
    path = b.write_qdpx(tmp_path / "q.qdpx", qde, {f"sources/{src}.txt": raw.encode()})
    found, _ = _import(notebook, path)
    assert sorted(found) == sorted(words)


def test_inline_text_keeps_offsets_counted_on_crlf(notebook, tmp_path):
    """Inline PlainTextContent loses its CRs in XML; offsets counted with CRLF still fit."""
    spans = [b.standard_span(TEXT, w) for w in WORDS]  # counted on the CRLF text
    src = b.guid()
    selections = "".join(b.selection(b.guid(), s, e) for s, e in spans)
    qde = b.project(sources=b.text_source(src, "Inline", inline=TEXT, selections=selections))
    path = b.write_qdpx(tmp_path / "i.qdpx", qde)
    found, _ = _import(notebook, path)
    assert sorted(found) == sorted(STORED_WORDS)


def test_decomposed_text_maps_through_nfc(notebook, tmp_path):
    """Offsets counted on an NFD text land on the same words of the stored NFC text."""
    raw = "Die Cafe\u0301s und Eclairs: e\u0301clair Ende gut."
    words = ["Cafe\u0301s", "e\u0301clair", "Ende"]
    src = b.guid()
    sels = "".join(b.selection(b.guid(), *b.standard_span(raw, w)) for w in words)
    qde = b.project(sources=b.text_source(src, "NFD", path=f"internal://{src}.txt",
                                          selections=sels))
    path = b.write_qdpx(tmp_path / "n.qdpx", qde, {f"sources/{src}.txt": raw.encode()})
    found, _ = _import(notebook, path)
    assert sorted(found) == sorted(["Cafés", "éclair", "Ende"])


def test_selection_outside_the_text_is_reported_not_stored(notebook, tmp_path):
    """A selection past the end of its text is named in the report, the rest imports."""
    src = b.guid()
    sels = b.selection(b.guid(), 0, 5) + b.selection(b.guid(), 40, 900, name="far")
    qde = b.project(sources=b.text_source(src, "Short", inline="Hello world, short text.",
                                          selections=sels))
    report = notebook.qdpx_import.import_project(b.write_qdpx(tmp_path / "o.qdpx", qde))
    assert report.selections == 1
    assert any("far" in item and "not a passage" in reason for item, reason in report.skipped)
