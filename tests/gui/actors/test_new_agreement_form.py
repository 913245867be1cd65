"""The new-agreement form: suggested title, parties found by any spelling, inline checks,
Enter and Esc, the passage as first evidence (real notebook, real dialog)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.gui.actors.agreement_dialog import NewAgreementDialog, suggest_title

TEXT = ("Die kasachische Fluggesellschaft Air Astana hat am Donnerstag in Astana einen "
        "Vertrag über den Kauf von bis zu 15 Boeing-Maschinen unterzeichnet, wie das "
        "Unternehmen mitteilte. Der Wert liegt bei rund 1,1 Milliarden US-Dollar.\n")


@pytest.fixture
def article_id(import_text):
    return import_text("boeing.txt", TEXT).id


@pytest.fixture
def actors(notebook):
    tokayev, _ = notebook.actors.create("Kassym-Jomart Tokayev", kind="person")
    notebook.actors.add_alias(tokayev.id, "Tokajew", "de")
    notebook.actors.add_alias(tokayev.id, "Токаев", "ru")
    boeing, _ = notebook.actors.create("Boeing", kind="company")
    astana, _ = notebook.actors.create("Air Astana", kind="company")
    return {"tokayev": tokayev.id, "boeing": boeing.id, "astana": astana.id}


def _dialog(qtbot, controller, article_id=None, passage=TEXT):
    span = (article_id, 0, len(TEXT.rstrip())) if article_id else None
    dialog = NewAgreementDialog(controller, span, passage=passage if span else "")
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


@pytest.mark.parametrize(("passage", "title"), [
    ("Air Astana kauft bis zu 15 Boeing-Maschinen", "Air Astana kauft bis zu 15 Boeing-Maschinen"),
    ("Boeing liefert 15 Maschinen. Der Preis bleibt geheim.", "Boeing liefert 15 Maschinen"),
    (TEXT, "Die kasachische Fluggesellschaft Air Astana hat am Donnerstag in Astana einen"),
    ("Kasachstan und Usbekistan unterzeichnen ein Abkommen über Wasser, Energie und "
     "Verkehr, das ab 2026 gelten soll", "Kasachstan und Usbekistan unterzeichnen ein "
     "Abkommen über Wasser"),
])
def test_suggest_title_is_first_sentence_or_clause_cut_at_word(passage, title):
    """A long passage gives its first sentence, clause or words up to 80 characters."""
    assert suggest_title(passage) == title
    assert len(suggest_title(passage)) <= 80


def test_dialog_from_passage_suggests_short_title_and_shows_passage(qtbot, controller,
                                                                   article_id):
    """The title field holds a short phrase, not the whole passage; the passage is shown."""
    dialog = _dialog(qtbot, controller, article_id)
    assert dialog.title.text() == suggest_title(TEXT)
    assert len(dialog.title.text()) <= 80
    assert "Boeing-Maschinen" in dialog.passage.text()


def test_placeholders_are_hints_not_data(qtbot, controller):
    """Empty fields show grey "e.g." hints; their text is empty, never a fake value."""
    dialog = _dialog(qtbot, controller)
    for field in (dialog.value, dialog.date):
        assert field.text() == "" and field.placeholderText().startswith("e.g.")


@pytest.mark.parametrize(("typed", "shown"), [("tokajew", "Kassym-Jomart Tokayev"),
                                               ("ТОКАЕВ", "Kassym-Jomart Tokayev"),
                                               ("astana", "Air Astana")])
def test_party_search_matches_any_alias_ignoring_case(qtbot, controller, actors, typed,
                                                      shown):
    """Typing any spelling, in any case or script form stored, shows that actor only."""
    dialog = _dialog(qtbot, controller)
    dialog.party_search.setText(typed)  # QTest cannot type Cyrillic keys
    visible = dialog.visible_parties()
    assert len(visible) == 1 and visible[0].startswith(shown)


def test_party_search_ignores_accents(qtbot, controller, notebook):
    """"Zurich" finds "Zürich Versicherung" (accents folded, as the actors filter)."""
    notebook.actors.create("Zürich Versicherung", kind="company")
    notebook.actors.create("Boeing", kind="company")
    dialog = _dialog(qtbot, controller)
    QTest.keyClicks(dialog.party_search, "zurich")
    assert [v.split(" (")[0] for v in dialog.visible_parties()] == ["Zürich Versicherung"]


def test_enter_in_party_search_ticks_match_and_enter_elsewhere_creates(
        qtbot, controller, notebook, actors, article_id):
    """Enter in the search ticks the match; Enter in the title creates the agreement with
    the passage as first evidence, the party with its role, the value and the status."""
    dialog = _dialog(qtbot, controller, article_id)
    QTest.keyClicks(dialog.party_search, "Tokajew")
    QTest.keyClick(dialog.party_search, Qt.Key.Key_Return)
    assert dialog.party_ids() == [actors["tokayev"]] and dialog.isVisible()
    QTest.keyClicks(dialog.party_search, "Boeing")
    QTest.keyClick(dialog.party_search, Qt.Key.Key_Return)
    dialog.role_box.setCurrentText("signatory")
    QTest.keyClicks(dialog.value, "rund 1,1 Milliarden US-Dollar")
    dialog.status_box.setCurrentText("signed")
    QTest.keyClicks(dialog.date, "2025-11-6")
    QTest.keyClick(dialog.title, Qt.Key.Key_Return)
    assert not dialog.isVisible() and dialog.agreement_id
    (agreement,) = notebook.agreements.list()
    assert agreement.title == suggest_title(TEXT)
    assert {(p.actor_id, p.role) for p in agreement.parties} == {
        (actors["tokayev"], "signatory"), (actors["boeing"], "signatory")}
    assert agreement.value.amount == pytest.approx(1.1e9)
    assert [(e.status, e.date) for e in agreement.events] == [("signed", "2025-11-06")]
    assert [(e.article_id, e.start, e.end) for e in agreement.evidence] == [
        (article_id, 0, len(TEXT.rstrip()))]


@pytest.mark.parametrize(("field", "typed", "message"), [
    ("date", "6.11.2025", "is not a date like"),
    ("date", "2025-02-30", "not a real date"),
    ("value", "rund eine Milliarde", "has no amount"),
])
def test_bad_date_or_value_shows_inline_message_and_creates_nothing(
        qtbot, controller, notebook, field, typed, message):
    """A wrong date or a value without an amount is named under the form; nothing is
    written and the dialog stays open."""
    dialog = _dialog(qtbot, controller)
    dialog.title.setText("Abkommen")
    dialog.status_box.setCurrentText("signed")
    QTest.keyClicks(getattr(dialog, field), typed)
    QTest.keyClick(dialog.title, Qt.Key.Key_Return)
    assert message in dialog.error.text() and dialog.error.isVisible()
    assert dialog.isVisible() and notebook.agreements.list() == []


def test_date_without_status_asks_for_status(qtbot, controller, notebook):
    """A date alone is refused in place: it must say which status it dates."""
    dialog = _dialog(qtbot, controller)
    dialog.title.setText("Abkommen")
    QTest.keyClicks(dialog.date, "2025-11")
    dialog.create()
    assert "status" in dialog.error.text() and notebook.agreements.list() == []


def test_escape_cancels_without_writing(qtbot, controller, notebook, article_id):
    """Esc closes the form and stores nothing."""
    dialog = _dialog(qtbot, controller, article_id)
    QTest.keyClick(dialog.title, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and dialog.agreement_id == 0
    assert notebook.agreements.list() == []
