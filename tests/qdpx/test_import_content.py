"""REFI-QDA import: codes, memos, notes, users, variables, broken references, PDFs."""

from __future__ import annotations

from pathlib import Path

from app.services import Notebook
from tests.qdpx import builders as b

TEXT = "Kazakhstan joins the Abraham Accords. Boeing sells 37 jets. Tungsten venture."


def _one_source(tmp_path: Path, selections: str, *, codes: str = "", users: str = "",
                notes: str = "", extra_sources: str = "", values: str = "",
                variables: str = "", links: str = "", name: str = "p.qdpx",
                src: str | None = None) -> Path:
    src = src or b.guid()
    qde = b.project(users=users, codes=codes, notes=notes, variables=variables, links=links,
                    sources=b.text_source(src, "Report", path=f"internal://{src}.txt",
                                          selections=selections, values=values)
                    + extra_sources)
    return b.write_qdpx(tmp_path / name, qde, {f"sources/{src}.txt": TEXT.encode()})


def _span(words: str) -> tuple[int, int]:
    return b.standard_span(TEXT, words)


def _tags(nb: Notebook) -> dict[str, tuple[str, str]]:
    return {t.path: (t.colour, t.description) for t in nb.tags.list()}


def test_nested_and_category_codes_become_a_tag_tree(notebook, tmp_path):
    """Nested codes keep their hierarchy; a non-codable code becomes a parent tag."""
    top, mid, leaf, codable_parent, child = (b.guid() for _ in range(5))
    codes = b.code(top, "Diplomacy", codable="false", children=b.code(
        mid, "Treaties", colour="#0F0", description="Signed texts",
        children=b.code(leaf, "Abraham/Accords", colour="#80FF0000")))
    codes += b.code(codable_parent, "Trade", colour="#00FF00FF",
                    children=b.code(child, "Boeing"))
    sels = (b.selection(b.guid(), *_span("Abraham Accords"), codes=[leaf])
            + b.selection(b.guid(), *_span("Boeing sells 37 jets"), codes=[codable_parent]))
    report = notebook.qdpx_import.import_project(_one_source(tmp_path, sels, codes=codes))
    tags = _tags(notebook)
    assert tags["Diplomacy/Treaties"] == ("#00ff00", "Signed texts")
    assert tags["Diplomacy/Treaties/Abraham\u2215Accords"][0] == "#ff0000"  # ARGB
    assert tags["Trade"][0] == "#00ff00"  # RGBA
    assert "Trade/Boeing" in tags and tags["Trade/Boeing"][0]  # no colour: a palette one
    assert report.codes == 5 and report.selections == 2
    highlighted = {h.exact: {notebook.tags.get(t).path for t in h.tag_ids}
                   for h in notebook.annotations.highlights_for(report.articles[0])}
    assert highlighted == {"Abraham Accords": {"Diplomacy/Treaties/Abraham\u2215Accords"},
                           "Boeing sells 37 jets": {"Trade"}}


def test_bad_colour_is_reported_and_the_code_imports(notebook, tmp_path):
    """A colour that is no colour is named in the report; the tag gets a default one."""
    code = b.guid()
    path = _one_source(tmp_path, "", codes=b.code(code, "Odd", colour="reddish"))
    report = notebook.qdpx_import.import_project(path)
    assert any("reddish" in reason for _, reason in report.skipped)
    assert _tags(notebook)["Odd"][0].startswith("#")


def test_memo_without_coding_and_users_as_authors(notebook, tmp_path):
    """A selection with a Description and no Coding is a memo; its creator the author."""
    alice = b.guid(upper=True)
    sels = b.selection(b.guid(), *_span("Tungsten venture"), description="Check the 70 %",
                       creator=alice, created="2024-03-01T10:00:00Z")
    path = _one_source(tmp_path, sels, users=b.user(alice, "Alice Analyst"))
    report = notebook.qdpx_import.import_project(path)
    [highlight] = notebook.annotations.highlights_for(report.articles[0])
    assert (highlight.exact, highlight.memo, highlight.tag_ids) == (
        "Tungsten venture", "Check the 70 %", ())
    assert highlight.author == "Alice Analyst"
    assert highlight.created_at.year == 2024
    assert (report.memos, report.users) == (1, 1)


def test_nvivo_notes_with_noteref_and_link_become_linked_notes(notebook, tmp_path):
    """NVivo annotations (Note + NoteRef or Link) become notes linking their passage."""
    sel, note1, note2, src, bob = b.guid(), b.guid(), b.guid(), b.guid(), b.guid()
    sels = b.selection(sel, *_span("Abraham Accords"), note_refs=[note1.upper()])
    notes = (b.note(note1, "Annotation 1", "Confirmed by a second source.", creator=bob)
             + b.note(note2, "", "Whole report is an op-ed."))
    links = f'<Link guid="{b.guid()}" originGUID="{src}" targetGUID="{note2}"/>'
    path = _one_source(tmp_path, sels, notes=notes, links=links, src=src,
                       users=b.user(bob, "Bob"))
    report = notebook.qdpx_import.import_project(path)
    assert report.notes == 2
    bodies = {n.title: notebook.notes.get(n.id).body for n in notebook.notes.list()}
    [highlight] = notebook.annotations.highlights_for(report.articles[0])
    assert f"[[passage:{highlight.id}]]" in bodies["Annotation 1"]
    assert "by Bob" in bodies["Annotation 1"]
    assert f"[[article:{report.articles[0]}]]" in bodies["Whole report is an op-ed."]
    backlinks = notebook.notes.backlinks("passage", highlight.id)
    assert [link.note_title for link in backlinks] == ["Annotation 1"]


def test_broken_references_are_reported_not_fatal(notebook, tmp_path):
    """Codings, note references and users that point nowhere are reported; the rest imports."""
    code = b.guid()
    sels = b.selection(b.guid(), *_span("Boeing"), codes=[code, b.guid()],
                       note_refs=[b.guid()], creator=b.guid())
    report = notebook.qdpx_import.import_project(
        _one_source(tmp_path, sels, codes=b.code(code, "Trade")))
    reasons = " | ".join(reason for _, reason in report.skipped)
    assert "does not exist" in reasons and "not declared in <Users>" in reasons
    [highlight] = notebook.annotations.highlights_for(report.articles[0])
    assert [notebook.tags.get(t).name for t in highlight.tag_ids] == ["Trade"]


def test_variables_fill_article_fields_and_the_rest_is_kept(notebook, tmp_path):
    """Date, outlet, language and URL variables fill the article; others go to extra."""
    date, outlet, lang, url, region = (b.guid() for _ in range(5))
    variables = (b.variable(date, "Date", "Date") + b.variable(outlet, "Newspaper")
                 + b.variable(lang, "Language") + b.variable(url, "URL")
                 + b.variable(region, "Region"))
    values = (b.value(date, "2025-11-06", "DateValue") + b.value(outlet, "Kazinform")
              + b.value(lang, "EN") + b.value(url, "https://example.org/a")
              + b.value(region, "Central Asia") + b.value(b.guid(), "orphan"))
    report = notebook.qdpx_import.import_project(
        _one_source(tmp_path, "", variables=variables, values=values))
    article = notebook.articles.get(report.articles[0])
    summary = article.summary
    assert (summary.published, summary.outlet, summary.language, summary.url) == (
        "2025-11-06", "Kazinform", "en", "https://example.org/a")
    assert article.extra == {"Region": "Central Asia"}
    assert any("not declared" in reason for _, reason in report.skipped)


def test_pdf_without_text_is_skipped_and_with_representation_imported(notebook, tmp_path):
    """A PDF source is skipped with the reason unless its text representation is there."""
    rep, plain = b.guid(), b.guid()
    pdfs = (f'<PDFSource guid="{b.guid()}" name="Scan" path="internal://{b.guid()}.pdf"/>'
            f'<PDFSource guid="{b.guid()}" name="Paper" path="internal://{b.guid()}.pdf">'
            f'<Representation guid="{rep}" plainTextPath="internal://{plain}.txt">'
            + b.selection(b.guid(), 0, 5) + "</Representation></PDFSource>")
    src = b.guid()
    qde = b.project(sources=b.text_source(src, "Report", path=f"internal://{src}.txt") + pdfs)
    path = b.write_qdpx(tmp_path / "pdf.qdpx", qde, {f"sources/{src}.txt": TEXT.encode(),
                                                     f"sources/{plain}.txt": b"Hello paper."})
    report = notebook.qdpx_import.import_project(path)
    assert report.sources == 2 and report.selections == 1
    assert any("Scan" in item and "PDF source without a text" in reason
               for item, reason in report.skipped)


def test_import_into_a_notebook_with_tags_reuses_same_paths(notebook, tmp_path):
    """Tags with the same path are reused; new ones are created beside them."""
    notebook.tags.ensure("Diplomacy/Treaties")
    parent, child, other = b.guid(), b.guid(), b.guid()
    codes = b.code(parent, "diplomacy", children=b.code(child, "Treaties")) + b.code(
        other, "Economy")
    sels = b.selection(b.guid(), *_span("Abraham Accords"), codes=[child])
    report = notebook.qdpx_import.import_project(_one_source(tmp_path, sels, codes=codes))
    assert sorted(_tags(notebook)) == ["Diplomacy", "Diplomacy/Treaties", "Economy"]
    [highlight] = notebook.annotations.highlights_for(report.articles[0])
    assert notebook.tags.get(highlight.tag_ids[0]).path == "Diplomacy/Treaties"


def test_same_project_twice_adds_tags_to_the_same_passages(notebook, tmp_path):
    """Importing a project again reuses its article and passages instead of duplicating."""
    code = b.guid()
    sels = b.selection(b.guid(), *_span("Boeing"), codes=[code])
    path = _one_source(tmp_path, sels, codes=b.code(code, "Trade"))
    first = notebook.qdpx_import.import_project(path)
    second = notebook.qdpx_import.import_project(path)
    assert first.articles == second.articles and second.sources == 0
    assert len(notebook.annotations.highlights_for(first.articles[0])) == 1


def test_codebook_alone_becomes_tags(notebook, tmp_path):
    """A .qdc codebook's codes become tags with their hierarchy, colours and descriptions."""
    qdc = ('<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0">'
           "<Codes>" + b.code(b.guid(), "Actors", colour="#abc", children=b.code(
               b.guid(), "States", description="Sovereign")) + "</Codes></CodeBook>")
    path = tmp_path / "book.qdc"
    path.write_text(qdc, encoding="utf-8")
    report = notebook.qdpx_import.import_codebook(path)
    assert report.codes == 2
    assert _tags(notebook) == {"Actors": ("#aabbcc", ""), "Actors/States": (
        _tags(notebook)["Actors/States"][0], "Sovereign")}


def test_cancel_writes_nothing(notebook, tmp_path):
    """A cancelled import leaves the notebook as it was."""
    from app.core.progress import CancelToken

    code = b.guid()
    path = _one_source(tmp_path, b.selection(b.guid(), 0, 5, codes=[code]),
                       codes=b.code(code, "Trade"))
    token = CancelToken()
    token.cancel()
    report = notebook.qdpx_import.import_project(path, cancel=token)
    assert report.cancelled
    assert notebook.tags.list() == [] and notebook.articles.list().total == 0


def test_links_in_a_note_text_are_rewritten_to_the_new_ids(notebook, tmp_path):
    """A note whose text links ``[[passage:6|…]]`` (named by its <Link>) gets the new id
    in place, once, with no second "About" link; "part of" makes a note a child."""
    notebook.tags.ensure("Padding")  # ids in the new notebook differ from the file's
    sel, parent, child = b.guid(), b.guid(), b.guid()
    sels = b.selection(sel, *_span("Boeing sells 37 jets"), note_refs=[child])
    notes = (b.note(parent, "Findings", "Top.")
             + b.note(child, "Jets", "See [[passage:6|the jets]] and [[passage:7]]."))
    links = (f'<Link guid="{b.guid()}" name="passage:6" originGUID="{child}" '
             f'targetGUID="{sel}"/>'
             f'<Link guid="{b.guid()}" name="part of" originGUID="{child}" '
             f'targetGUID="{parent}"/>')
    report = notebook.qdpx_import.import_project(
        _one_source(tmp_path, sels, notes=notes, links=links))
    [highlight] = notebook.annotations.highlights_for(report.articles[0])
    summaries = {n.title: n for n in notebook.notes.list()}
    body = notebook.notes.get(summaries["Jets"].id).body
    assert f"See [[passage:{highlight.id}|the jets]] and [[passage:7]]." in body
    assert body.count(f"passage:{highlight.id}") == 1 and "About:" not in body
    assert summaries["Jets"].parent_id == summaries["Findings"].id


def test_import_changes_name_the_new_articles(notebook, tmp_path):
    """The report's Changes include the new articles (the views refresh from them), not
    only the tags and highlights the recorder saw."""
    code = b.guid()
    sels = b.selection(b.guid(), *_span("Boeing sells 37 jets"), codes=[code])
    report = notebook.qdpx_import.import_project(
        _one_source(tmp_path, sels, codes=b.code(code, "Trade")))
    assert report.articles and set(report.articles) <= report.changes.articles
    assert report.changes.highlights
