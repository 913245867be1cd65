"""Actors view, mark-as-actor popup, suggestion review and network view on real notebooks."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton

from app.core.errors import NotFound
from app.gui.actors.actor_model import ActorTableModel
from app.gui.actors.actors_view import ActorsView
from app.gui.actors.dialogs import MarkActorPopup
from app.gui.actors.network_view import NetworkView
from app.gui.actors.suggestions_dialog import SuggestionModel, SuggestionReviewDialog
from app.gui.common.controller import NotebookController
from app.gui.common.tasks import TaskRunner

GERMAN = "Präsident Tokajew sprach mit Mirsijojew über Wolfram. Tokajew lobte Boeing.\n"
CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def article_id(notebook, tmp_path, import_text):
    return import_text("de.txt", GERMAN).id


@pytest.fixture
def view(qtbot, controller):
    widget = ActorsView(controller)
    qtbot.addWidget(widget)
    widget.resize(700, 700)
    widget.show()
    return widget


def _span(text: str, word: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return start, start + len(word)


# -- mark as actor ----------------------------------------------------------------------------
def test_mark_as_actor_popup_marks_existing_actor_when_typed_and_enter(
        qtbot, notebook, article_id, make_window):
    """Select "Tokajew", Ctrl+Shift+A, type "Tokay", Enter: a mention of Tokayev, new alias."""
    tokayev, _ = notebook.actors.create("Kassym-Jomart Tokayev", kind="person")
    window = make_window(notebook, active=True)
    window.reader_area.open_article(article_id)
    reader = window.reader_area.current_view()
    start, end = _span(GERMAN, "Tokajew")
    reader.select_span(start, end)
    reader.setFocus()
    QTest.keyClick(reader, Qt.Key.Key_A, CTRL | SHIFT)
    popup = window.actor_views.popup
    assert isinstance(popup, MarkActorPopup) and popup.isVisible()
    assert popup.field.text() == "Tokajew"
    popup.field.clear()
    QTest.keyClicks(popup.field, "Tokay")
    assert popup.choices.item(0).data(Qt.ItemDataRole.UserRole) == tokayev.id
    QTest.keyClick(popup.field, Qt.Key.Key_Return)
    QTest.keyClick(popup.field, Qt.Key.Key_Return)  # a second Enter must not mark twice
    mentions = notebook.actors.mentions(tokayev.id)
    assert [(m.article_id, m.start, m.end) for m in mentions] == [(article_id, start, end)]
    assert "Tokajew" in notebook.actors.get(tokayev.id).spellings
    assert window.actor_views.actors_view.actor_id == tokayev.id


def test_mark_as_actor_popup_creates_new_actor_of_chosen_kind(qtbot, controller, article_id):
    """Down to the "new actor" row, kind "company", Enter: a new actor with the mention."""
    nb = controller.nb
    start, end = _span(GERMAN, "Boeing")
    popup = MarkActorPopup(controller, (article_id, start, end), "Boeing")
    qtbot.addWidget(popup)
    popup.show()
    last = popup.choices.count() - 1
    assert popup.choices.item(last).data(Qt.ItemDataRole.UserRole) == -1
    for _ in range(last):
        QTest.keyClick(popup.field, Qt.Key.Key_Down)
    popup.kind_box.setCurrentText("company")
    QTest.keyClick(popup.field, Qt.Key.Key_Return)
    (boeing,) = nb.actors.list(text="Boeing")
    assert boeing.kind == "company"
    assert [(m.start, m.end) for m in nb.actors.mentions(boeing.id)] == [(start, end)]


def test_mark_as_actor_with_empty_name_shows_message_and_marks_nothing(qtbot, controller,
                                                                       article_id):
    """Nothing typed and no actors: Enter leaves the popup open and marks nothing."""
    popup = MarkActorPopup(controller, (article_id, 0, 4), "")
    qtbot.addWidget(popup)
    popup.show()
    QTest.keyClick(popup.field, Qt.Key.Key_Return)
    assert popup.isVisible() and popup.mention_id == 0
    assert controller.nb.actors.list() == []


# -- actors view ------------------------------------------------------------------------------
def test_actor_model_passes_qtmodeltester(qtmodeltester, demo_notebook):
    """The actor table model is consistent on the demo notebook's 22 actors."""
    model = ActorTableModel()
    model.set_actors(demo_notebook.actors.list())
    assert model.rowCount() == 22
    qtmodeltester.check(model)


def test_suggestion_model_passes_qtmodeltester(qtmodeltester, demo_notebook):
    """The suggestion table model is consistent on the demo's suggestion pass."""
    report = demo_notebook.actors.suggestions.run()
    model = SuggestionModel(report.suggestions)
    assert model.rowCount() == len(report.suggestions) > 0
    qtmodeltester.check(model)


def test_filter_by_text_and_kind_narrows_list(qtbot, demo_notebook):
    """Typing a spelling or picking a kind shows only matching actors."""
    view = ActorsView(NotebookController(demo_notebook))
    qtbot.addWidget(view)
    view.filter.setText("Tokajew")
    names = [view.model.actor(r).name for r in range(view.model.rowCount())]
    assert names == ["Kassym-Jomart Tokayev"]
    view.filter.clear()
    view.kind_filter.setCurrentIndex(view.kind_filter.findData("company"))
    kinds = {view.model.actor(r).kind for r in range(view.model.rowCount())}
    assert kinds == {"company"} and view.model.rowCount() == len(
        demo_notebook.actors.list(kind="company"))


def test_activating_mention_emits_open_passage_with_span(qtbot, demo_notebook):
    """Each mention lists its context; activating one asks to open that passage."""
    view = ActorsView(NotebookController(demo_notebook))
    qtbot.addWidget(view)
    tokayev = demo_notebook.actors.find("Tokayev")
    assert view.select_actor(tokayev.id)
    mentions = demo_notebook.actors.mentions(tokayev.id)
    assert view.mentions.count() == len(mentions) > 0
    assert f"[{mentions[0].exact}]" in view.mentions.item(0).text()
    with qtbot.waitSignal(view.openPassage) as blocker:
        view.mentions.itemActivated.emit(view.mentions.item(0))
    assert blocker.args == [mentions[0].article_id, mentions[0].start, mentions[0].end]
    assert view.roles.count() == len(demo_notebook.actors.roles(tokayev.id))
    assert view.co_actors.count() == len(demo_notebook.actors.co_actors(tokayev.id))


def test_bad_wikidata_id_shows_message_and_saves_nothing(qtbot, view, controller):
    """An invalid Wikidata id is explained in place; a valid edit is saved."""
    actor, _ = controller.nb.actors.create("Tau-Ken Samruk")
    view.select_actor(actor.id)
    view.external_edit.setText("X12")
    view.findChild(QPushButton, "saveActor").click()
    assert view.field_error.isVisible() and "Wikidata" in view.field_error.text()
    assert controller.nb.actors.get(actor.id).external_id == ""
    view.external_edit.setText("https://www.wikidata.org/wiki/Q4382195")
    view.kind_edit.setCurrentText("company")
    view.country_edit.setText("Kasachstan")
    view.save_fields()
    saved = controller.nb.actors.get(actor.id)
    assert (saved.external_id, saved.kind, saved.country) == ("Q4382195", "company", "KZ")
    assert not view.field_error.isVisible()


def test_aliases_add_edit_language_and_remove(qtbot, view, controller):
    """Add a spelling with its language, change the language in the table, remove it."""
    actor, _ = controller.nb.actors.create("Shavkat Mirziyoyev", kind="person")
    view.select_actor(actor.id)
    view.alias_input.setText("Mirsijojew")
    view.alias_language.setText("de")
    view.add_alias()
    (alias,) = controller.nb.actors.get(actor.id).aliases
    assert (alias.name, alias.language) == ("Mirsijojew", "de")
    view.alias_input.setText("mirsijojew")
    view.add_alias()
    assert "already" in view.alias_error.text()
    view.aliases.item(0, 1).setText("DE-AT")
    assert controller.nb.actors.get(actor.id).aliases[0].language == "de-at"
    view.aliases.setCurrentCell(0, 0)
    view.remove_alias()
    assert controller.nb.actors.get(actor.id).aliases == ()


def test_merge_selected_moves_mentions_after_confirmation(qtbot, view, controller, article_id):
    """Two actors for one person merge into the current one; declining changes nothing."""
    nb = controller.nb
    first, _ = nb.actors.create("Tokayev", kind="person")
    second, _ = nb.actors.create("Tokajew")
    nb.actors.mark(article_id, *_span(GERMAN, "Tokajew", 1), actor_id=second.id)
    view.refresh()
    view.table.selectRow(view.model.row_of(second.id))
    view.table.selectRow(view.model.row_of(first.id))  # current: the target
    view.table.selectionModel().select(
        view.model.index(view.model.row_of(second.id), 0),
        view.table.selectionModel().SelectionFlag.Select
        | view.table.selectionModel().SelectionFlag.Rows)
    questions = []
    view.confirm = lambda q: questions.append(q) or False
    assert not view.merge_selected()
    assert len(nb.actors.list()) == 2 and "Tokajew" in questions[0]
    view.confirm = lambda q: True
    assert view.merge_selected()
    (merged,) = nb.actors.list()
    assert merged.id == first.id and "Tokajew" in merged.spellings
    assert len(nb.actors.mentions(first.id)) == 1


def test_delete_party_says_what_changes_and_is_undoable(qtbot, demo_notebook):
    """Deleting a party names its roles before deleting; undo restores the actor."""
    controller = NotebookController(demo_notebook)
    view = ActorsView(controller)
    qtbot.addWidget(view)
    boeing = demo_notebook.actors.find("Boeing")
    roles = demo_notebook.actors.roles(boeing.id)
    assert roles
    view.select_actor(boeing.id)
    questions = []
    view.confirm = lambda q: questions.append(q) or True
    assert view.delete_current()
    assert roles[0].agreement_title in questions[0] and roles[0].role in questions[0]
    with pytest.raises(NotFound):
        demo_notebook.actors.get(boeing.id)
    assert view.model.row_of(boeing.id) == -1 and view.actor_id == 0
    controller.undo()
    assert demo_notebook.actors.get(boeing.id).name == boeing.name
    assert view.model.row_of(boeing.id) >= 0


# -- suggestions ------------------------------------------------------------------------------
def _review(qtbot, window) -> SuggestionReviewDialog:
    with qtbot.waitSignal(window.runner.taskFinished, timeout=20_000):
        window.menu_actions["find_mentions"].trigger()
    qtbot.waitUntil(lambda: window.actor_views.review is not None, timeout=5000)
    return window.actor_views.review


def test_find_mentions_review_accept_one_and_reject(qtbot, demo_notebook, make_window):
    """The background pass opens the review; Accept marks, Reject is remembered."""
    window = make_window(demo_notebook, active=True, runner=TaskRunner())
    dialog = _review(qtbot, window)
    total = dialog.model.rowCount()
    assert total > 0 and dialog.isVisible()
    chosen = dialog.current()
    dialog.findChild(QPushButton, "accept").click()
    marked = {(m.article_id, m.start, m.end) for m in demo_notebook.actors.mentions(
        chosen.actor_id)}
    assert (chosen.article_id, chosen.start, chosen.end) in marked
    assert dialog.model.rowCount() == total - 1
    rejected = dialog.current()
    dialog.findChild(QPushButton, "reject").click()
    again = demo_notebook.actors.suggestions.run().suggestions
    keys = {(s.actor_id, s.article_id, s.start) for s in again}
    assert (rejected.actor_id, rejected.article_id, rejected.start) not in keys
    assert (chosen.actor_id, chosen.article_id, chosen.start) not in keys
    assert len(again) == total - 2


def test_review_accept_all_for_actor_marks_only_that_actor(qtbot, demo_notebook):
    """"Accept all for this actor" marks every listed suggestion of the actor, no others."""
    controller = NotebookController(demo_notebook)
    suggestions = demo_notebook.actors.suggestions.run().suggestions
    dialog = SuggestionReviewDialog(controller, suggestions)
    qtbot.addWidget(dialog)
    actor_id = dialog.current().actor_id
    mine = [s for s in suggestions if s.actor_id == actor_id]
    before = len(demo_notebook.actors.mentions(actor_id))
    dialog.accept_all_for_actor()
    assert len(demo_notebook.actors.mentions(actor_id)) == before + len(mine)
    left = dialog.model.suggestions()
    assert len(left) == len(suggestions) - len(mine)
    assert all(s.actor_id != actor_id for s in left)


def test_find_mentions_can_be_cancelled(qtbot, demo_notebook, make_window):
    """Cancelling the pass stops it; the review then says it stopped early."""
    window = make_window(demo_notebook, active=True, runner=TaskRunner())
    task = window.actor_views.find_mentions()
    task.cancel()  # before it starts: the pass returns at once, marked as cancelled
    with qtbot.waitSignal(task.finished, timeout=20_000):
        pass
    qtbot.waitUntil(lambda: window.actor_views.review is not None, timeout=5000)
    assert "stopped early" in window.statusBar().currentMessage()


# -- network ----------------------------------------------------------------------------------
def test_network_has_one_node_per_actor_and_agreement(qtbot, demo_notebook):
    """The demo's 22 actors and 8 agreements are nodes; every party role is an edge."""
    view = NetworkView(NotebookController(demo_notebook))
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: not view.is_laying_out, timeout=10_000)  # read and laid out
    agreements = demo_notebook.agreements.list()
    assert sum(1 for k, _ in view.nodes if k == "actor") == 22
    assert sum(1 for k, _ in view.nodes if k == "agreement") == len(agreements) == 8
    assert len(view.edges) == sum(len(a.parties) for a in agreements)
    first = [(k, i, view.nodes[(k, i)].pos()) for k, i in sorted(view.nodes)]
    view.rebuild()
    qtbot.waitUntil(lambda: not view.is_laying_out, timeout=10_000)
    assert [(k, i, view.nodes[(k, i)].pos()) for k, i in sorted(view.nodes)] == first


def test_clicking_network_nodes_selects_actor_and_agreement(qtbot, demo_notebook, make_window):
    """A click on an actor circle or agreement square shows it in its view."""
    window = make_window(demo_notebook, active=True)
    views = window.actor_views
    views.network_dock.show()
    views.network_dock.raise_()
    network = views.network_view
    qtbot.waitUntil(lambda: not network.is_laying_out, timeout=10_000)
    network.resize(900, 900)
    tokayev = demo_notebook.actors.find("Tokayev")
    agreement = demo_notebook.agreements.list()[0]
    for kind, node_id in (("actor", tokayev.id), ("agreement", agreement.id)):
        network.centerOn(network.nodes[(kind, node_id)])
        QTest.mouseClick(network.viewport(), Qt.MouseButton.LeftButton,
                         pos=network.viewport_point(kind, node_id))
    assert views.actors_view.actor_id == tokayev.id
    assert views.agreements_view.agreement_id == agreement.id
    assert network._selected == ("agreement", agreement.id)


def test_wheel_zooms_network(qtbot, demo_notebook):
    """Wheel up zooms in, wheel down zooms out."""
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent

    view = NetworkView(NotebookController(demo_notebook))
    qtbot.addWidget(view)
    view.show()
    before = view.zoom()
    for delta in (120, -240):
        event = QWheelEvent(QPointF(10, 10), QPointF(10, 10), QPoint(0, 0), QPoint(0, delta),
                            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                            Qt.ScrollPhase.NoScrollPhase, False)
        view.wheelEvent(event)
        assert (view.zoom() > before) == (delta > 0)
        before = view.zoom()


def test_export_writes_all_formats_in_background(qtbot, demo_notebook, tmp_path, make_window):
    """Export runs as a task and writes CSV, XLSX, GraphML and JSON files."""
    window = make_window(demo_notebook, active=True, runner=TaskRunner())
    task = window.actor_views.export_to(tmp_path / "out")
    assert window.actor_views.progress[task].labelText().startswith("Exporting")
    with qtbot.waitSignal(task.finished, timeout=20_000):
        pass
    assert window.actor_views.progress == {}
    names = sorted(Path(p).name for p in window.actor_views.exported)
    assert names == ["actors-agreements.json", "actors-agreements.xlsx", "actors.csv",
                     "evidence.csv", "network.graphml"]
    assert all(Path(p).stat().st_size > 0 for p in window.actor_views.exported)
    assert "Boeing" in (tmp_path / "out" / "network.graphml").read_text(encoding="utf-8")
