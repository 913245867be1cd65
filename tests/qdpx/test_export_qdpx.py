"""REFI-QDA project export: valid against the official schema, offsets on the same words,
and the rules that make other tools accept the file."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import xmlschema

from tests.qdpx.export_notebook import Built, build

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "resources" / "refi-qda"
NS = {"q": "urn:QDA-XML:project:1.0"}
Q = "{urn:QDA-XML:project:1.0}"
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
PROJECT_ORDER = ["Users", "CodeBook", "Variables", "Cases", "Sources", "Notes", "Links",
                 "Sets", "Graphs", "Description", "NoteRef"]


@pytest.fixture(scope="module")
def project_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / "Project-mrt2019.xsd"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """One notebook for the tests that only read it (an export changes no record)."""
    b = build(tmp_path_factory.mktemp("qdpx-export"))
    yield b
    b.nb.close()


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Built]:
    """A notebook of its own, for a test that changes it."""
    b = build(tmp_path / "fresh")
    yield b
    b.nb.close()


def export(b: Built, path: Path, nvivo: bool = False) -> object:
    from app.services import QdpxExportService

    return QdpxExportService(b.nb).export_project(path, nvivo_offsets=nvivo)


def read(path: Path) -> tuple[bytes, ET.Element, zipfile.ZipFile]:
    archive = zipfile.ZipFile(path)
    data = archive.read("project.qde")
    return data, ET.fromstring(data), archive


def source_text(archive: zipfile.ZipFile, source: ET.Element) -> str:
    path = source.get("plainTextPath", "")
    assert path.startswith("internal://")
    return archive.read("sources/" + path.removeprefix("internal://")).decode("utf-8")


def selection(root: ET.Element, guid: str) -> ET.Element:
    found = root.find(f".//q:PlainTextSelection[@guid='{guid}']", NS)
    assert found is not None, guid
    return found


@pytest.mark.parametrize("nvivo", [False, True])
def test_project_validates_against_official_schema_in_both_offset_modes(
        built: Built, tmp_path: Path, project_schema: xmlschema.XMLSchema, nvivo: bool) -> None:
    """Every export is valid against Project-mrt2019.xsd."""
    out = tmp_path / "out.qdpx"
    export(built, out, nvivo)
    data, _root, _ = read(out)
    project_schema.validate(data.decode("utf-8"))


def test_selection_names_are_the_words_at_code_point_offsets_standard(
        built: Built, tmp_path: Path) -> None:
    """Standard offsets: name == source text[start:end] in code points, LF text."""
    export(built, tmp_path / "out.qdpx")
    _data, root, archive = read(tmp_path / "out.qdpx")
    checked = 0
    for source in root.iterfind("q:Sources/q:TextSource", NS):
        text = source_text(archive, source)
        assert "\r" not in text
        for sel in source.iterfind("q:PlainTextSelection", NS):
            start, end = int(sel.get("startPosition", "")), int(sel.get("endPosition", ""))
            assert text[start:end] == sel.get("name")
            checked += 1
    assert checked == len(built.highlights)


def test_selection_names_are_the_words_at_utf16_offsets_nvivo(
        built: Built, tmp_path: Path) -> None:
    """NVivo offsets: CRLF texts; name == text[start:end] counted in UTF-16 units, and the
    offsets differ from code points wherever an emoji or a line end comes before."""
    from app.qdpx.nvivo_offsets import utf16_slice

    export(built, tmp_path / "standard.qdpx")
    export(built, tmp_path / "nvivo.qdpx", nvivo=True)
    _d, standard, _a = read(tmp_path / "standard.qdpx")
    _data, root, archive = read(tmp_path / "nvivo.qdpx")
    code_points = {s.get("guid"): int(s.get("endPosition", ""))
                   for s in standard.iter(Q + "PlainTextSelection")}
    shifted = 0
    for source in root.iterfind("q:Sources/q:TextSource", NS):
        text = source_text(archive, source)
        assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
        for sel in source.iterfind("q:PlainTextSelection", NS):
            start, end = int(sel.get("startPosition", "")), int(sel.get("endPosition", ""))
            assert utf16_slice(text, start, end) == sel.get("name")
            shifted += end != code_points[sel.get("guid")]
    assert shifted >= 4  # flag, two lines, combining, last emoji: all after a line or emoji


def test_qde_is_utf8_without_bom_with_lower_case_sources(built: Built, tmp_path: Path) -> None:
    """project.qde starts with the XML declaration (no BOM); texts sit in sources/ under
    their internal:// names; no other member."""
    export(built, tmp_path / "out.qdpx")
    data, root, archive = read(tmp_path / "out.qdpx")
    assert data.startswith(b"<?xml")
    names = set(archive.namelist())
    assert all(n == "project.qde" or n.startswith("sources/") for n in names)
    for source in root.iterfind("q:Sources/q:TextSource", NS):
        path = source.get("plainTextPath", "")
        assert "sources/" + path.removeprefix("internal://") in names
        assert source.find("q:PlainTextContent", NS) is None
        raw = archive.read("sources/" + path.removeprefix("internal://"))
        assert not raw.startswith(b"\xef\xbb\xbf")


def test_guids_are_lower_case_and_stable_across_exports(built: Built, tmp_path: Path) -> None:
    """Every GUID is lower case; a second export gives every record the same GUID."""
    export(built, tmp_path / "a.qdpx")
    export(built, tmp_path / "b.qdpx")
    first, second = read(tmp_path / "a.qdpx")[1], read(tmp_path / "b.qdpx")[1]
    guids = [e.get("guid") for e in first.iter() if e.get("guid")]
    assert guids and all(GUID.fullmatch(g or "") for g in guids)
    assert len(guids) == len(set(guids))
    assert guids == [e.get("guid") for e in second.iter() if e.get("guid")]


def test_every_reference_points_at_a_declared_element(built: Built, tmp_path: Path) -> None:
    """Every targetGUID, creatingUser, originGUID names an element of the file; every user
    referenced is declared in <Users>."""
    export(built, tmp_path / "out.qdpx")
    root = read(tmp_path / "out.qdpx")[1]
    declared = {e.get("guid") for e in root.iter() if e.get("guid")}
    users = {u.get("guid") for u in root.iterfind("q:Users/q:User", NS)}
    for element in root.iter():
        for attr in ("targetGUID", "originGUID"):
            if element.get(attr):
                assert element.get(attr) in declared, (element.tag, attr)
        for attr in ("creatingUser", "modifyingUser", "creatingUserGUID"):
            if element.get(attr):
                assert element.get(attr) in users, (element.tag, attr)
    assert root.get("creatingUserGUID") in users


def test_sections_come_in_schema_order(built: Built, tmp_path: Path) -> None:
    """The project's sections follow the XSD's sequence (some tools read positionally)."""
    export(built, tmp_path / "out.qdpx")
    root = read(tmp_path / "out.qdpx")[1]
    tags = [child.tag.removeprefix(Q) for child in root]
    assert tags == sorted(tags, key=PROJECT_ORDER.index)
    assert tags[:6] == ["Users", "CodeBook", "Variables", "Cases", "Sources", "Notes"]


def test_codes_keep_hierarchy_colours_and_descriptions(built: Built, tmp_path: Path) -> None:
    """Tags become nested codes with #RRGGBB colours and their descriptions."""
    export(built, tmp_path / "out.qdpx")
    root = read(tmp_path / "out.qdpx")[1]
    top = {c.get("name"): c for c in root.iterfind("q:CodeBook/q:Codes/q:Code", NS)}
    assert set(top) == {"Akteure", "Abkommen", "Emoji"}
    akteure = top["Akteure"]
    assert akteure.get("color") == "#1A2B3C" and akteure.get("isCodable") == "true"
    assert akteure.findtext("q:Description", namespaces=NS) == \
        "Wer handelt: Staaten & Personen <alle>"
    nested = akteure.find("q:Code[@name='Staaten']/q:Code[@name='Kasachstan']", NS)
    assert nested is not None
    assert all(re.fullmatch("#[0-9A-F]{6}", c.get("color", "")) for c in root.iter(Q + "Code"))


def test_selections_carry_memos_codings_and_note_refs(built: Built, tmp_path: Path) -> None:
    """A highlight's tags become codings, its memo the description; notes citing it are
    note references; each of the note's links is a Link named as in the note."""
    from app.qdpx.guids import Guids
    from app.services import QdpxExportService

    export(built, tmp_path / "out.qdpx")
    root = read(tmp_path / "out.qdpx")[1]
    guids = Guids(QdpxExportService(built.nb).notebook_uuid())
    flag = selection(root, guids.of("highlight", built.highlights["flag"]))
    assert flag.get("name") == "Astana 🇰🇿"
    assert flag.findtext("q:Description", namespaces=NS) == "Flagge: 🇰🇿 *Markdown*"
    coded = {c.get("targetGUID") for c in flag.iterfind("q:Coding/q:CodeRef", NS)}
    assert coded == {guids.of("tag", built.tags["Akteure/Staaten/Kasachstan"]),
                     guids.of("tag", built.tags["Emoji"])}
    main = guids.of("note", built.notes["main"])
    assert [r.get("targetGUID") for r in flag.iterfind("q:NoteRef", NS)] == [main]
    lines = selection(root, guids.of("highlight", built.highlights["lines"]))
    assert lines.findtext("q:Description", namespaces=NS) == \
        "über zwei Zeilen\nzweite Memo-Zeile"
    links = {(ln.get("name"), ln.get("originGUID")) for ln in root.iterfind("q:Links/q:Link", NS)}
    for name in (f"passage:{built.highlights['flag']}", f"passage:{built.highlights['jets']}",
                 f"article:{built.articles['boeing']}", "actor:Tokayev",
                 "agreement:Boeing purchase", "note:Other note"):
        assert (name, main) in links
    child = guids.of("note", built.notes["child"])
    assert ("part of", child) in links


def test_notes_carry_title_markdown_and_dates(built: Built, tmp_path: Path) -> None:
    """Each note is a <Note> with its title as name and its Markdown as plain text."""
    export(built, tmp_path / "out.qdpx")
    root = read(tmp_path / "out.qdpx")[1]
    notes = {n.get("name"): n for n in root.iterfind("q:Notes/q:Note", NS)}
    assert set(notes) == {"Other note", "Findings 🇰🇿", "Sub-note"}
    body = built.nb.notes.get(built.notes["main"]).body
    assert notes["Findings 🇰🇿"].findtext("q:PlainTextContent", namespaces=NS) == body
    assert notes["Findings 🇰🇿"].get("creationDateTime")


def test_actor_and_agreement_become_cases_with_variables(built: Built, tmp_path: Path) -> None:
    """Actors and agreements are cases: fields as variable values, mentions and evidence as
    selection references, parties and evidence as links."""
    export(built, tmp_path / "out.qdpx")
    root = read(tmp_path / "out.qdpx")[1]
    names = {v.get("guid"): (v.get("name"), v.get("typeOfVariable"))
             for v in root.iterfind("q:Variables/q:Variable", NS)}
    cases = {c.get("name"): c for c in root.iterfind("q:Cases/q:Case", NS)}

    def values(case: ET.Element) -> dict[str, str]:
        out = {}
        for vv in case.iterfind("q:VariableValue", NS):
            name = names[vv.find("q:VariableRef", NS).get("targetGUID")][0]  # type: ignore[union-attr]
            out[name] = "".join(e.text or "" for e in vv if e.tag != Q + "VariableRef")
        return out

    tokayev = values(cases["Kassym-Jomart Tokayev"])
    assert tokayev["Dossier record"] == "actor" and tokayev["Actor kind"] == "person"
    assert tokayev["Country"] == "KZ"
    assert "Tokajew (de, Latn)" in tokayev["Aliases"].split("\n")
    assert len(cases["Kassym-Jomart Tokayev"].findall("q:SelectionRef", NS)) == 1
    deal = values(cases["Boeing purchase"])
    assert deal["Agreement type"] == "purchase"
    assert deal["Value amount"] == "1100000000.0"  # xsd:decimal: never an exponent
    assert deal["Parties"] == "Kassym-Jomart Tokayev (buyer)\nBoeing (seller)"
    assert deal["Status history"] == "2025-11 announced: in Washington"
    assert cases["Boeing purchase"].findtext("q:Description", namespaces=NS) == \
        "37 jets for **Air Astana**"
    assert len(cases["Boeing purchase"].findall("q:SelectionRef", NS)) == 1
    link_names = {ln.get("name") for ln in root.iterfind("q:Links/q:Link", NS)}
    assert {"buyer", "seller", "evidence: supports value"} <= link_names


def test_article_metadata_are_source_variables_and_outlets_sets(built: Built,
                                                                tmp_path: Path) -> None:
    """Outlet, date, URL, author, file name are text variables of the source; each outlet
    is a set of its sources."""
    export(built, tmp_path / "out.qdpx")
    root = read(tmp_path / "out.qdpx")[1]
    names = {v.get("guid"): v.get("name") for v in root.iterfind("q:Variables/q:Variable", NS)}
    sources = {s.get("name"): s for s in root.iterfind("q:Sources/q:TextSource", NS)}
    gipfel = sources["Gipfel in Astana 🇰🇿 und Washington"]
    values = {names[v.find("q:VariableRef", NS).get("targetGUID")]:  # type: ignore[union-attr]
              v.findtext("q:TextValue", namespaces=NS)
              for v in gipfel.iterfind("q:VariableValue", NS)}
    assert values["Outlet"] == "Die Zeit" and values["Published"] == "2025-11-06"
    assert values["URL"] == "https://example.org/gipfel?a=1&b=2"
    assert values["Author"] == "Anna Müller" and values["Original file"] == "gipfel.txt"
    sets = {s.get("name"): [m.get("targetGUID") for m in s.iterfind("q:MemberSource", NS)]
            for s in root.iterfind("q:Sets/q:Set", NS)}
    assert sets == {"Outlet: Die Zeit": [gipfel.get("guid")],
                    "Outlet: Example Times": [
                        sources["Trump invites Tokayev and Mirziyoyev to G20 summit in Miami"]
                        .get("guid")],
                    "Outlet: Reuters": [sources["Tokayev meets Trump"].get("guid")]}
    g20 = sources["Trump invites Tokayev and Mirziyoyev to G20 summit in Miami"]
    extra = {names[v.find("q:VariableRef", NS).get("targetGUID")]:  # type: ignore[union-attr]
             v.findtext("q:TextValue", namespaces=NS)
             for v in g20.iterfind("q:VariableValue", NS)}
    assert extra["sitename"] == "Example Times" and extra["hostname"] == "example-times.com"


def test_orphaned_highlight_is_reported_and_left_out(fresh: Built, tmp_path: Path,
                                                      project_schema: xmlschema.XMLSchema
                                                      ) -> None:
    """A highlight whose words left the text is named in the report, not exported, and
    nothing refers to it; the file stays valid."""
    article = fresh.nb.articles.get(fresh.articles["boeing"])
    fresh.nb.revisions.edit_text(article.id, article.text.replace("37 Boeing jets", "planes"))
    assert fresh.nb.annotations.get(fresh.highlights["jets"]).is_orphaned
    report = export(fresh, tmp_path / "out.qdpx")
    assert any(f"highlight {fresh.highlights['jets']} " in line
               for line in report.skipped)  # type: ignore[attr-defined]
    data, root, _ = read(tmp_path / "out.qdpx")
    project_schema.validate(data.decode("utf-8"))
    assert len(list(root.iter(Q + "PlainTextSelection"))) == len(fresh.highlights) - 1


def test_cancel_leaves_no_file_and_keeps_the_old_one(built: Built, tmp_path: Path) -> None:
    """A cancelled export raises Cancelled, leaves the previous file as it was and no temp
    file beside it."""
    from app.core.errors import Cancelled
    from app.core.progress import CancelToken
    from app.services import QdpxExportService

    out = tmp_path / "out" / "project.qdpx"
    out.parent.mkdir()
    out.write_bytes(b"previous export")
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        QdpxExportService(built.nb).export_project(out, cancel=token)
    assert out.read_bytes() == b"previous export"
    assert sorted(p.name for p in out.parent.iterdir()) == ["project.qdpx"]


def test_export_to_a_folder_path_says_so(built: Built, tmp_path: Path) -> None:
    """A target that is a folder gets a one-line error naming it, and nothing is written."""
    from app.core.errors import ValidationError

    with pytest.raises(ValidationError, match="is a folder"):
        export(built, tmp_path)


def test_progress_counts_articles_and_cancel_midway_writes_nothing(built: Built,
                                                                   tmp_path: Path) -> None:
    """Progress goes article by article up to done; a cancel after the first article stops
    the export with no file and no temp file left."""
    from app.core.errors import Cancelled
    from app.core.progress import CancelToken, ProgressEvent
    from app.services import QdpxExportService

    events: list[ProgressEvent] = []
    QdpxExportService(built.nb).export_project(tmp_path / "a.qdpx", progress=events.append)
    assert [e.done for e in events] == [0, 1, 2, 3, 1]
    assert events[0].total == 4 and events[-1].done == events[-1].total

    token = CancelToken()

    def cancel_after_first(event: ProgressEvent) -> None:
        if event.done == 1:
            token.cancel()

    target = tmp_path / "cancelled" / "b.qdpx"
    with pytest.raises(Cancelled):
        QdpxExportService(built.nb).export_project(target, progress=cancel_after_first,
                                                   cancel=token)
    assert list(target.parent.iterdir()) == []
