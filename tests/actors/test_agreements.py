"""Agreements: parties, value, status history, evidence with stance, conflicts, undo."""

from __future__ import annotations

import pytest

from app.core.errors import ValidationError

A1 = ("Fluggesellschaften sollen bis zu 37 Boeing-Maschinen erwerben. "
      "Der Vertrag wurde am 6. November unterzeichnet.")
A2 = "Airlines will buy 37 Boeing jets, the Commerce Department said. The deal is not signed."
A3 = "Laut Reuters sollen es 37 Boeing-Jets sein."


@pytest.fixture
def three(make_notebook, span):
    """Three articles from three outlets reporting the Boeing purchase."""
    nb, ids = make_notebook({"a1.txt": A1, "a2.txt": A2, "a3.txt": A3})
    for name, outlet in (("a1.txt", "bne"), ("a2.txt", "Kursiv"), ("a3.txt", "")):
        meta = nb.articles.get(ids[name]).summary
        from app.core.records import ArticleMeta

        nb.articles.update_meta(ids[name], ArticleMeta(title=meta.title, outlet=outlet,
                                                       language=meta.language))
    return nb, ids


def test_create_from_passage_makes_it_first_evidence(three, span):
    """An agreement created from a selection cites it; undo removes both."""
    nb, ids = three
    start, end = span(nb, ids["a1.txt"], "bis zu 37 Boeing-Maschinen")
    agreement, changes = nb.agreements.create_from_passage(ids["a1.txt"], start, end,
                                                           "Boeing purchase", "purchase")
    (ev,) = agreement.evidence
    assert (ev.quote, ev.field, ev.stance, ev.outlet) == ("bis zu 37 Boeing-Maschinen",
                                                          "agreement", "supports", "bne")
    assert changes.agreements == {agreement.id} and changes.highlights == {ev.highlight_id}
    nb.history.undo()
    assert nb.agreements.list() == []
    assert nb.annotations.highlights_for(ids["a1.txt"]) == []


def test_value_parsed_and_unparseable_kept_as_text(three):
    """The value text is parsed into parts; text that cannot be parsed is kept."""
    nb, _ids = three
    agreement, _ = nb.agreements.create("Boeing", "purchase",
                                        value_text="bis zu 37 Boeing-Maschinen")
    assert (agreement.value.amount, agreement.value.qualifier, agreement.value.unit) == (
        37, "up to", "Boeing-Maschinen")
    nb.agreements.set_value(agreement.id, "rund 1,1 Milliarden US-Dollar")
    value = nb.agreements.get(agreement.id).value
    assert (value.amount, value.currency, value.qualifier) == (1.1e9, "USD", "about")
    assert value.display() == "about 1.1 bn USD"
    nb.agreements.set_value(agreement.id, "mehrere zehn Milliarden Dollar")
    value = nb.agreements.get(agreement.id).value
    assert value.amount is None and value.text == "mehrere zehn Milliarden Dollar"
    nb.agreements.set_value(agreement.id, "ein paar Milliarden", amount=2e9, currency="usd")
    assert nb.agreements.get(agreement.id).value.currency == "USD"
    with pytest.raises(ValidationError):
        nb.agreements.set_value(agreement.id, "x", currency="dollars")


def test_status_derives_from_history_with_partial_dates(three):
    """Current status is the latest event; the date prefers the signing date."""
    nb, _ids = three
    agreement, _ = nb.agreements.create("Abraham Accords accession", "accession")
    nb.agreements.add_event(agreement.id, "signed", "2025-11-06")
    nb.agreements.add_event(agreement.id, "announced", "2025-11")
    nb.agreements.add_event(agreement.id, "in force", "2026")
    got = nb.agreements.get(agreement.id)
    assert [e.status for e in got.events] == ["announced", "signed", "in force"]
    assert (got.status, got.date) == ("in force", "2025-11-06")
    with pytest.raises(ValidationError):
        nb.agreements.add_event(agreement.id, "signed", "2025-13")
    with pytest.raises(ValidationError):
        nb.agreements.add_event(agreement.id, "dreamt of")


def test_conflicting_reports_flagged_and_outlets_counted(three, span):
    """Supporting passages from distinct outlets are counted; a contradiction flags both."""
    nb, ids = three
    agreement, _ = nb.agreements.create("Boeing purchase", "purchase")
    event, _ = nb.agreements.add_event(agreement.id, "signed", "2025-11-06")
    nb.agreements.cite(agreement.id, ids["a1.txt"], *span(nb, ids["a1.txt"], "unterzeichnet"),
                       field="event", event_id=event.id)
    nb.agreements.cite(agreement.id, ids["a3.txt"], *span(nb, ids["a3.txt"], "37 Boeing-Jets"))
    nb.agreements.cite(agreement.id, ids["a2.txt"], *span(nb, ids["a2.txt"], "37 Boeing jets"))
    got = nb.agreements.get(agreement.id)
    assert not got.is_conflicted and got.outlet_count == 3
    whole = [e for e in got.evidence if e.field == "agreement"]
    assert {e.corroborating_outlets for e in whole} == {2}
    ev, _ = nb.agreements.cite(agreement.id, ids["a2.txt"],
                               *span(nb, ids["a2.txt"], "The deal is not signed"),
                               field="event", event_id=event.id, stance="contradicts")
    got = nb.agreements.get(agreement.id)
    assert got.is_conflicted
    assert {e.is_conflicted for e in got.evidence if e.field == "event"} == {True}
    assert {e.is_conflicted for e in got.evidence if e.field == "agreement"} == {False}
    nb.agreements.set_evidence(ev.id, stance="mentions")
    assert not nb.agreements.get(agreement.id).is_conflicted


def test_evidence_target_must_match_field(three, span):
    """A party citation needs a party of this agreement; wrong targets are refused."""
    nb, ids = three
    first, _ = nb.agreements.create("One")
    other, _ = nb.agreements.create("Two")
    actor, _ = nb.actors.create("Boeing", kind="company")
    party, _ = nb.agreements.add_party(first.id, actor.id, "seller")
    where = span(nb, ids["a2.txt"], "Boeing")
    with pytest.raises(ValidationError):
        nb.agreements.cite(first.id, ids["a2.txt"], *where, field="party")
    with pytest.raises(ValidationError):
        nb.agreements.cite(other.id, ids["a2.txt"], *where, field="party", party_id=party.id)
    ev, _ = nb.agreements.cite(first.id, ids["a2.txt"], *where, field="party",
                               party_id=party.id)
    assert ev.party_id == party.id
    nb.agreements.remove_party(party.id)
    assert [e.field for e in nb.agreements.get(first.id).evidence] == ["agreement"]


def test_list_sorts_and_filters(three):
    """The agreements table sorts by value, date, status and filters by actor."""
    nb, _ids = three
    small, _ = nb.agreements.create("Small", "investment", value_text="$5m")
    big, _ = nb.agreements.create("Big", "investment", value_text="2,5 Milliarden US-Dollar")
    unknown, _ = nb.agreements.create("Unknown", "MoU")
    nb.agreements.add_event(big.id, "signed", "2025-11")
    nb.agreements.add_event(small.id, "proposed", "2024")
    actor, _ = nb.actors.create("John Deere", kind="company")
    nb.agreements.add_party(big.id, actor.id, "investor")
    assert [a.title for a in nb.agreements.list(sort="value")] == ["Small", "Big", "Unknown"]
    assert [a.title for a in nb.agreements.list(sort="date")] == ["Small", "Big", "Unknown"]
    assert nb.agreements.list(sort="status", descending=True)[0].title == "Big"
    assert [a.id for a in nb.agreements.list(actor_id=actor.id)] == [big.id]
    assert [a.id for a in nb.agreements.list(type="MoU")] == [unknown.id]
    with pytest.raises(ValidationError):
        nb.agreements.list(sort="colour")


def test_delete_agreement_is_undoable(three, span):
    """Deleting an agreement removes parties, events and evidence; undo restores them."""
    nb, ids = three
    agreement, _ = nb.agreements.create_from_passage(
        ids["a2.txt"], *span(nb, ids["a2.txt"], "37 Boeing jets"), "Boeing", "purchase")
    actor, _ = nb.actors.create("Boeing", kind="company")
    nb.agreements.add_party(agreement.id, actor.id, "seller")
    nb.agreements.add_event(agreement.id, "announced", "2025-11-06")
    changes = nb.agreements.delete(agreement.id)
    assert changes.deleted_agreements == {agreement.id}
    assert nb.agreements.list() == [] and nb.actors.roles(actor.id) == []
    nb.history.undo()
    restored = nb.agreements.get(agreement.id)
    assert (len(restored.parties), len(restored.events), len(restored.evidence)) == (1, 1, 1)
    assert [r.role for r in nb.actors.roles(actor.id)] == ["seller"]
