"""Notes linking to an actor or agreement show in its view and open on a click; the
suggestion review marks the found word in its context (real notebooks, real widgets)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from app.gui.actors.actors_view import ActorsView
from app.gui.actors.agreements_view import AgreementsView
from app.gui.actors.suggestions_dialog import (
    HTML_ROLE,
    SuggestionModel,
    SuggestionReviewDialog,
    context_parts,
)

TEXT = ("Präsident Tokajew empfing am Montag in Astana den Vorstand von Boeing. "
        "Tokajew sprach von einer langen Partnerschaft.\n")


@pytest.fixture
def linked(notebook):
    """An actor and an agreement, two notes linking to them and one that does not."""
    actor, _ = notebook.actors.create("Kassym-Jomart Tokayev", kind="person")
    notebook.actors.add_alias(actor.id, "Tokajew", "de")
    agreement, _ = notebook.agreements.create("Boeing-Kauf", "purchase")
    first, _ = notebook.notes.create("Besuch", "Am Montag traf [[Tokajew]] Boeing.")
    second, _ = notebook.notes.create("Vertrag", "Siehe [[agreement:Boeing-Kauf]] und "
                                      "[[Kassym-Jomart Tokayev]].")
    notebook.notes.create("Unrelated", "Nothing linked here.")
    return actor.id, agreement.id, first.id, second.id


def test_actor_view_lists_notes_linking_by_any_alias_and_opens_one(qtbot, controller,
                                                                   linked):
    """Both notes (one links by the German alias) are listed; a click asks to open it."""
    actor_id, _agreement_id, _first, second = linked
    view = ActorsView(controller)
    qtbot.addWidget(view)
    assert view.select_actor(actor_id)
    assert view.backlinks.note_titles() == ["Besuch", "Vertrag"]
    assert "Mentioned in 2 notes" in view.backlinks.label.text()
    with qtbot.waitSignal(view.openNote) as opened:
        view.backlinks.open_row(1)
    assert opened.args == [second]


def test_agreement_view_lists_linking_note_and_follows_new_links(qtbot, controller,
                                                                 notebook, linked):
    """The agreement shows the one note linking to it; a note saved with a new link is
    added without reselecting."""
    _actor_id, agreement_id, first, _second = linked
    view = AgreementsView(controller)
    qtbot.addWidget(view)
    assert view.select_agreement(agreement_id)
    assert view.backlinks.note_titles() == ["Vertrag"]
    controller.edit(lambda: notebook.notes.save_body(
        first, "Am Montag traf [[Tokajew]] Boeing: [[agreement:boeing-kauf]]."))
    assert view.backlinks.note_titles() == ["Besuch", "Vertrag"]


def test_window_opens_note_clicked_in_actor_backlinks(qtbot, notebook, linked, make_window):
    """In the main window, clicking a backlink shows that note in the notes view."""
    actor_id, _agreement_id, first, _second = linked
    window = make_window(notebook)
    assert window.actor_views.show_actor(actor_id)
    window.actor_views.actors_view.backlinks.open_row(0)
    assert window.notes_view.note_id() == first


def test_actor_without_notes_says_how_to_link(qtbot, controller, notebook):
    """An actor no note links to shows how to write a link instead of an empty box."""
    actor, _ = notebook.actors.create("Boeing", kind="company")
    view = ActorsView(controller)
    qtbot.addWidget(view)
    view.select_actor(actor.id)
    assert view.backlinks.note_titles() == []
    assert "[[actor:" in view.backlinks.label.text()


def test_suggestions_mark_found_word_in_context_with_article_title(qtbot, controller,
                                                                   notebook, import_text):
    """Each suggestion's context has the found word inside a marked span at its place,
    and the row names the article."""
    article = import_text("besuch.txt", TEXT)
    actor, _ = notebook.actors.create("Kassym-Jomart Tokayev", kind="person")
    notebook.actors.add_alias(actor.id, "Tokajew", "de")
    report = notebook.actors.suggestions.run()
    assert len(report.suggestions) == 2
    dialog = SuggestionReviewDialog(controller, report.suggestions)
    qtbot.addWidget(dialog)
    model = dialog.model
    for row, s in enumerate(report.suggestions):
        before, word, _after = context_parts(s)
        assert word == "Tokajew" == article.text[s.start:s.end]
        assert (before + word).endswith(article.text[:s.end].split("\n")[-1][-20:])
        html = model.data(model.index(row, SuggestionModel.CONTEXT_COLUMN), HTML_ROLE)
        assert '">Tokajew</span>' in html and "font-weight: bold" in html
        assert model.data(model.index(row, 5)) == article.title
    delegate = dialog.table.itemDelegateForColumn(SuggestionModel.CONTEXT_COLUMN)
    assert delegate is dialog.delegate


def test_context_marks_word_at_article_start(notebook, import_text):
    """A hit in the first characters (less context before it) is still marked right."""
    import_text("kurz.txt", "Tokajew reist nach Berlin.\n")
    actor, _ = notebook.actors.create("Tokayev", kind="person")
    notebook.actors.add_alias(actor.id, "Tokajew", "de")
    (s,) = notebook.actors.suggestions.run().suggestions
    assert context_parts(s) == ("", "Tokajew", " reist nach Berlin.")


def test_context_keeps_punctuation_next_to_word_and_shows_word_early(notebook, import_text):
    """"Tokajew, der…" keeps its comma at the word; a long lead-in is cut so the marked
    word sits near the start of the cell."""
    import_text("lang.txt", "Nach langen und zähen Verhandlungen in der Hauptstadt sagte "
                "Tokajew, der Präsident, zu.\n")
    actor, _ = notebook.actors.create("Tokayev", kind="person")
    notebook.actors.add_alias(actor.id, "Tokajew", "de")
    (s,) = notebook.actors.suggestions.run().suggestions
    model = SuggestionModel([s])
    shown = model.data(model.index(0, SuggestionModel.CONTEXT_COLUMN))
    assert "sagte Tokajew, der Präsident, zu." in shown
    assert shown.index("Tokajew") <= 32 and not shown.startswith("…Nach")
    html = model.data(model.index(0, SuggestionModel.CONTEXT_COLUMN), HTML_ROLE)
    assert '">Tokajew</span>, der' in html
