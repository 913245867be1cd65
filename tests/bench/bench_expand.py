"""Benchmark: the cost of ``ActorService.expand``, which the search calls per query word.

Run: ``python tests/bench/bench_expand.py [--articles 1000] [--actors 500]``, and
``--demo`` for the demo notebook. Reports, in milliseconds per call:

- ``warm variant`` / ``warm common word``: a word seen before (every cache filled), the
  names checked less than ``RECHECK_SECONDS`` ago: the other words of one search;
- ``new common word``: a word that names no actor (one matcher lookup);
- ``new variant``: a first-time variant of an actor's name (matcher lookup plus the
  corpus words of a prefix already read);
- ``first of a prefix``: the first variant starting with three new letters (SQLite
  ``instr`` over all article texts, the matching articles tokenised);
- ``after an actor edit``: the first call after a spelling changed (matcher rebuilt);
- ``names re-checked``: a word when the names are compared with the database again
  (once per search at most, see ``RECHECK_SECONDS``), nothing having changed.

Texts are real German news sentences from ``/work/shared/corpora/10kgnad-test.csv`` (else
the seeds) with actor names sprinkled in, as in ``bench_suggest.py``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench_suggest import make_actors, make_texts  # noqa: E402

from app.services import Notebook  # noqa: E402

COMMON = ("Regierung", "Präsident", "Wirtschaft", "Vertrag", "Minister", "Handel", "Bank",
          "Österreich", "Deutschland", "Europa", "Wahl", "Polizei", "Gericht", "Zukunft")


def per_call_ms(fn: Callable[[], object], repeat: int = 1) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat * 1000


def build(folder: Path, articles: int, actors: int) -> tuple[Notebook, dict[int, list[str]]]:
    rng = random.Random(7)
    names = make_actors(actors, rng)
    texts = folder / "texts"
    texts.mkdir()
    for i, text in enumerate(make_texts(articles, names, rng)):
        (texts / f"a{i:05d}.txt").write_text(text, encoding="utf-8")
    nb = Notebook.open(folder / "nb")
    nb.imports.import_paths([texts])
    for spellings in names.values():
        nb.actors.create(spellings[0], kind="person", aliases=spellings[1:3])
    nb.search.flush()
    return nb, names


def measure(nb: Notebook, variants: list[str]) -> dict[str, float]:
    expand = nb.actors.expand
    out: dict[str, float] = {}
    out["after an actor edit"] = per_call_ms(lambda: expand("text", "Regierung"))
    out["first of a prefix"] = statistics.median(
        per_call_ms(lambda w=w: expand("text", w)) for w in variants[:5])
    out["new variant"] = statistics.median(
        per_call_ms(lambda w=w: expand("text", w)) for w in variants[5:25])
    out["new common word"] = statistics.median(
        per_call_ms(lambda w=w: expand("text", w)) for w in COMMON)
    out["warm variant"] = per_call_ms(lambda: expand("text", variants[0]), repeat=200)
    out["warm common word"] = per_call_ms(lambda: expand("text", "Regierung"), repeat=200)

    def checked() -> None:
        nb.actors.names_changed()
        expand("text", "Regierung")

    out["names re-checked"] = per_call_ms(checked, repeat=100)
    return out


QUERIES = ("Regierung", "Präsident Wirtschaft", "Vertrag OR Abkommen", "Minister AND Handel",
           '"Europäische Union"', "Bank", "Österreich Deutschland", "Polizei -Gericht",
           "Zukunft", "Wahl*")


def search_ms(nb: Notebook, queries: tuple[str, ...], rounds: int = 5) -> tuple[float, float]:
    """(p50, p95) in ms of searching ``queries`` (after one warm-up round)."""
    for query in queries:
        nb.search.search(query)
    times = []
    for _ in range(rounds):
        for query in queries:
            start = time.perf_counter()
            nb.search.search(query)
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def compare_search(nb: Notebook, queries: tuple[str, ...], what: str) -> dict[str, float]:
    """Search latency with the expansion and without it (``expand`` unset on the search
    service), the two runs interleaved so that load on a shared machine hits both."""
    expand = nb.search._expand  # a benchmark may look inside; the app never does
    runs: dict[str, list[tuple[float, float]]] = {"with": [], "without": []}
    try:
        for _ in range(3):
            nb.search._expand = expand
            runs["with"].append(search_ms(nb, queries, rounds=2))
            nb.search._expand = None
            runs["without"].append(search_ms(nb, queries, rounds=2))
    finally:
        nb.search._expand = expand
    out = {}
    for name, found in runs.items():
        out[f"{what} p50 {name}"] = statistics.median(p50 for p50, _ in found)
        out[f"{what} p95 {name}"] = statistics.median(p95 for _, p95 in found)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--actors", type=int, default=500)
    parser.add_argument("--demo", action="store_true", help="measure the demo notebook")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.demo:
            nb = Notebook.open_demo(Path(tmp) / "demo")
            variants = ["Mirziyev", "Tokajew", "Tokaev", "Mirsijojew", "Kasachstans"] * 5
            label = f"demo notebook ({nb.articles.count()} articles, "
            label += f"{len(nb.actors.list())} actors)"
        else:
            nb, names = build(Path(tmp), args.articles, args.actors)
            variants = [s[1].replace("ev", "jew") for s in names.values()][:25]
            label = f"{args.articles} articles, {args.actors} actors"
        with nb:
            results = measure(nb, variants)
            results.update(compare_search(nb, QUERIES, "search, common words:"))
            results.update(compare_search(nb, tuple(variants[:5]), "search, actor names:"))
    print(label)
    for name, ms in results.items():
        print(f"  {name:36s} {ms:8.2f} ms")


if __name__ == "__main__":
    main()
