"""Re-anchoring highlights through text edits (pure: no database).

The property tests make random single edits (insertions, deletions, replacements) of
texts with emoji, ZWJ sequences and combining marks, often right at highlight
boundaries, and hand the edited text over with CRLF line ends and in NFD, as a file
might bring it. Inserted text is drawn from characters the base text never holds, and
deletions that could be placed elsewhere just as well ("aa" minus one "a") are skipped,
so that the edit a test made is the only reading of the change and its expectations are
exact.
"""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.ids import HighlightId
from app.core.revisions import Anchor, Outcome
from app.core.text import normalise_text, quote
from app.services.reanchor import TextDiff, reanchor

BASE_PIECES = ["a", "b", "c", " ", "\n", "é", "q\u0301", "ß", "😀", "👩\u200d🔬", "„", "“"]
INSERT_PIECES = ["Q", "X", "🎉", "ǂ"]


def _anchor(text: str, hid: int, start: int, end: int) -> Anchor:
    sel = quote(text, start, end)
    return Anchor(HighlightId(hid), start, end, sel.exact, sel.prefix, sel.suffix)


def _by_id(outcomes: list[Outcome]) -> dict[int, Outcome]:
    return {int(o.id): o for o in outcomes}


@st.composite
def edited(draw: st.DrawFn) -> tuple[str, str, list[Anchor], tuple[int, int, str]]:
    """(old text, new text as a file would bring it, highlights, (i, j, inserted))."""
    old = normalise_text("".join(draw(st.lists(st.sampled_from(BASE_PIECES), min_size=2,
                                               max_size=60))))
    spans = draw(st.lists(st.tuples(st.integers(0, len(old) - 1), st.integers(1, 12)),
                          min_size=1, max_size=6))
    anchors = [_anchor(old, n, s, min(len(old), s + w)) for n, (s, w) in enumerate(spans, 1)]
    # edits often start or end exactly at a highlight boundary
    edges = sorted({0, len(old)} | {a.start for a in anchors} | {a.end for a in anchors})
    point = st.one_of(st.sampled_from(edges), st.integers(0, len(old)))
    i, j = sorted((draw(point), draw(point)))
    inserted = "".join(draw(st.lists(st.sampled_from(INSERT_PIECES), max_size=8)))
    if i == j and not inserted:
        inserted = "X"
    new = old[:i] + inserted + old[j:]
    if not new:
        new = "X"
    raw = new
    if draw(st.booleans()):
        raw = raw.replace("\n", "\r\n")
    if draw(st.booleans()):
        raw = unicodedata.normalize("NFD", raw)
    return old, raw, anchors, (i, j, inserted)


def _unambiguous(old: str, i: int, j: int, inserted: str) -> bool:
    """False for a deletion the diff could equally place one character over."""
    if inserted or i == j:
        return True
    left = i > 0 and old[i - 1] == old[j - 1]
    right = j < len(old) and old[i] == old[j]
    return not (left or right)


@settings(max_examples=120, deadline=None)
@given(edited())
def test_reanchor_never_loses_a_highlight_any_edit(case: tuple[str, str, list[Anchor],
                                                               tuple[int, int, str]]) -> None:
    """Every highlight comes back (unchanged, moved or orphaned) inside the new text."""
    old, raw, anchors, _edit = case
    new = normalise_text(raw)
    outcomes = reanchor(old, new, anchors)
    assert [o.id for o in outcomes] == [a.id for a in anchors]
    for o in outcomes:
        if o.state == "orphaned":
            assert 0 <= o.start == o.end <= len(new)
        else:
            assert 0 <= o.start < o.end <= len(new)


@settings(max_examples=120, deadline=None)
@given(edited())
def test_reanchor_keeps_quote_edit_outside_words(case: tuple[str, str, list[Anchor],
                                                             tuple[int, int, str]]) -> None:
    """An edit that does not touch a highlight's words leaves its quote identical, at
    the place the edit shifted it to."""
    old, raw, anchors, (i, j, inserted) = case
    new = normalise_text(raw)
    if new != old[:i] + inserted + old[j:] or not _unambiguous(old, i, j, inserted):
        return  # an empty result ("X") or an ambiguous deletion: see the module docstring
    delta = len(inserted) - (j - i)
    outcomes = _by_id(reanchor(old, new, anchors))
    for a in anchors:
        if not (j <= a.start or i >= a.end):
            continue  # touched: the next test
        o = outcomes[int(a.id)]
        shift = delta if j <= a.start and not (i == j == a.end) else 0
        assert o.state != "orphaned", (a, o)
        assert (o.start, o.end) == (a.start + shift, a.end + shift)
        assert new[o.start:o.end] == a.exact
        assert o.state == ("unchanged" if shift == 0 else "moved")


@settings(max_examples=120, deadline=None)
@given(edited())
def test_reanchor_touched_highlight_stays_on_its_words(case: tuple[str, str, list[Anchor],
                                                                   tuple[int, int, str]]) -> None:
    """An edit inside a highlight shrinks or grows it or orphans it: it never ends up on
    words that were outside it and the edit."""
    old, raw, anchors, (i, j, inserted) = case
    new = normalise_text(raw)
    if new != old[:i] + inserted + old[j:] or not _unambiguous(old, i, j, inserted):
        return
    delta = len(inserted) - (j - i)
    outcomes = _by_id(reanchor(old, new, anchors))
    for a in anchors:
        if j <= a.start or i >= a.end:
            continue
        o = outcomes[int(a.id)]
        if o.state != "orphaned":
            lo, hi = min(a.start, i), max(a.end, j) + delta
            assert lo <= o.start < o.end <= hi, (a, o, (i, j, inserted))


def test_reanchor_typo_fix_inside_highlight_keeps_whole_word() -> None:
    """Correcting a letter of a highlighted name keeps the corrected name highlighted."""
    old = "Gestern traf Tokajev den Präsidenten."
    start = old.index("Tokajev")
    new = old.replace("Tokajev", "Tokajew")
    [o] = reanchor(old, new, [_anchor(old, 1, start, start + 7)])
    assert (o.state, new[o.start:o.end]) == ("moved", "Tokajew")


def test_reanchor_deleted_words_orphaned_not_moved_to_same_words() -> None:
    """Deleting a highlighted word orphans it even where the same word occurs nearby."""
    old = "the deal, the deal, the deal"
    start = old.index("deal", 10)
    new = old[:start] + old[start + 6:]
    [o] = reanchor(old, new, [_anchor(old, 1, start, start + 4)])
    assert o.state == "orphaned"
    assert o.start == o.end and start - 1 <= o.start <= start  # " deal," or "deal, " went


def test_reanchor_moved_paragraph_found_by_exact_search() -> None:
    """A paragraph moved elsewhere takes its highlight along."""
    first = "Kazakhstan joins the Abraham Accords, the ministry said on Thursday.\n"
    second = "Boeing will deliver 37 jets to Air Astana over five years.\n"
    third = "Talks on tungsten continue in Astana and in Washington next month.\n"
    old = first + second + third
    start = old.index("37 jets")
    new = second.replace("Boeing", "The Boeing company") + third + first
    [o] = reanchor(old, new, [_anchor(old, 1, start, start + 7)])
    assert o.state == "moved" and new[o.start:o.end] == "37 jets"


def test_reanchor_rewritten_quote_found_by_fuzzy_search() -> None:
    """A quote whose sentence was rewritten and moved is found again approximately."""
    keep = "Unrelated opening paragraph that stays the same.\n"
    quoted = "a joint venture worth USD 1.1 billion"
    old = keep + f"They announced {quoted} yesterday.\nEnd of report.\n"
    start = old.index(quoted)
    new = (keep + "End of report.\n"
           + "Yesterday they announced a joint-venture worth USD 1.1 billion.\n")
    [o] = reanchor(old, new, [_anchor(old, 1, start, start + len(quoted))])
    assert o.state == "moved"
    assert "joint-venture worth USD 1.1 billion" in new[o.start:o.end]


def test_reanchor_orphan_reattaches_when_words_return() -> None:
    """An orphan from an earlier edit re-attaches when its words come back."""
    text = "Opening words. The Abraham Accords were signed. Closing words."
    start = text.index("Abraham Accords")
    a = _anchor(text, 1, start, start + 15)
    cut = text.replace("The Abraham Accords were signed. ", "")
    [gone] = reanchor(text, cut, [a])
    assert gone.state == "orphaned"
    orphan = Anchor(a.id, gone.start, gone.end, a.exact, a.prefix, a.suffix, is_orphaned=True)
    [back] = reanchor(cut, text, [orphan])
    assert (back.state, back.start, back.end) == ("moved", start, start + 15)


def test_diff_runs_rebuild_both_texts() -> None:
    """The diff's equal+delete runs spell the old text, equal+insert runs the new one."""
    old, new = "Back to top\nThe text 😀 e\u0301 here.", "The text 😀 here, corrected."
    runs = TextDiff(old, new).runs()
    assert "".join(r.text for r in runs if r.kind != "insert") == old
    assert "".join(r.text for r in runs if r.kind != "delete") == new
