"""A small notebook with everything a REFI-QDA export must carry (for the export tests).

Texts with astral emoji, a flag (two astral code points), combining marks that NFC
cannot compose, „German quotes“ and several lines; nested tags with colours and
descriptions; highlights with memos, several tags, one across a line end and one on an
emoji; an actor with aliases and mentions; an agreement with parties, value, status
history and evidence; notes linking passages, articles, the actor, the agreement and
another note, and a sub-note.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EMOJI_TEXT = (
    "Gipfel in Astana 🇰🇿 und Washington\n"
    "Präsident Tokajew 👍 unterzeichnete „das Abkommen“ über 1,1 Mrd. USD.\n"
    "Dritte Zeile: q\u0307 und \u0928\u092e\u0938\u094d\u0924\u0947 mit 😀 am Ende.\n"
)
HTML = Path(__file__).resolve().parents[1] / "ingest" / "data" / "en_news.html"
ENGLISH_TEXT = (
    "Tokayev meets Trump\n"
    "President Tokayev announced that Kazakhstan will buy 37 Boeing jets.\n"
    "Air Astana confirmed the order.\n"
)


@dataclass
class Built:
    """The notebook and the ids a test needs."""

    nb: Any
    articles: dict[str, int]
    highlights: dict[str, int] = field(default_factory=dict)
    tags: dict[str, int] = field(default_factory=dict)
    notes: dict[str, int] = field(default_factory=dict)


def span(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def build(folder: Path) -> Built:
    """Create the notebook in ``folder / "nb"`` from two text files."""
    from app.services import Notebook

    texts = folder / "texts"
    texts.mkdir(parents=True)
    (texts / "gipfel.txt").write_text(EMOJI_TEXT, encoding="utf-8")
    (texts / "boeing.txt").write_text(ENGLISH_TEXT, encoding="utf-8")
    shutil.copy(HTML, texts / "g20.html")  # a web page: extra metadata (site, host, section)
    nb = Notebook.open(folder / "nb")
    report = nb.imports.import_paths([texts / n for n in ("gipfel.txt", "boeing.txt",
                                                          "g20.html")])
    assert not report.failures
    ids = {Path(s.original_name).name: s.id for s in report.imported}
    built = Built(nb, {"gipfel": ids["gipfel.txt"], "boeing": ids["boeing.txt"],
                       "g20": ids["g20.html"]})
    _metadata(built)
    _tags(built)
    _highlights(built)
    _actors_and_agreements(built)
    _notes(built)
    return built


def _metadata(b: Built) -> None:
    """Outlets, dates, a URL and an author, so that metadata travels as variables."""
    from app.core.records import ArticleMeta

    nb = b.nb
    gipfel = nb.articles.get(b.articles["gipfel"]).summary
    nb.articles.update_meta(gipfel.id, ArticleMeta(
        title=gipfel.title, language=gipfel.language, outlet="Die Zeit",
        url="https://example.org/gipfel?a=1&b=2", author="Anna Müller",
        published="2025-11-06", original_name=gipfel.original_name))
    nb.articles.set_fields([b.articles["boeing"]], outlet="Reuters", published="2025-11")


def _tags(b: Built) -> None:
    nb = b.nb
    for path in ("Akteure/Staaten/Kasachstan", "Akteure/Personen", "Abkommen/Kauf", "Emoji"):
        tag, _ = nb.tags.ensure(path)
        b.tags[path] = tag.id
    b.tags["Akteure"] = nb.tags.find("Akteure").id
    nb.tags.set_colour(b.tags["Akteure"], "#1a2b3c")
    nb.tags.set_description(b.tags["Akteure"], "Wer handelt: Staaten & Personen <alle>")
    nb.tags.set_colour(b.tags["Emoji"], "#ffcc00")


def _highlights(b: Built) -> None:
    nb, t = b.nb, b.tags
    gipfel = nb.articles.get(b.articles["gipfel"]).text
    boeing = nb.articles.get(b.articles["boeing"]).text
    wanted = {
        "flag": (b.articles["gipfel"], span(gipfel, "Astana 🇰🇿"),
                 [t["Akteure/Staaten/Kasachstan"], t["Emoji"]], "Flagge: 🇰🇿 *Markdown*"),
        "lines": (b.articles["gipfel"], span(gipfel, "Washington\nPräsident Tokajew 👍"),
                  [t["Akteure/Personen"]], "über zwei Zeilen\nzweite Memo-Zeile"),
        "quote": (b.articles["gipfel"], span(gipfel, "„das Abkommen“"), [t["Abkommen/Kauf"]],
                  ""),
        "combining": (b.articles["gipfel"], span(gipfel, "q\u0307 und \u0928\u092e"),
                      [], "combining marks, no tag"),
        "last": (b.articles["gipfel"], span(gipfel, "😀 am Ende."), [t["Emoji"]], ""),
        "jets": (b.articles["boeing"], span(boeing, "37 Boeing jets"),
                 [t["Abkommen/Kauf"], t["Akteure"]], "the order & its size <37>"),
        "tokayev": (b.articles["boeing"], span(boeing, "President Tokayev"), [], ""),
    }
    for key, (article_id, (start, end), tag_ids, memo) in wanted.items():
        h, _ = nb.annotations.add(article_id, start, end, tag_ids, memo=memo)
        b.highlights[key] = h.id


def _actors_and_agreements(b: Built) -> None:
    nb = b.nb
    actor, _ = nb.actors.create("Kassym-Jomart Tokayev", kind="person", country="KZ",
                                description="Präsident Kasachstans")
    nb.actors.add_alias(actor.id, "Tokajew", "de")
    nb.actors.mark_highlight(b.highlights["tokayev"], actor.id)
    boeing, _ = nb.actors.create("Boeing", kind="company", country="US")
    agreement, _ = nb.agreements.create("Boeing purchase", type="purchase",
                                        summary="37 jets for **Air Astana**")
    nb.agreements.add_party(agreement.id, actor.id, "buyer")
    nb.agreements.add_party(agreement.id, boeing.id, "seller")
    nb.agreements.set_value(agreement.id, "USD 1.1 bn", amount=1.1e9, currency="USD",
                            qualifier="about")
    nb.agreements.add_event(agreement.id, "announced", "2025-11", note="in Washington")
    nb.agreements.add_evidence(agreement.id, b.highlights["jets"], field="value")


def _notes(b: Built) -> None:
    nb, h = b.nb, b.highlights
    other, _ = nb.notes.create("Other note", "Nothing but text.")
    body = (f"# Findings\n\nThe flag [[passage:{h['flag']}]] and the order "
            f"[[passage:{h['jets']}|the jets]] in [[article:{b.articles['boeing']}]].\n"
            "[[Tokayev]] signed [[agreement:Boeing purchase]]; see [[note:Other note]].\n")
    main, _ = nb.notes.create("Findings 🇰🇿", body)
    child, _ = nb.notes.create("Sub-note", "Below the findings.", parent_id=main.id)
    b.notes.update({"other": other.id, "main": main.id, "child": child.id})
