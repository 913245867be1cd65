"""Exact search on a realistic index, beside a German bare Whoosh and SQLite FTS5 (issue 15).

Not collected by pytest. Run on demand:

    python tests/bench/bench_search_realistic.py --n 10000 --work /tmp/dossier-search-bench

Builds once (kept in ``--work``; delete the folder to rebuild) three indexes of the same
texts (the 10kGNAD test articles replicated as in bench_core.py, plus 20 more):

- **ours**: Dossier's :class:`SearchIndex` with the settings that ship, fed as the indexer
  feeds it: bulk writes of 2,000 articles (``bulk=True``), then 20 single-article writes
  (small commits, as 20 single imports leave them), each write followed by the fold the
  indexer runs after a drain (``fold_segments``: size levels in powers of 4);
- **bare-de**: Whoosh set up for German text (one body field, PyStemmer's German stemmer,
  Whoosh's German stop list), one commit;
- **fts5**: SQLite FTS5 (``unicode61 remove_diacritics 2``) with the texts as content.

Then times the same queries interleaved (one query on each side in turn, so load swings hit
all sides alike), ``--rounds`` rounds, each returning the first page of 20 with snippets and
the exact total: ours through ``SearchIndex.search`` (exact: nothing pruned; filtered by kind
as the search service asks) on the index as
it is (``segmented``: right after the 20th import), with its caches dropped before every
query (``segmented-cold``), and on a merged copy of it (``merged``, made with
``idle_merge``: the index after the indexer's idle merge); bare-de with Whoosh's
default (pruning) search and highlighter; FTS5 with ``snippet()`` and a ``count(*)``. Fuzzy
words become plain words for FTS5 (it has none) and a lone ``-word`` is skipped there.

Prints one JSON line per side (p50, p95, max, slowest query, wall time and CPU time of this
process, ratios) and the load average before and after; ``--check`` also compares every
query's total and first page between the segmented and merged indexes, with and without
caches (a merged page that differs only among equal scores is counted apart: ties go by
document number, which a merge changes).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_core import QUERIES as CORE_QUERIES
from bench_core import ROOT, load_corpus, replicate

sys.path.insert(0, str(ROOT))
QUERIES = [*CORE_QUERIES, "Kasachstan OR Tokayev", "Regierung~", "Minister*", "-Regierung",
           "Wien OR Graz OR Linz"]
SINGLES = 20
SERVICE_KINDS = ("article", "note")
"""The filter the search service puts on every search (app.store.outbox.KINDS): timed
with it since 2026-11-27 (until then without, which hid 170 ms a search at 100,000)."""


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# --------------------------------------------------------------------------- builds
def build_ours(folder: Path, texts: list[str], n: int) -> float:
    """As the indexer writes: bulk batches, then single articles, each followed by the
    fold the indexer runs after a drain that wrote (app.services.indexing)."""
    from app.search import IndexDoc, SearchIndex
    from app.search.merging import fold_segments

    started = time.perf_counter()
    ix = SearchIndex.open(folder)
    docs = [IndexDoc(i, 1, t[:80], t, "de", "", "2025-11") for i, t in enumerate(texts, 1)]
    for k in range(0, n, 2000):
        ix.write(docs[k : min(k + 2000, n)], bulk=True)
        while fold_segments(ix):
            pass
    for doc in docs[n:]:
        ix.write([doc])
        while fold_segments(ix):
            pass
    ix.close()
    return time.perf_counter() - started


def german_bare_schema() -> Any:
    from bench_stem import german
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.lang import stopwords_for_language

    analyzer = StemmingAnalyzer(stemfn=german, stoplist=stopwords_for_language("de"),
                                cachesize=50000)
    return Schema(id=ID(stored=True, unique=True), body=TEXT(analyzer=analyzer))


def build_bare(folder: Path, texts: list[str]) -> float:
    from whoosh import index

    started = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(folder, german_bare_schema())
    writer = ix.writer()
    for i, text in enumerate(texts, 1):
        writer.add_document(id=str(i), body=text)
    writer.commit()
    return time.perf_counter() - started


def build_fts(path: Path, texts: list[str]) -> float:
    started = time.perf_counter()
    db = sqlite3.connect(path)
    db.execute("CREATE VIRTUAL TABLE fts USING fts5(body,"
               " tokenize='unicode61 remove_diacritics 2')")
    db.executemany("INSERT INTO fts(rowid, body) VALUES (?, ?)", enumerate(texts, 1))
    db.commit()
    db.close()
    return time.perf_counter() - started


def ensure_built(work: Path, texts: list[str], n: int) -> dict[str, float]:
    built: dict[str, float] = {}
    if not (work / "ours.done").exists():
        shutil.rmtree(work / "ours", ignore_errors=True)
        built["ours_s"] = build_ours(work / "ours", texts, n)
        (work / "ours.done").write_text("ok")
    if not (work / "bare.done").exists():
        shutil.rmtree(work / "bare", ignore_errors=True)
        built["bare_de_s"] = build_bare(work / "bare", texts)
        (work / "bare.done").write_text("ok")
    if not (work / "fts.done").exists():
        (work / "fts.db").unlink(missing_ok=True)
        built["fts5_s"] = build_fts(work / "fts.db", texts)
        (work / "fts.done").write_text("ok")
    return built


# --------------------------------------------------------------------------- searchers
def ours_searcher(folder: Path, by_id: dict[int, str], cold: bool = False) -> tuple[
        Callable[[str], int], Any]:
    from app.search import SearchIndex

    ix = SearchIndex.open(folder)

    def run(q: str) -> int:
        if cold:
            ix.drop_caches()
        return ix.search(q, limit=20, text_of=by_id.get, kinds=SERVICE_KINDS).total
    return run, ix


def bare_searcher(folder: Path, by_id: dict[int, str]) -> Callable[[str], int]:
    from whoosh import index
    from whoosh.highlight import ContextFragmenter, Highlighter, UppercaseFormatter
    from whoosh.qparser import QueryParser

    ix = index.open_dir(folder)
    searcher = ix.searcher()
    parser = QueryParser("body", ix.schema)
    highlighter = Highlighter(fragmenter=ContextFragmenter(maxchars=200, surround=60),
                              formatter=UppercaseFormatter())

    def run(q: str) -> int:
        results = searcher.search(parser.parse(q), limit=20)
        for hit in results:
            highlighter.highlight_hit(hit, "body", text=by_id[int(hit["id"])])
        return len(results)  # Whoosh's estimate-free count (a second pass when pruned)
    return run


def fts_query(q: str) -> str | None:
    if q.startswith("-"):
        return None
    return re.sub(r"~\d*", "", q)


def fts_searcher(path: Path) -> Callable[[str], int]:
    db = sqlite3.connect(path)

    def run(q: str) -> int:
        fq = fts_query(q)
        if fq is None:
            return -1
        db.execute("SELECT rowid, snippet(fts, 0, '[', ']', '…', 16) FROM fts WHERE fts MATCH ?"
                   " ORDER BY rank LIMIT 20", (fq,)).fetchall()
        return int(db.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", (fq,)).fetchone()[0])
    return run


# --------------------------------------------------------------------------- driver
def summarise(times: dict[str, list[float]], cpu: dict[str, list[float]]) -> dict[str, Any]:
    flat = [t for ts in times.values() for t in ts]
    flat_cpu = [t for ts in cpu.values() for t in ts]
    slowest = max(times, key=lambda q: max(times[q]))
    return {"p50_ms": round(statistics.median(flat), 1), "p95_ms": round(pct(flat, 0.95), 1),
            "max_ms": round(max(flat), 1), "slowest": slowest,
            "cpu_p50_ms": round(statistics.median(flat_cpu), 1),
            "cpu_p95_ms": round(pct(flat_cpu, 0.95), 1), "cpu_max_ms": round(max(flat_cpu), 1)}


def check(work: Path, merged: Path, by_id: dict[int, str]) -> dict[str, int]:
    """Totals and first pages identical: segmented vs merged, cached vs cold."""
    from app.search import SearchIndex

    seg, mer = SearchIndex.open(work / "ours"), SearchIndex.open(merged)
    differ = ties = 0
    for q in QUERIES:
        a = seg.search(q, limit=20, text_of=by_id.get, kinds=SERVICE_KINDS)
        seg.drop_caches()
        b = seg.search(q, limit=20, text_of=by_id.get, kinds=SERVICE_KINDS)
        c = mer.search(q, limit=20, text_of=by_id.get, kinds=SERVICE_KINDS)
        ids = [[h.article_id for h in r.hits] for r in (a, b, c)]
        scores = [[round(h.score, 9) for h in r.hits] for r in (a, c)]
        same = a.total == b.total == c.total and ids[0] == ids[1] and \
            sorted(ids[0]) == sorted(ids[2])
        if not same and a.total == b.total == c.total and ids[0] == ids[1] and \
                scores[0] == scores[1]:
            # the merged page has the same scores, other documents among equal
            # scores: ties go by document number, which a merge changes
            ties += 1
            print(json.dumps({"merged_page_ties_differ": q, "total": a.total},
                             ensure_ascii=False))
        elif not same:
            differ += 1
            print(json.dumps({"differs": q, "totals": [a.total, b.total, c.total],
                              "warm_vs_cold_page_same": ids[0] == ids[1]},
                             ensure_ascii=False))
    seg.close()
    mer.close()
    return {"queries_checked": len(QUERIES), "differ": differ, "merged_ties_only": ties}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/dossier-search-bench"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--code", type=Path, default=ROOT,
                        help="another checkout's root to time its app.search (before/after);"
                             " without drop_caches it skips the cold side and the check")
    args = parser.parse_args()
    sys.path.insert(0, str(args.code))
    work = args.work / str(args.n)
    work.mkdir(parents=True, exist_ok=True)
    texts = replicate(load_corpus(), args.n + SINGLES)
    by_id = dict(enumerate(texts, 1))
    built = ensure_built(work, texts, args.n)
    if built:
        print(json.dumps({"built": built, "load": os.getloadavg()}), flush=True)
    if args.build_only:
        return
    from app.search import SearchIndex

    has_cache_control = hasattr(SearchIndex, "drop_caches")
    merged = work / "merged"
    if not (work / "merged.done").exists():
        from app.search.merging import idle_merge

        shutil.rmtree(merged, ignore_errors=True)
        shutil.copytree(work / "ours", merged)
        mix = SearchIndex.open(merged)
        t0 = time.perf_counter()
        idle_merge(mix)  # what the indexer does after IDLE_MERGE_SECONDS without changes
        print(json.dumps({"merge_s": round(time.perf_counter() - t0, 1)}), flush=True)
        mix.close()
        (work / "merged.done").write_text("ok")
    load_before = os.getloadavg()
    seg_run, seg_ix = ours_searcher(work / "ours", by_id)
    mer_run, mer_ix = ours_searcher(merged, by_id)
    sides: dict[str, Callable[[str], int]] = {"segmented": seg_run, "merged": mer_run}
    indexes = [seg_ix, mer_ix]
    if has_cache_control:
        sides["segmented-cold"], cold_ix = ours_searcher(work / "ours", by_id, cold=True)
        indexes.append(cold_ix)
    sides["bare-de"] = bare_searcher(work / "bare", by_id)
    sides["fts5"] = fts_searcher(work / "fts.db")
    segments = len(seg_ix._current().reader().leaf_readers())
    for run in sides.values():  # open searchers, warm the OS cache: not timed
        run("Regierung")
    times: dict[str, dict[str, list[float]]] = {s: {q: [] for q in QUERIES} for s in sides}
    cpu: dict[str, dict[str, list[float]]] = {s: {q: [] for q in QUERIES} for s in sides}
    for _round in range(args.rounds):
        for q in QUERIES:
            for side, run in sides.items():
                t0, c0 = time.perf_counter(), time.process_time()
                total = run(q)
                if total >= 0:  # wall time, and CPU time of this process (steadier under load)
                    times[side][q].append((time.perf_counter() - t0) * 1000)
                    cpu[side][q].append((time.process_time() - c0) * 1000)
    stats = {side: summarise({q: t for q, t in ts.items() if t},
                             {q: t for q, t in cpu[side].items() if t})
             for side, ts in times.items()}
    for side in [s for s in sides if s not in ("fts5", "bare-de")]:
        for base in ("fts5", "bare-de"):
            for key in ("p50_ms", "p95_ms", "cpu_p50_ms", "cpu_p95_ms"):
                name = key[:-3].replace("_ms", "")
                stats[side][f"{name}/{base}"] = round(stats[side][key] / stats[base][key], 2)
    print(json.dumps({"code": str(args.code), "n": args.n + SINGLES, "segments": segments,
                      "rounds": args.rounds,
                      "load_before": load_before, "load_after": os.getloadavg(),
                      "maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                      **stats}, ensure_ascii=False), flush=True)
    for ix in indexes:
        ix.close()
    if args.check and has_cache_control:
        print(json.dumps(check(work, merged, by_id)))


if __name__ == "__main__":
    main()
