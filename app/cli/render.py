"""How the CLI prints records: plain text for people, JSON for scripts."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence

from app.core.records import Article, ArticleSummary, Highlight, Page, SearchResults, Tag
from app.services import CheckReport, ImportReport, record_dict


def _out(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def mark(text: str, marks: Sequence[tuple[int, int]], tty: bool | None = None) -> str:
    """Mark spans of ``text``: reverse video on a terminal, ``**…**`` otherwise."""
    tty = sys.stdout.isatty() if tty is None else tty
    left, right = ("\x1b[7m", "\x1b[0m") if tty else ("**", "**")
    pieces, pos = [], 0
    for start, end in sorted(marks):
        if start < pos:
            continue
        pieces += [text[pos:start], left, text[start:end], right]
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces).replace("\n", " ")


def import_report(report: ImportReport, verbose: bool = False) -> None:
    """Counts, then one line per duplicate, failure, skipped entry and note.

    ``skipped: <path>, <reason>`` lines name what a folder held that was not imported;
    ``note: <path>: <note>`` lines say what was assumed or could be trimmed.
    """
    counts = (f"imported {len(report.imported):,}, duplicates {len(report.duplicates):,}, "
              f"failed {len(report.failures):,}, skipped {len(report.skipped):,}")
    if report.notes:
        counts += f", notes {len(report.notes):,}"
    _out(counts + (" (cancelled)" if report.cancelled else ""))
    if verbose:
        for summary in report.imported:
            _out(f"  + [{summary.id}] {summary.title} ({summary.language or '?'})")
    for source, existing in report.duplicates:
        _out(f"  = {source}: same text as [{existing.id}] {existing.title}")
    for source, reason in report.failures:
        _out(f"  ! {source}: {reason}")
    for source, reason in report.skipped:
        _out(f"  skipped: {source}, {reason}")
    for source, note in report.notes:
        _out(f"  note: {source}: {note}")


def search_results(results: SearchResults, as_json: bool = False, unindexed: int = 0) -> None:
    """``unindexed``: documents waiting to be indexed, which the results cannot reflect."""
    if as_json:
        _out(json.dumps({**record_dict(results), "unindexed": unindexed},
                        ensure_ascii=False, indent=2))
        return
    shown = f"{results.offset + 1}-{results.offset + len(results.hits)}" if results.hits else "0"
    _out(f"{results.total:,} articles match {results.query!r} (showing {shown}, "
         f"{results.elapsed_ms:.0f} ms)")
    for rank, hit in enumerate(results.hits, start=results.offset + 1):
        meta = ", ".join(p for p in (hit.outlet, hit.published, hit.language) if p)
        _out(f"{rank:>3}. [{hit.article_id}] {hit.title}" + (f"  ({meta})" if meta else ""))
        _out(f"     {mark(hit.snippet, hit.snippet_marks)}")


def article_table(page: Page[ArticleSummary], as_json: bool = False) -> None:
    if as_json:
        _out(json.dumps([record_dict(a) for a in page.items], ensure_ascii=False, indent=2))
        return
    _out(f"{page.total:,} articles (showing {page.offset + 1 if page.items else 0}-"
         f"{page.offset + len(page.items)})")
    for a in page.items:
        _out(f"[{a.id:>5}] {a.published or '—':<10} {a.language or '??':<3} "
             f"{a.outlet[:22]:<22} {a.highlight_count:>3}h  {a.title[:80]}")


def article(art: Article, highlights: Sequence[Highlight], tags: Mapping[int, Tag],
            as_json: bool = False) -> None:
    if as_json:
        doc = {**record_dict(art.summary), "text": art.text, "extra": art.extra,
               "highlights": [record_dict(h) for h in highlights]}
        _out(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    s = art.summary
    _out(s.title)
    for label, value in (("outlet", s.outlet), ("published", s.published),
                         ("language", s.language), ("author", s.author), ("url", s.url),
                         ("file", s.original_name)):
        if value:
            _out(f"  {label}: {value}")
    _out()
    _out(art.text)
    if highlights:
        _out()
        _out(f"{len(highlights)} highlights:")
    for h in highlights:
        names = ", ".join(tags[t].path for t in h.tag_ids if t in tags)
        _out(f"  [{h.start}-{h.end}] {names}: “{h.exact[:100]}”")
        if h.memo:
            _out(f"      memo: {h.memo[:200]}")


def check_report(report: CheckReport) -> None:
    _out(f"database: {report.database_message}")
    if report.is_ok and not report.pending:
        _out("index: matches the database")
        return
    _out(f"index: {len(report.missing)} missing, {len(report.extra)} extra, "
         f"{len(report.stale)} stale, {report.pending} queued")
    if report.repaired:
        _out("index: repaired")
