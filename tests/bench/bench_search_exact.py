"""Search latency and totals on ~10,000 real German articles (not collected by pytest).

Builds (once) a Dossier index of the 10kGNAD test articles replicated to ``--n``
documents (sentence shuffling as in bench_core.py) and times ``SearchIndex.search``
with snippets, page of 20, several rounds. ``--code`` points at another checkout
of ``app`` (e.g. an export of the previous commit) so that before/after run on the
same machine in the same session:

    python tests/bench/bench_search_exact.py --index /tmp/ix-new
    python tests/bench/bench_search_exact.py --code /tmp/base --index /tmp/ix-old

Prints one JSON line per query (total, p50 ms) and a summary line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_core import QUERIES as CORE_QUERIES  # noqa: E402 - the core benchmark's 35 queries

QUERIES = [*CORE_QUERIES,
           "Kasachstan OR Tokayev", "Regierung~", "Minister*", "-Regierung", "Wien OR Graz OR Linz"]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--code", type=Path, default=ROOT)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-check", action="store_true",
                        help="only time the queries (skip the comparison with all hits)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "tests" / "bench"))
    from bench_core import load_corpus, replicate  # puts ROOT first on sys.path

    sys.path.insert(0, str(args.code))  # so --code wins over ROOT

    from app.search import IndexDoc, SearchIndex

    texts = replicate(load_corpus(), args.n)
    by_id = {i: t for i, t in enumerate(texts, start=1)}
    ix = SearchIndex.open(args.index)
    if ix.doc_count() != args.n:
        started = time.perf_counter()
        ix.clear()
        docs = [IndexDoc(i, 1, t[:80], t, "de", "", "2025-11") for i, t in by_id.items()]
        for k in range(0, len(docs), 2000):
            ix.write(docs[k : k + 2000], bulk=True)
        print(json.dumps({"built_s": round(time.perf_counter() - started, 1)}), flush=True)
    times: list[float] = []
    cpu: list[float] = []  # CPU time of this process: steadier than wall time on a busy machine
    per_query: dict[str, list[float]] = {q: [] for q in QUERIES}
    totals: dict[str, int] = {}
    for _round in range(args.rounds):
        for q in QUERIES:
            t0, c0 = time.perf_counter(), time.process_time()
            results = ix.search(q, limit=20, text_of=by_id.get)
            ms = (time.perf_counter() - t0) * 1000
            cpu.append((time.process_time() - c0) * 1000)
            times.append(ms)
            per_query[q].append(ms)
            totals[q] = results.total
    wrong_total = wrong_page = 0
    for q in QUERIES if not args.no_check else []:
        # everything, ranked: the reference for the page of 20 and its total
        full = ix.search(q, limit=args.n, text_of=lambda _i: "")
        page = ix.search(q, limit=20, text_of=lambda _i: "")
        same_page = [h.article_id for h in page.hits] == [h.article_id for h in full.hits[:20]]
        wrong_total += page.total != len(full.hits)
        wrong_page += not same_page
        print(json.dumps({"q": q, "total": totals[q], "all_hits": len(full.hits),
                          "same_top20": same_page,
                          "p50_ms": round(statistics.median(per_query[q]), 1)},
                         ensure_ascii=False))
    print(json.dumps({"wrong_totals": wrong_total, "wrong_pages": wrong_page}))
    print(json.dumps({"code": str(args.code), "p50_ms": round(statistics.median(times), 1),
                      "p95_ms": round(pct(times, 0.95), 1), "max_ms": round(max(times), 1),
                      "cpu_p50_ms": round(statistics.median(cpu), 1),
                      "cpu_p95_ms": round(pct(cpu, 0.95), 1),
                      "times_ms": [round(t, 2) for t in times],
                      "cpu_ms": [round(t, 2) for t in cpu]}))
    ix.close()


if __name__ == "__main__":
    main()
