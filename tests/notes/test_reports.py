"""Reports: notes with quotations and endnotes; actor and agreement dossiers (content)."""

from __future__ import annotations

import pytest

from app.core.errors import ValidationError
from app.notes.links import Resolved
from app.notes.reports import note_report
from tests.notes.conftest import DE_TEXT, article_id


def _span(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def test_note_report_turns_passages_into_quotes_with_endnotes() -> None:
    """Passage links become their quote plus a numbered source; repeats share a number."""
    links = {("passage", "7"): Resolved("passage", 7, "T", "Tokajew verkündete",
                                        "Tokajew und Trump, FAZ, 2025-11-06"),
             ("actor", "tokayev"): Resolved("actor", 1, "Kassym-Jomart Tokayev")}
    md = note_report("Visit", "[[Tokayev|Tokayev]] said [[passage:7]] and [[passage:7]]. "
                              "[[Nobody]]", links)
    assert "**Tokayev** said „Tokajew verkündete“[^1] and „Tokajew verkündete“[^1]." in md
    assert "[^1]: Tokajew und Trump, FAZ, 2025-11-06 (passage 7)" in md
    assert "Nobody *(broken link)*" in md and "[^2]" not in md


def test_export_note_resolves_citations_from_the_notebook(nb) -> None:
    """A cited passage appears with its article, outlet-less source and date in Markdown."""
    de = article_id(nb, "Tokajew")
    citation, _ = nb.notes.cite(de, *_span(DE_TEXT, "Präsident Tokajew verkündete"))
    note, _ = nb.notes.create("Beitritt", f"Quelle: {citation.markdown}\n\n[[agreement:None]]")
    md = nb.notes.export_note(note.id)
    assert md.startswith("# Beitritt")
    assert "„Präsident Tokajew verkündete“[^1]" in md
    assert f"[^1]: Tokajew und Trump (passage {citation.highlight_id})" in md
    assert "None *(broken link)*" in md


def test_export_note_as_html_is_a_safe_standalone_page(nb) -> None:
    """HTML export renders endnotes, escapes the title and loads nothing external."""
    de = article_id(nb, "Tokajew")
    citation, _ = nb.notes.cite(de, 18, 27)
    note, _ = nb.notes.create("<script>x</script>", f"{citation.markdown} <img src=https://e/x>")
    page = nb.notes.export_note(note.id, "html")
    assert page.startswith("<!DOCTYPE html>") and "&lt;script&gt;x&lt;/script&gt;" in page
    assert 'class="footnote"' in page and "<script>" not in page and "https://e" not in page
    with pytest.raises(ValidationError):
        nb.notes.export_note(note.id, "pdf")


def test_export_notebook_numbers_sources_once_across_notes(nb) -> None:
    """Two notes citing the same passage share one endnote; each note is a section."""
    de = article_id(nb, "Tokajew")
    citation, _ = nb.notes.cite(de, 18, 27)
    nb.notes.create("B note", f"# Heading\n{citation.markdown}")
    nb.notes.create("A note", citation.markdown)
    md = nb.notes.export_notebook("Kazakhstan")
    assert md.index("## A note") < md.index("## B note")
    assert "### Heading" in md and md.count("[^1]:") == 1 and "[^2]" not in md


def test_actor_dossier_lists_aliases_mentions_and_agreement_evidence(nb) -> None:
    """The dossier names aliases, each mention in context with its source, and evidence."""
    de = article_id(nb, "Tokajew")
    actor, _ = nb.actors.create("Kassym-Jomart Tokayev", kind="person", country="KZ",
                                aliases=["Tokajew"])
    start = DE_TEXT.index("Tokajew verkündete")
    nb.actors.mark(de, start, start + len("Tokajew"), actor.id)
    agreement, _ = nb.agreements.create("Abraham Accords accession", type="accession")
    nb.agreements.add_party(agreement.id, actor.id, "signatory")
    nb.agreements.cite(agreement.id, de, *_span(DE_TEXT, "den Beitritt zum Abraham-Abkommen"))
    md = nb.notes.actor_dossier(actor.id)
    assert md.startswith("# Kassym-Jomart Tokayev") and "Also written: Tokajew" in md
    assert "Trump Präsident **Tokajew** verkündete in" in md
    assert "### Abraham Accords accession (signatory)" in md
    assert "supports the agreement: „den Beitritt zum Abraham-Abkommen“[^1]" in md
    assert "[^1]: Tokajew und Trump" in md


def test_agreement_dossier_lists_parties_timeline_and_evidence(nb) -> None:
    """Parties with roles, dated events and cited evidence with its stance appear."""
    de = article_id(nb, "Tokajew")
    actor, _ = nb.actors.create("Kazakhstan", kind="state")
    agreement, _ = nb.agreements.create("Tungsten joint venture", type="joint venture",
                                        value_text="USD 1.1 bn")
    nb.agreements.add_party(agreement.id, actor.id, "investor")
    nb.agreements.add_event(agreement.id, "signed", "2025-11-06")
    nb.agreements.cite(agreement.id, de, *_span(DE_TEXT, "Wolfram wurde unterzeichnet"),
                       stance="mentions")
    md = nb.notes.agreement_dossier(agreement.id)
    assert "# Tungsten joint venture" in md and "- Kazakhstan (investor)" in md
    assert "- 2025-11-06: signed" in md
    assert "mentions the agreement: „Wolfram wurde unterzeichnet“[^1]" in md
    html = nb.notes.agreement_dossier(agreement.id, "html")
    assert "<h1>Tungsten joint venture</h1>" in html
