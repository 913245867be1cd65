"""Core benchmark: import + index throughput, search latency, freshness, peak memory.

Run on demand (not collected by pytest):

    python tests/bench/bench_core.py --sizes 1028 10000
    python tests/bench/bench_core.py --sizes 100000 --ours-only   # peak memory, freshness

Uses the real German corpus in ../shared/corpora/10kgnad-test.csv (1,028 articles),
replicated with perturbation (sentence shuffling and a per-copy marker word) to larger
sizes. Each figure is reported as a ratio against a baseline measured in the same run:
bare Whoosh set up for German text (one body field, PyStemmer's German stemmer and
Whoosh's German stop list, the same baseline as bench_search_realistic.py's bare-de)
indexing/searching the same texts; out of the box Whoosh stems German with English rules
and keeps German stop words, which is not a fair baseline for this corpus. Each side runs
in its own child process so that peak memory (VmHWM) and CPU time are per side:
**bare** (that baseline), **same** (Dossier's schema, analyzers and index writing fed the
texts directly, in the indexer's batches), **ours** (the whole pipeline: files, SQLite,
outbox, indexer) and **fresh** (a new process on ours' notebook: its first import of one
article until a search finds it).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpora" / "10kgnad-test.csv"
sys.path.insert(0, str(ROOT))

QUERIES = [
    "Regierung", "Flüchtlinge", "Flücht*", "Wirtschafts*", '"Europäische Union"', "Gewerkschaft",
    "Österreich AND Deutschland", "Bundesheer OR Polizei", "Fußball", "Klimawandel", "Trump",
    "Putin", "Syrien Krieg", "Bank*", "Steuerreform", "Asyl NOT Deutschland", "Hypo", "Pension*",
    "Schule", "Studie", "Internet", "Google", "Apple iPhone", "Polizei Wien", "Wahl*",
    "Forsch*", "Champions League", '"künstliche Intelligenz"', "Arbeitslosigkeit", "Budget",
    "Abkommen", "Griechenland Schulden", "Terror*", "Kurz~", "Mitterlehner",
]


def load_corpus() -> list[str]:
    texts = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if ";" not in line:
            continue
        _cat, text = line.split(";", 1)
        texts.append(text.strip().strip("'"))
    return texts


def replicate(texts: list[str], n: int) -> list[str]:
    """The first 1,028 are the real articles; later copies shuffle sentences (seeded)."""
    out = []
    for i in range(n):
        base = texts[i % len(texts)]
        if i < len(texts):
            out.append(base)
            continue
        rng = random.Random(i)
        sentences = re.split(r"(?<=[.!?])\s+", base)
        head, rest = sentences[0], sentences[1:]
        rng.shuffle(rest)
        out.append(" ".join([head, *rest, f"Kopie{i}"]))
    return out


def write_files(texts: list[str], folder: Path) -> None:
    folder.mkdir(parents=True)
    for i, text in enumerate(texts):
        (folder / f"{i:06d}.txt").write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------- children
def _peak_rss_mb() -> float:
    """This process's peak resident memory. Not ``ru_maxrss``: Linux carries a
    parent's peak across fork and exec into it, and the driver holds every text (at
    100,000 articles about 500 MB, which every child then reported as its own)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    """CPU seconds this process has used (user + system). On a shared machine the wall
    times of children run one after another see different loads; their CPU times are
    comparable."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child_bare(folder: Path, index_dir: Path) -> dict[str, object]:
    """Bare Whoosh for German: one stemmed body field (German stems and stop words),
    default writer."""
    from bench_search_realistic import german_bare_schema
    from whoosh import index
    from whoosh.highlight import ContextFragmenter, Highlighter, UppercaseFormatter
    from whoosh.qparser import QueryParser

    started = time.perf_counter()
    schema = german_bare_schema()
    ix = index.create_in(index_dir, schema)
    writer = ix.writer()
    files = sorted(folder.iterdir())
    for path in files:
        writer.add_document(id=path.stem, body=path.read_text(encoding="utf-8"))
    writer.commit()
    build = time.perf_counter() - started
    cpu = _cpu_s()
    texts = {p.stem: p for p in files}
    parser = QueryParser("body", schema)
    highlighter = Highlighter(fragmenter=ContextFragmenter(maxchars=200, surround=60),
                              formatter=UppercaseFormatter())
    times = []
    with ix.searcher() as searcher:
        for _round in range(3):
            for q in QUERIES:
                t0 = time.perf_counter()
                results = searcher.search(parser.parse(q), limit=20)
                for hit in results:
                    text = texts[hit["id"]].read_text(encoding="utf-8")
                    highlighter.highlight_hit(hit, "body", text=text)
                times.append((time.perf_counter() - t0) * 1000)
    return {"build_s": build, "cpu_s": cpu, "search_ms": times,
            "maxrss_mb": _peak_rss_mb()}


def child_same(folder: Path, index_dir: Path) -> dict[str, object]:
    """Dossier's own schema, analyzers and index writing (``SearchIndex.write`` in the
    indexer's bulk batches), fed the texts directly: what the index alone costs, so
    that ours/same is the pipeline's overhead."""
    from whoosh import index

    from app.search import SearchIndex
    from app.search.index_files import INDEX_NAME
    from app.search.schema import IndexDoc
    from app.services.indexing import BULK_BATCH

    started = time.perf_counter()
    ix = SearchIndex.open(index_dir)
    batch: list[IndexDoc] = []
    for i, path in enumerate(sorted(folder.iterdir()), start=1):
        text = path.read_text(encoding="utf-8")
        batch.append(IndexDoc(article_id=i, rev=1, title=text[:80], body=text, language="de",
                              outlet="", published=""))
        if len(batch) == BULK_BATCH:
            ix.write(batch, bulk=True)
            batch = []
    ix.write(batch, bulk=True)
    ix.close()
    build = time.perf_counter() - started
    cpu = _cpu_s()
    return {"build_s": build, "cpu_s": cpu,
            "search_ms": _same_searches(index.open_dir(index_dir, indexname=INDEX_NAME),
                                        sorted(folder.iterdir())),
            "maxrss_mb": _peak_rss_mb()}


def _same_searches(ix: object, files: list[Path]) -> list[float]:
    """The same parsed queries on the same-schema index, with Whoosh's own highlighter
    for the 20 snippets: what the service layer adds is everything else."""
    from whoosh.highlight import ContextFragmenter, Highlighter, UppercaseFormatter

    from app.search import parse_query

    highlighter = Highlighter(fragmenter=ContextFragmenter(maxchars=200, surround=60),
                              formatter=UppercaseFormatter())
    times = []
    with ix.searcher() as searcher:  # type: ignore[attr-defined]
        for _round in range(3):
            for q in QUERIES:
                t0 = time.perf_counter()
                results = searcher.search(parse_query(q), limit=20)
                for hit in results:
                    text = files[int(hit["id"]) - 1].read_text(encoding="utf-8")
                    highlighter.highlight_hit(hit, "body_exact", text=text)
                times.append((time.perf_counter() - t0) * 1000)
    return times


def child_ours(folder: Path, nb_dir: Path) -> dict[str, object]:
    """The whole Dossier pipeline: ingest files, store in SQLite, index via the outbox."""
    from app.services import Notebook

    started = time.perf_counter()
    cpu_at_start = _cpu_s()
    nb = Notebook.open(nb_dir)
    report = nb.imports.import_paths([folder])
    imported = time.perf_counter() - started
    cpu_at_import = _cpu_s()
    nb.search.flush()
    build = time.perf_counter() - started
    cpu = _cpu_s()
    times = []
    for _round in range(3):
        for q in QUERIES:
            t0 = time.perf_counter()
            nb.search.search(q, limit=20)
            times.append((time.perf_counter() - t0) * 1000)
    import_cpu = cpu_at_import - cpu_at_start
    fresh = _fresh_imports(nb, nb_dir.parent, "Zebrastreifenkontrolle")
    nb.close()
    return {"build_s": build, "cpu_s": cpu, "import_s": imported, "import_cpu_s": import_cpu,
            "imported": len(report.imported),
            "search_ms": times, "fresh_ms": fresh,
            "maxrss_mb": _peak_rss_mb()}


def _fresh_imports(nb: Any, folder: Path, word: str, count: int = 5) -> list[float]:
    """Import ``count`` one-article files, each with a new word, and time each until a
    search finds it (ms)."""
    times = []
    for k in range(count):
        new = folder / f"{word}{k}.txt"
        new.write_text(f"{word}{k} ist ein neues Wort in einem neuen Artikel.",
                       encoding="utf-8")
        t0 = time.perf_counter()
        nb.imports.import_paths([new])
        nb.search.flush()
        found = nb.search.search(f"{word}{k}").total
        times.append((time.perf_counter() - t0) * 1000)
        assert found == 1
    return times


def child_fresh(_folder: Path, nb_dir: Path) -> dict[str, object]:
    """A new process on the notebook "ours" built: the first import of one new article
    until a search finds it (lazy set-up included: language detector, index writer,
    searcher), then four more."""
    from app.services import Notebook

    started = time.perf_counter()
    nb = Notebook.open(nb_dir)
    opened = time.perf_counter() - started
    times = _fresh_imports(nb, nb_dir.parent, "Zebrastreifenneuheit")
    nb.close()
    return {"open_ms": opened * 1000, "first_ms": times[0], "next_ms": times[1:],
            "maxrss_mb": _peak_rss_mb()}


# --------------------------------------------------------------------------- driver
def run_child(kind: str, folder: Path, target: Path) -> dict[str, object]:
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(folder), str(target)],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def bench_size(n: int, texts: list[str], work: Path, children: list[str]) -> dict[str, object]:
    folder = work / f"files{n}"
    write_files(replicate(texts, n), folder)
    ours = run_child("ours", folder, work / f"nb{n}" / "nb")
    fresh = run_child("fresh", folder, work / f"nb{n}" / "nb")
    if children == ["ours"]:  # memory and freshness alone (the 100,000 run)
        shutil.rmtree(folder)
        return {"n": n, "ours_build_s": ours["build_s"], "ours_cpu_s": ours["cpu_s"],
                "ours_import_cpu_s": ours["import_cpu_s"], "ours_rss_mb": ours["maxrss_mb"],
                "ours_p50": statistics.median(ours["search_ms"]),
                "ours_p95": pct(ours["search_ms"], .95), "ours_max": max(ours["search_ms"]),
                "fresh_ms_median": statistics.median(ours["fresh_ms"]), "fresh_process": fresh,
                "load_avg": " / ".join(f"{x:.1f}" for x in os.getloadavg())}
    bare = run_child("bare", folder, work / f"bare{n}")
    same = run_child("same", folder, work / f"same{n}")
    row = {
        "ours_import_cpu_s": ours["import_cpu_s"], "fresh_process": fresh,
        "n": n,
        "bare_build_s": bare["build_s"], "ours_build_s": ours["build_s"],
        "ours_import_s": ours["import_s"],
        "build_ratio": ours["build_s"] / bare["build_s"],
        "same_build_s": same["build_s"], "pipeline_ratio": ours["build_s"] / same["build_s"],
        "same_rss_mb": same["maxrss_mb"],
        "bare_cpu_s": bare["cpu_s"], "same_cpu_s": same["cpu_s"], "ours_cpu_s": ours["cpu_s"],
        "cpu_ratio": ours["cpu_s"] / bare["cpu_s"],
        "pipeline_cpu_ratio": ours["cpu_s"] / same["cpu_s"],
        "load_avg": " / ".join(f"{x:.1f}" for x in os.getloadavg()),
        "bare_p50": statistics.median(bare["search_ms"]), "bare_p95": pct(bare["search_ms"], .95),
        "ours_p50": statistics.median(ours["search_ms"]), "ours_p95": pct(ours["search_ms"], .95),
        "ours_max": max(ours["search_ms"]),
        "fresh_ms_median": statistics.median(ours["fresh_ms"]),
        "bare_rss_mb": bare["maxrss_mb"], "ours_rss_mb": ours["maxrss_mb"],
    }
    row["same_p50"] = statistics.median(same["search_ms"])
    row["same_p95"] = pct(same["search_ms"], .95)
    row["service_ratio_p50"] = row["ours_p50"] / row["same_p50"]
    row["service_ratio_p95"] = row["ours_p95"] / row["same_p95"]
    row["search_ratio_p50"] = row["ours_p50"] / row["bare_p50"]
    row["search_ratio_p95"] = row["ours_p95"] / row["bare_p95"]
    shutil.rmtree(folder)
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1028, 10000])
    parser.add_argument("--child", nargs=3)
    parser.add_argument("--ours-only", action="store_true",
                        help="only Dossier's pipeline (peak memory and freshness at 100,000)")
    parser.add_argument("--out", type=Path, default=ROOT / "tests" / "bench" / "out")
    args = parser.parse_args()
    if args.child:
        kind, folder, target = args.child
        Path(target).mkdir(parents=True, exist_ok=True)
        fn = {"bare": child_bare, "same": child_same, "ours": child_ours,
              "fresh": child_fresh}[kind]
        print(json.dumps(fn(Path(folder), Path(target))))
        return
    if not CORPUS.exists():
        sys.exit(f"corpus not found: {CORPUS}")
    texts = load_corpus()
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="dossier-bench-") as tmp:
        for n in args.sizes:
            row = bench_size(n, texts, Path(tmp), ["ours"] if args.ours_only else [])
            rows.append(row)
            print(json.dumps(row), flush=True)
    if args.ours_only:
        return
    (args.out / "core.json").write_text(json.dumps(rows, indent=2))
    print("\n| articles | search p50 bare/same/ours ms | p95 bare/same/ours ms | "
          "ours/same p50, p95 | ours/bare p50, p95 |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['n']:,} | {r['bare_p50']:.1f} / {r['same_p50']:.1f} / {r['ours_p50']:.1f} | "
              f"{r['bare_p95']:.1f} / {r['same_p95']:.1f} / {r['ours_p95']:.1f} | "
              f"{r['service_ratio_p50']:.2f}x, {r['service_ratio_p95']:.2f}x | "
              f"{r['search_ratio_p50']:.2f}x, {r['search_ratio_p95']:.2f}x |")
    print("\n| articles | bare build s | same-schema build s | ours build s | ours/bare | "
          "ours/same | search p50 bare/ours ms | p95 bare/ours ms | p95 ratio | max ms | "
          "fresh ms | RSS bare/same/ours MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['n']:,} | {r['bare_build_s']:.1f} | {r['same_build_s']:.1f} | "
              f"{r['ours_build_s']:.1f} | {r['build_ratio']:.2f}x | {r['pipeline_ratio']:.2f}x | "
              f"{r['bare_p50']:.1f} / {r['ours_p50']:.1f} | "
              f"{r['bare_p95']:.1f} / {r['ours_p95']:.1f} | {r['search_ratio_p95']:.2f}x | "
              f"{r['ours_max']:.0f} | {r['fresh_ms_median']:.0f} | "
              f"{r['bare_rss_mb']:.0f} / {r['same_rss_mb']:.0f} / {r['ours_rss_mb']:.0f} |")
    print("\n| articles | CPU s bare-de / same / ours (import + index) | ours/bare-de | "
          "ours/same | fresh process: first / median next ms | load avg at the end |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        fresh = r["fresh_process"]
        print(f"| {r['n']:,} | {r['bare_cpu_s']:.1f} / {r['same_cpu_s']:.1f} / "
              f"{r['ours_cpu_s']:.1f} | {r['cpu_ratio']:.2f}x | {r['pipeline_cpu_ratio']:.2f}x | "
              f"{fresh['first_ms']:.0f} / {statistics.median(fresh['next_ms']):.0f} | "
              f"{r['load_avg']} |")


if __name__ == "__main__":
    main()
