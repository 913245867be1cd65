"""Tests for app.notes.render: Markdown features survive, dangerous HTML does not."""

from __future__ import annotations

from app.notes.render import render_markdown


def test_render_basic_markdown_produces_html() -> None:
    """Headings, emphasis and lists become their HTML elements."""
    html = render_markdown("# Title\n\n*em* and **strong**\n\n- a\n- b\n")
    assert "<h1>Title</h1>" in html
    assert "<em>em</em>" in html and "<strong>strong</strong>" in html
    assert html.count("<li>") == 2


def test_render_tables_fenced_code_and_footnotes_when_used() -> None:
    """The three enabled extensions produce a table, a code block and a footnote list."""
    md = "| a | b |\n|---|---|\n| 1 | 2 |\n\n```\nx = 1\n```\n\nclaim[^1]\n\n[^1]: source\n"
    html = render_markdown(md)
    assert "<table>" in html and "<td>1</td>" in html
    assert "<pre><code>x = 1" in html
    assert 'href="#fn:1"' in html and 'id="fn:1"' in html


def test_render_strips_script_and_its_content() -> None:
    """A <script> element disappears together with its code."""
    html = render_markdown("before\n\n<script>alert('x')</script>\n\nafter")
    assert "script" not in html.lower() and "alert" not in html


def test_render_strips_event_handlers_and_iframes() -> None:
    """onerror/onclick attributes and iframes are removed."""
    html = render_markdown('<img src="a.png" onerror="alert(1)"><iframe src="x"></iframe>'
                           '<p onclick="x()">p</p>')
    assert "onerror" not in html and "onclick" not in html and "iframe" not in html


def test_render_drops_javascript_and_data_links() -> None:
    """Links with javascript: or data: targets lose their href; https links keep it."""
    html = render_markdown("[a](javascript:alert(1)) [b](data:text/html,hi) [c](https://e.org)")
    assert "javascript:" not in html and "data:" not in html
    assert 'href="https://e.org"' in html


def test_render_drops_remote_image_sources() -> None:
    """Images from http(s), protocol-relative or data: URLs lose their src; relative ones stay."""
    md = ("![r](https://evil.example/t.png) ![p](//evil.example/t.png) "
          "![d](data:image/png;base64,AA) ![l](pic.png)")
    html = render_markdown(md)
    assert "evil.example" not in html and "data:" not in html
    assert 'src="pic.png"' in html


def test_render_empty_input_returns_empty_string() -> None:
    """An empty memo renders to nothing."""
    assert render_markdown("").strip() == ""


def test_render_keeps_unicode_text_intact() -> None:
    """German quotes, umlauts and emoji pass through unchanged."""
    assert "„Grüß Gott“ 😀" in render_markdown("„Grüß Gott“ 😀")
