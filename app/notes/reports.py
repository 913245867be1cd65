"""Markdown and HTML reports: notes with their links resolved into sourced quotations,
and actor and agreement dossiers.

Qt- and database-free: callers pass resolved links (:class:`app.notes.links.Resolved`)
and the actor and agreement records of :mod:`app.core.actor_records`. In a note report
every passage link becomes its quotation with a footnote naming the article, outlet and
date; the footnotes of the whole report are numbered once and rendered as endnotes.
Links to actors, agreements, articles and notes become their current names; broken links
stay visible, marked as broken. HTML is the Markdown rendered through the same sanitiser
as the preview, in a standalone page that fetches nothing.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from app.core.actor_records import Actor, Agreement, Evidence, Mention, PartyRole
from app.core.ids import AgreementId
from app.notes.links import LinkRef, Resolved, find_links
from app.notes.render import render_markdown, short_quote

FORMATS = ("md", "html")

Links = Mapping[tuple[str, str], Resolved]


@dataclass
class Footnotes:
    """Numbers sources once per report; the same passage cited twice shares a number."""

    entries: list[str] = field(default_factory=list)
    _numbers: dict[str, int] = field(default_factory=dict)

    def number(self, source: str) -> int:
        if source not in self._numbers:
            self.entries.append(source)
            self._numbers[source] = len(self.entries)
        return self._numbers[source]

    def markdown(self) -> str:
        return "\n".join(f"[^{i}]: {_inline(text)}" for i, text in enumerate(self.entries, 1))


def _inline(text: str) -> str:
    """Text safe to place inside Markdown: one line, Markdown characters escaped."""
    flat = " ".join(text.split())
    for ch in "\\`*_[]<>#|":
        flat = flat.replace(ch, "\\" + ch)
    return flat


def resolve_text(markdown: str, links: Links, notes: Footnotes) -> str:
    """``markdown`` with every link replaced by its resolved, sourced form."""
    out: list[str] = []
    pos = 0
    for ref in find_links(markdown):
        out.append(markdown[pos:ref.start])
        out.append(_link_text(ref, links.get(ref.key), notes))
        pos = ref.end
    out.append(markdown[pos:])
    return "".join(out)


def _link_text(ref: LinkRef, target: Resolved | None, notes: Footnotes) -> str:
    if target is None or target.is_broken:
        return f"{_inline(ref.label or ref.target)} *(broken link)*"
    if ref.kind != "passage":
        shown = ref.label or target.title or ref.target
        return f"**{_inline(shown)}**" if ref.kind in ("actor", "agreement") else _inline(shown)
    quote = ref.label or f"„{short_quote(target.quote)}“"
    source = f"{target.source} (passage {target.target_id})"
    return f"{_inline(quote)}[^{notes.number(source)}]"


def note_report(title: str, body: str, links: Links) -> str:
    """One note as a Markdown report with quotations and endnotes."""
    notes = Footnotes()
    text = resolve_text(body, links, notes)
    return _with_notes(f"# {_inline(title)}\n\n{text.strip()}\n", notes)


def notebook_report(name: str, pages: Iterable[tuple[str, str]], links: Links) -> str:
    """Every note (``(title, body)`` pairs) in one report with one set of endnotes."""
    notes = Footnotes()
    parts = [f"# {_inline(name)}\n"]
    for title, body in pages:
        text = _demote(resolve_text(body, links, notes)).strip()
        parts.append(f"## {_inline(title)}\n\n{text}\n")
    return _with_notes("\n".join(parts), notes)


def _demote(markdown: str) -> str:
    """Push a note's own headings two levels down, below its ``##`` title."""
    lines = []
    for line in markdown.split("\n"):
        lines.append("##" + line if line.startswith("#") and line.lstrip("#").startswith(" ")
                     else line)
    return "\n".join(lines)


def _with_notes(markdown: str, notes: Footnotes) -> str:
    if not notes.entries:
        return markdown
    return f"{markdown}\n## Sources\n\nSee the numbered notes below.\n\n{notes.markdown()}\n"


def actor_dossier(actor: Actor, mentions: Sequence[Mention], roles: Sequence[PartyRole],
                  agreements: Mapping[AgreementId, Agreement]) -> str:
    """An actor: its facts, aliases, mentions in context and agreements with evidence."""
    notes = Footnotes()
    lines = [f"# {_inline(actor.name)}", "", f"- Kind: {_inline(actor.kind)}"]
    if actor.country:
        lines.append(f"- Country: {_inline(actor.country_en or actor.country)}")
    if actor.external_id:
        lines.append(f"- External id: {_inline(actor.external_id)}")
    aliases = [a.name for a in actor.aliases if a.name != actor.name]
    lines.append(f"- Also written: {_inline(', '.join(aliases)) if aliases else '—'}")
    if actor.description:
        lines += ["", actor.description.strip()]
    lines += ["", "## Mentions", ""]
    lines += [_mention_line(m, notes) for m in mentions] or ["No marked mentions."]
    lines += ["", "## Agreements", ""]
    for role in roles:
        lines.append(f"### {_inline(role.agreement_title)} ({_inline(role.role)})")
        found = agreements.get(role.agreement_id)
        lines += _evidence_lines(found.evidence if found is not None else (), notes)
    if not roles:
        lines.append("Not a party to any recorded agreement.")
    return _with_notes("\n".join(lines) + "\n", notes)


def _mention_line(mention: Mention, notes: Footnotes) -> str:
    context = f"…{mention.prefix}**{mention.exact}**{mention.suffix}…"
    source = _source(mention.article_title, mention.article_outlet, mention.article_published)
    return f"- {_inline_keep_bold(context)}[^{notes.number(source)}]"


def _inline_keep_bold(text: str) -> str:
    head, _, rest = text.partition("**")
    middle, _, tail = rest.partition("**")
    return f"{_edges(head)}**{_inline(middle)}**{_edges(tail)}"


def _edges(text: str) -> str:
    """Like :func:`_inline`, keeping one space where ``text`` starts or ends with one."""
    lead = " " if text[:1].isspace() else ""
    trail = " " if text[-1:].isspace() else ""
    return f"{lead}{_inline(text)}{trail}"


def _source(title: str, outlet: str, published: str) -> str:
    return ", ".join(p for p in (title.strip(), outlet.strip(), published.strip()) if p)


def _evidence_lines(evidence: Iterable[Evidence], notes: Footnotes) -> list[str]:
    lines = []
    for item in evidence:
        source = _source(item.article_title, item.outlet, item.published)
        label = item.field if item.field != "agreement" else "the agreement"
        lines.append(f"- {item.stance} {label}: „{_inline(short_quote(item.quote))}“"
                     f"[^{notes.number(source)}]")
    return lines or ["- No evidence recorded."]


def agreement_dossier(agreement: Agreement) -> str:
    """An agreement: type, value, status, parties, timeline, summary and evidence."""
    notes = Footnotes()
    lines = [f"# {_inline(agreement.title)}", "", f"- Type: {_inline(agreement.type)}",
             f"- Value: {_inline(agreement.value.display()) or '—'}",
             f"- Status: {_inline(agreement.status or '—')}"
             + (f" ({agreement.date})" if agreement.date else "")]
    lines += ["", "## Parties", ""]
    lines += [f"- {_inline(p.actor_name)} ({_inline(p.role)})" for p in agreement.parties] or [
        "No parties recorded."]
    lines += ["", "## Timeline", ""]
    lines += [f"- {e.date or 'undated'}: {_inline(e.status)}"
              + (f" — {_inline(e.note)}" if e.note else "") for e in agreement.events] or [
        "No events recorded."]
    if agreement.summary:
        lines += ["", "## Summary", "", agreement.summary.strip()]
    lines += ["", "## Evidence", ""]
    lines += _evidence_lines(agreement.evidence, notes)
    return _with_notes("\n".join(lines) + "\n", notes)


def to_html(title: str, markdown: str) -> str:
    """A standalone, sanitised HTML page of a Markdown report (no external resources)."""
    body = render_markdown(markdown)
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title>"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'\">"
            f"</head><body>\n{body}\n</body></html>\n")
