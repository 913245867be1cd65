"""Parsing [[links]]: kinds, labels, code, URLs (no database)."""

from __future__ import annotations

from app.notes.links import (
    LinkRef,
    find_links,
    line_around,
    link_markdown,
    link_url,
    parse_inner,
    parse_url,
)


def test_parse_inner_defaults_to_actor_without_prefix() -> None:
    """A bare name is an actor link; an unknown prefix stays part of the name."""
    assert parse_inner("Tokayev") == ("actor", "Tokayev", "")
    assert parse_inner("Dr: Who") == ("actor", "Dr: Who", "")


def test_parse_inner_reads_kind_prefix_and_label_when_given() -> None:
    """Prefixes are case-insensitive and the text after | is the label."""
    assert parse_inner("Agreement: Tungsten joint venture|the JV") == (
        "agreement", "Tungsten joint venture", "the JV")
    assert parse_inner("ARTICLE:12") == ("article", "12", "")
    assert parse_inner("passage:42|„Zitat“") == ("passage", "42", "„Zitat“")


def test_find_links_returns_positions_in_code_points() -> None:
    """Spans are code-point offsets of the whole [[...]], even after emoji."""
    text = "😀 [[Tokajew]] and [[note:Plan]]"
    links = find_links(text)
    assert [(r.kind, r.target) for r in links] == [("actor", "Tokajew"), ("note", "Plan")]
    assert text[links[0].start:links[0].end] == "[[Tokajew]]"


def test_find_links_skips_code_spans_and_fenced_code() -> None:
    """Links inside `code` or ``` fences are text, links after them still count."""
    text = "`[[A]]` x\n```\n[[B]]\n```\n~~~\n[[C]]\n~~~\n[[D]] ``[[E]]``"
    assert [r.target for r in find_links(text)] == ["D"]


def test_find_links_ignores_empty_and_nested_brackets() -> None:
    """[[ ]] with no target, or with brackets inside, is not a link."""
    assert find_links("[[ ]] [[a[b]] [[|label]]") == []


def test_find_links_handles_unclosed_fence_to_end() -> None:
    """An unclosed fence makes the rest of the note code."""
    assert [r.target for r in find_links("[[A]]\n```\n[[B]]")] == ["A"]


def test_link_key_ignores_case_spacing_and_label() -> None:
    """Two spellings of the same target text share a key."""
    assert LinkRef("actor", "Kassym-Jomart  Tokayev", "x").key == LinkRef(
        "actor", "kassym-jomart tokayev").key


def test_link_markdown_round_trips_through_parser() -> None:
    """Generated link text parses back to its kind, target and label; brackets are dropped."""
    text = link_markdown("article", "Der [neue] Vertrag | Teil 2", "„Zitat“")
    ref = find_links(text)[0]
    assert (ref.kind, ref.target, ref.label) == ("article", "Der neue Vertrag Teil 2", "„Zitat“")
    assert link_markdown("actor", "Tokayev") == "[[Tokayev]]"


def test_urls_round_trip_and_reject_foreign_schemes() -> None:
    """dossier://kind/id parses back; other schemes, kinds or ids give None."""
    assert parse_url(link_url("passage", 42)) == ("passage", 42)
    assert parse_url("https://actor/1") is None
    assert parse_url("dossier://evil/1") is None
    assert parse_url("dossier://actor/x") is None


def test_line_around_cuts_long_lines_around_the_link() -> None:
    """The context line is shortened around the link with ellipses."""
    text = "a" * 300 + " [[X]] " + "b" * 300
    start = text.index("[[X]]")
    context = line_around(text, start, start + 5, width=40)
    assert "[[X]]" in context and context.startswith("…") and len(context) <= 42
