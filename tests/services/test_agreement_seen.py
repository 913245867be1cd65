"""Versioned edits of the parts of actors and agreements (issue 13, "No lost update"):
parties, status steps, evidence and aliases carry a stamp, and an edit or removal based on
what the user saw (``seen=``) conflicts instead of overwriting a colleague's change. Two
Notebook objects on one database (run on SQLite and on PostgreSQL by the backend
parameter). Also: the new-agreement form's create is one undo step."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.errors import ConflictError, ValidationError
from app.services import Notebook
from tests.clients import two_clients

TEXT = "Kasachstan kauft 15 Flugzeuge von Boeing. Der Vertrag wurde in Astana unterzeichnet.\n"


@pytest.fixture
def two(tmp_path: Path) -> Iterator[tuple[Notebook, Notebook]]:
    """Alice's and Bob's notebook objects on one database, each with its own index."""
    with two_clients(tmp_path, "alice", "bob") as pair:
        yield pair


def _agreement(nb: Notebook, tmp_path: Path) -> tuple[int, int, int, int]:
    """An agreement with one party, one status step and one evidence passage:
    (agreement id, party id, event id, evidence id)."""
    source = tmp_path / "boeing.txt"
    source.write_text(TEXT, encoding="utf-8")
    article_id = nb.imports.import_paths([source]).imported[0].id
    kz, _ = nb.actors.create("Kasachstan", kind="state")
    made, _ = nb.agreements.create("Boeing purchase", type="purchase")
    party, _ = nb.agreements.add_party(made.id, kz.id, "buyer")
    event, _ = nb.agreements.add_event(made.id, "signed", "2025-11")
    evidence, _ = nb.agreements.cite(made.id, article_id, 0, 40)
    return made.id, party.id, event.id, evidence.id


def test_parts_carry_their_stamp(two: tuple[Notebook, Notebook], tmp_path: Path) -> None:
    """Parties, status steps, evidence and aliases are read with version and author."""
    alice, bob = two
    agreement_id, *_ = _agreement(alice, tmp_path)
    agreement = bob.agreements.get(agreement_id)
    for part in (*agreement.parties, *agreement.events, *agreement.evidence):
        assert part.stamp.version == 1 and part.stamp.changed_by == "alice"
    actor = alice.actors.find("Kasachstan")
    assert actor is not None
    alias, _ = alice.actors.add_alias(actor.id, "Kazakhstan", "en")
    assert alias.stamp.version == 1 and alias.stamp.changed_by == "alice"


def test_stale_party_role_conflicts_and_stale_removal_is_refused(
        two: tuple[Notebook, Notebook], tmp_path: Path) -> None:
    """Bob changes the party's role after Alice read it: Alice's role change conflicts
    (naming Bob, both values) and her removal is refused; Bob's role stays."""
    alice, bob = two
    agreement_id, party_id, _, _ = _agreement(alice, tmp_path)
    seen = alice.agreements.get(agreement_id).parties[0]
    bob.agreements.set_party_role(party_id, "signatory",
                                  seen=bob.agreements.get(agreement_id).parties[0])
    with pytest.raises(ConflictError) as caught:
        alice.agreements.set_party_role(party_id, "investor", seen=seen)
    conflict = caught.value.conflict
    assert conflict is not None and conflict.their_author == "bob"
    role = conflict.field("role")
    assert (role.base, role.mine, role.theirs) == ("buyer", "investor", "signatory")
    with pytest.raises(ConflictError):
        alice.agreements.remove_party(party_id, seen=seen)
    assert [p.role for p in alice.agreements.get(agreement_id).parties] == ["signatory"]


def test_stale_event_edit_merges_other_fields_and_conflicts_on_the_same(
        two: tuple[Notebook, Notebook], tmp_path: Path) -> None:
    """Bob changes a status step's note: Alice's change of its date (from the old
    version) merges; her change of the note conflicts; her stale removal is refused."""
    alice, bob = two
    agreement_id, _, event_id, _ = _agreement(alice, tmp_path)
    seen = alice.agreements.get(agreement_id).events[0]
    bob.agreements.update_event(event_id, note="in Astana",
                                seen=bob.agreements.get(agreement_id).events[0])
    alice.agreements.update_event(event_id, date="2025-11-06", seen=seen)
    stored = bob.agreements.get(agreement_id).events[0]
    assert (stored.date, stored.note) == ("2025-11-06", "in Astana")
    with pytest.raises(ConflictError) as caught:
        alice.agreements.update_event(event_id, note="in Washington", seen=seen)
    assert caught.value.conflict is not None
    assert caught.value.conflict.field("note").theirs == "in Astana"
    with pytest.raises(ConflictError):
        alice.agreements.remove_event(event_id, seen=seen)
    assert bob.agreements.get(agreement_id).events[0].note == "in Astana"


def test_stale_evidence_edit_and_removal_conflict(two: tuple[Notebook, Notebook],
                                                  tmp_path: Path) -> None:
    """Bob changes a citation's stance: Alice's stance change from the old version
    conflicts and her removal is refused; with the current version both work."""
    alice, bob = two
    agreement_id, _, _, evidence_id = _agreement(alice, tmp_path)
    seen = alice.agreements.get(agreement_id).evidence[0]
    bob.agreements.set_evidence(evidence_id, stance="contradicts",
                                seen=bob.agreements.get(agreement_id).evidence[0])
    with pytest.raises(ConflictError) as caught:
        alice.agreements.set_evidence(evidence_id, stance="mentions", seen=seen)
    assert caught.value.conflict is not None
    assert caught.value.conflict.field("stance").theirs == "contradicts"
    with pytest.raises(ConflictError):
        alice.agreements.remove_evidence(evidence_id, seen=seen)
    fresh = alice.agreements.get(agreement_id).evidence[0]
    assert fresh.stance == "contradicts"
    alice.agreements.set_evidence(evidence_id, note="checked", seen=fresh)
    alice.agreements.remove_evidence(evidence_id,
                                     seen=alice.agreements.get(agreement_id).evidence[0])
    assert bob.agreements.get(agreement_id).evidence == ()


def test_stale_alias_edit_conflicts_and_language_merges(two: tuple[Notebook, Notebook]
                                                        ) -> None:
    """Bob corrects an alias' spelling: Alice's spelling change from the old version
    conflicts, her language change merges, her stale removal is refused."""
    alice, bob = two
    actor, _ = alice.actors.create("Kasachstan", kind="state")
    alias, _ = alice.actors.add_alias(actor.id, "Kazachstan")
    seen = alice.actors.get(actor.id).aliases[0]
    bob.actors.set_alias(alias.id, name="Kazakhstan", seen=bob.actors.get(actor.id).aliases[0])
    with pytest.raises(ConflictError) as caught:
        alice.actors.set_alias(alias.id, name="Qazaqstan", seen=seen)
    assert caught.value.conflict is not None
    name = caught.value.conflict.field("name")
    assert (name.base, name.mine, name.theirs) == ("Kazachstan", "Qazaqstan", "Kazakhstan")
    alice.actors.set_alias(alias.id, language="en", seen=seen)
    stored = bob.actors.get(actor.id).aliases[0]
    assert (stored.name, stored.language) == ("Kazakhstan", "en")
    with pytest.raises(ConflictError):
        alice.actors.remove_alias(alias.id, seen=seen)
    assert [a.name for a in alice.actors.get(actor.id).aliases] == ["Kazakhstan"]


def test_saving_twice_from_the_record_just_saved_is_no_conflict(
        two: tuple[Notebook, Notebook], tmp_path: Path) -> None:
    """A second versioned edit based on the record as stored after the first one
    (what a view shows after saving) is written, not refused."""
    alice, _bob = two
    agreement_id, party_id, event_id, _ = _agreement(alice, tmp_path)
    alice.agreements.update_event(event_id, note="one",
                                  seen=alice.agreements.get(agreement_id).events[0])
    alice.agreements.update_event(event_id, note="two",
                                  seen=alice.agreements.get(agreement_id).events[0])
    alice.agreements.set_party_role(party_id, "seller",
                                    seen=alice.agreements.get(agreement_id).parties[0])
    alice.agreements.set_party_role(party_id, "buyer",
                                    seen=alice.agreements.get(agreement_id).parties[0])
    stored = alice.agreements.get(agreement_id)
    assert (stored.events[0].note, stored.parties[0].role) == ("two", "buyer")
    assert stored.events[0].stamp.version == 3


def test_create_with_parts_is_one_undo_step(two: tuple[Notebook, Notebook],
                                            tmp_path: Path) -> None:
    """The new-agreement form's create (value, two parties, a status step, evidence) is
    one undo step; undo removes all of it, redo restores the same ids and rows."""
    alice, bob = two
    source = tmp_path / "boeing.txt"
    source.write_text(TEXT, encoding="utf-8")
    article_id = alice.imports.import_paths([source]).imported[0].id
    kz, _ = alice.actors.create("Kasachstan", kind="state")
    boeing, _ = alice.actors.create("Boeing", kind="company")
    undo_before = alice.history.undo_label
    made, changes = alice.agreements.create_with(
        "Boeing purchase", "purchase", "USD 1.1 bn", parties=[(kz.id, "buyer"),
                                                              (boeing.id, "seller")],
        status="signed", date="2025-11-06", passage=(article_id, 0, 40))
    assert made.id in changes.agreements
    created = bob.agreements.get(made.id)
    assert [(p.actor_id, p.role) for p in created.parties] == [(kz.id, "buyer"),
                                                              (boeing.id, "seller")]
    assert [(e.status, e.date) for e in created.events] == [("signed", "2025-11-06")]
    assert created.value.currency == "USD" and len(created.evidence) == 1
    alice.history.undo()
    assert [a.id for a in bob.agreements.list()] == []
    assert alice.history.undo_label == undo_before  # one step, not five
    alice.history.redo()
    again = bob.agreements.get(made.id)
    assert [(p.id, p.actor_id, p.role) for p in again.parties] == [
        (p.id, p.actor_id, p.role) for p in created.parties]
    assert [(e.id, e.status, e.date) for e in again.events] == [
        (e.id, e.status, e.date) for e in created.events]
    assert [(e.id, e.highlight_id) for e in again.evidence] == [
        (e.id, e.highlight_id) for e in created.evidence]
    assert (again.title, again.type, again.value) == (created.title, created.type,
                                                      created.value)


def test_create_with_refuses_a_date_without_status(notebook: Notebook) -> None:
    """A status date without its status is refused before anything is written."""
    with pytest.raises(ValidationError):
        notebook.agreements.create_with("Deal", date="2025-11")
    assert notebook.agreements.list() == []
