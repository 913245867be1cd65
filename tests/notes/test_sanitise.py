"""Rendering notes is safe against known XSS payloads and never fetches anything."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from app.notes.links import Resolved
from app.notes.render import render_markdown

# From OWASP's XSS filter evasion cheat sheet, PortSwigger's XSS cheat sheet and the
# html5sec.org vectors, adapted to arrive through Markdown (raw HTML and link syntax).
PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=http://xss.rocks/xss.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    '<img src="jav&#x09;ascript:alert(1)">',
    "<img src=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)>",
    '<svg onload="alert(1)">',
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<body onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JAVASCRIPT:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '[x](javascript:alert(1) "t")',
    "<javascript:alert(1)>",
    "![x](javascript:alert(1))",
    '![x](x" onerror="alert(1))',
    '<div style="width: expression(alert(1))">x</div>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<style>@import 'http://evil.example/x.css';</style>",
    '<link rel="stylesheet" href="http://evil.example/x.css">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    '<input onfocus=alert(1) autofocus>',
    '<details open ontoggle=alert(1)>',
    '<video><source onerror="alert(1)"></video>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '<base href="javascript:alert(1)//">',
    '<marquee onstart=alert(1)>x</marquee>',
    '<a href="#" onclick="alert(1)">x</a>',
    '<TABLE BACKGROUND="javascript:alert(1)">',
    '<div onmouseover="alert(1)">x</div>',
    "<!--<img src=--><img src=x onerror=alert(1)//-->",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "[[<img src=x onerror=alert(1)>]]",
    "[[agreement:<script>alert(1)</script>|<svg onload=alert(1)>]]",
]

FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "style", "link", "meta", "form",
                  "input", "base", "svg", "math", "body", "video", "source", "marquee",
                  "noscript"}
SAFE_SCHEMES = ("http:", "https:", "mailto:", "dossier:")


class _Markup(HTMLParser):
    """Collects the live tags and attributes of HTML (escaped text is not markup)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def problems(html: str) -> list[str]:
    """Everything in ``html`` a browser or Qt could execute, style or fetch."""
    parser = _Markup()
    parser.feed(html)
    found = []
    for tag, attrs in parser.tags:
        if tag in FORBIDDEN_TAGS:
            found.append(f"<{tag}>")
        for name, value in attrs.items():
            url = re.sub(r"[\x00-\x20]", "", value).lower()
            if name.startswith("on") or name in ("style", "srcdoc", "background", "srcset"):
                found.append(f"{tag} {name}")
            elif name == "href" and ":" in url.split("/")[0] and not url.startswith(SAFE_SCHEMES):
                found.append(f"{tag} href={value}")
            elif name == "src" and (":" in url.split("/")[0] or url.startswith("//")):
                found.append(f"{tag} src={value}")
    return found


@pytest.mark.parametrize("payload", PAYLOADS)
def test_render_neutralises_xss_payload(payload: str) -> None:
    """No script, handler, dangerous URL or style survives, with or without link resolution."""
    for links in (None, {}):
        html = render_markdown(f"Text before\n\n{payload}\n\nafter", links)
        assert problems(html) == [], html


def test_problem_finder_catches_what_it_should() -> None:
    """The checker itself flags handlers, scripts and bad URLs (so passing means something)."""
    bad = ('<script></script><img src="http://x/a.png" onerror="x()">'
           '<a href=" javascript:x()">a</a><p style="x">p</p>')
    assert len(problems(bad)) == 5
    assert problems('<a href="dossier://actor/1">a</a><img src="a.png">') == []


def test_render_never_keeps_remote_image_sources() -> None:
    """Remote, protocol-relative and data: images lose their src; nothing can be fetched."""
    md = ('<img src="https://evil.example/a.png"> <img src="//evil.example/b.png"> '
          "![x](http://evil.example/c.png) ![y](data:image/png;base64,AAAA) "
          '<img srcset="https://evil.example/d.png 2x">')
    html = render_markdown(md, {})
    assert "evil.example" not in html and "data:" not in html and "srcset" not in html


def test_render_link_titles_escape_hostile_target_names() -> None:
    """A resolved target whose title holds markup is shown as text, not parsed."""
    links = {("actor", "x"): Resolved("actor", 1, '"><script>alert(1)</script>'),
             ("passage", "2"): Resolved("passage", 2, "t", quote="<img src=x onerror=alert(1)>",
                                        source="<b>FAZ</b>")}
    html = render_markdown("[[x]] [[passage:2]]", links)
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_render_keeps_dossier_links_but_no_other_custom_scheme() -> None:
    """dossier:// anchors survive sanitising; file: and other schemes do not."""
    html = render_markdown("[a](dossier://actor/1) [b](file:///etc/passwd) [c](ftp://x/y)")
    assert 'href="dossier://actor/1"' in html
    assert "file:" not in html and "ftp:" not in html


# Relative-looking sources that browsers still resolve to a remote host: "\" is read as
# "/", tabs and newlines are dropped, leading spaces and controls stripped, percent
# escapes decoded by some servers and viewers, full-width solidus folded.
REMOTE_IN_DISGUISE = [
    '<img src="/\\evil.example/x.png">',
    "![x](/\\evil.example/y.png)",
    '<img src="\\\\evil.example/x.png">',
    '<img src="\\/evil.example/x.png">',
    '<img src="/%5Cevil.example/x.png">',
    '<img src="/%5cevil.example/x.png">',
    '<img src="%2F%2Fevil.example/x.png">',
    '<img src="/%255Cevil.example/x.png">',
    '<img src="/&#92;evil.example/x.png">',
    '<img src="&#47;&#47;evil.example/x.png">',
    '<img src=" //evil.example/x.png">',
    '<img src="/&#9;/evil.example/x.png">',
    '<img src="/&#10;/evil.example/x.png">',
    '<img src="&#1;//evil.example/x.png">',
    '<img src="／／evil.example/x.png">',
    '<img src="https:evil.example/x.png">',
    '<img src="HtTpS://evil.example/x.png">',
    '<img src="file:///etc/passwd">',
    '<img src="data:image/png;base64,AAAA">',
    "![y](%5C%5Cevil.example/y.png)",
    '<a href="/\\evil.example/">x</a>',
    '<a href="/%5Cevil.example/">x</a>',
]


@pytest.mark.parametrize("payload", REMOTE_IN_DISGUISE)
def test_render_drops_source_when_browser_would_fetch_remote_host(payload: str) -> None:
    """Backslash, encoded, whitespace and full-width tricks never keep a src or href."""
    html = render_markdown(f"before {payload} after", {})
    assert _urls(html) == [], html


def _urls(html: str) -> list[str]:
    """Every src and href value that survived sanitising."""
    parser = _Markup()
    parser.feed(html)
    return [v for _, attrs in parser.tags for k, v in attrs.items() if k in ("src", "href")]


@pytest.mark.parametrize(
    "source",
    ["a.png", "bilder/karte.png", "../shared/map.png", "/tmp/local.png", "Größe%20Karte.png",
     "img/x.png?v=2#top"],
)
def test_render_keeps_image_source_when_local_relative(source: str) -> None:
    """Plain relative and root-relative image paths are kept (they resolve locally)."""
    html = render_markdown(f"![map]({source})", {})
    assert _urls(html) == [source], html


def test_render_keeps_footnote_and_web_links() -> None:
    """In-page footnote anchors and http(s)/dossier links survive the stricter filter."""
    html = render_markdown("See[^1] [site](https://example.org/a) [[x]]\n\n[^1]: note",
                           {("actor", "x"): Resolved("actor", 1, "X")})
    urls = _urls(html)
    assert "https://example.org/a" in urls and "dossier://actor/1" in urls
    assert any(u.startswith("#fn") for u in urls), urls
