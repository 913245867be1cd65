"""Fixtures for the command-line tests: the demo notebook, enriched, and its export."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main
from app.services import Notebook

UNICODE_TEXT = ("Gipfel 🇰🇿 in Astana\n"
                "Der Präsident 👩🏽‍💼 sagte „Zusammenarbeit“; e\u0301 bleibt e\u0301. "
                "שלום עליכם. Tokajew lächelte.\n")


def _enrich(nb: Notebook, tmp: Path) -> None:
    """Add what the demo lacks so that every table holds rows and orders matter: astral
    and combining characters, a tag and a note moved under ones created after them, and
    rejected suggestions (here and everywhere)."""
    source = tmp / "unicode.txt"
    source.write_text(UNICODE_TEXT, encoding="utf-8")
    (article,) = nb.imports.import_paths([source]).imported
    text = nb.articles.get(article.id).text
    start = text.index("Zusammenarbeit")
    tag, _ = nb.tags.create("Später angelegt", colour="#aabbcc", description="*neu*")
    nb.annotations.add(article.id, start, start + len("Zusammenarbeit"), [tag.id],
                       memo="nach 👩🏽‍💼 und **Markdown**")
    # a corrected text keeps its earlier revision (article_revision) and the highlight follows
    nb.revisions.edit_text(article.id, text + "Nachtrag: korrigiert.\n", reason="Nachtrag")
    oldest = min(t.id for t in nb.tags.list())
    nb.tags.set_parent(oldest, tag.id)
    folder, _ = nb.notes.create("Sammelmappe", "Siehe [[Tokajew]] und [[note:Nirgendwo]].")
    nb.notes.move(min(n.id for n in nb.notes.list()), folder.id)
    found = nb.actors.suggestions.run().suggestions
    assert len(found) >= 2, "the demo should offer suggestions to reject"
    nb.actors.suggestions.reject(found[0])
    nb.actors.suggestions.reject(found[1], everywhere=True)
    nb.history.clear()


@pytest.fixture(scope="session")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The enriched demo notebook (folder) and its export (file)."""
    tmp = tmp_path_factory.mktemp("transfer")
    with Notebook.open_demo(tmp / "source") as nb:
        _enrich(nb, tmp)
    assert main(["export", "--json", str(tmp / "notebook.json"),
                 "--notebook", str(tmp / "source")]) == 0
    return tmp / "source", tmp / "notebook.json"


