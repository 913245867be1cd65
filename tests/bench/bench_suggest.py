"""Benchmark: the suggestion pass against a plain exact-alias scan of the same texts.

Run: ``python tests/bench/bench_suggest.py [--articles 10000] [--actors 500]``.
Target (issue 5): the suggestion pass (variants, inflections, fuzzy) takes at most 3x the
time of an exact scan that only looks up known aliases. Both run in this process on the
same texts, so compare the ratio, not absolute times (the machine is shared).

Texts are real German news sentences from ``/work/shared/corpora/10kgnad-test.csv`` when
present (else the bundled seeds), shuffled into articles, with actor names in German and
English spellings and inflections sprinkled in.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.services.names import words  # noqa: E402
from app.services.suggest import Matcher  # noqa: E402

CORPUS = Path("/work/shared/corpora/10kgnad-test.csv")
SYLLABLES = ("ka", "to", "mir", "zi", "yo", "sha", "bek", "nur", "sul", "tan", "ras", "dau",
             "jan", "kul", "mu", "ta", "ber", "di", "sar", "gul", "jo", "ev", "ov", "ali")


def sentences() -> list[str]:
    if CORPUS.exists():
        lines = CORPUS.read_text(encoding="utf-8").splitlines()
        texts = [line.split(";", 1)[1].strip("'") for line in lines if ";" in line]
    else:
        texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    return [s for t in texts for s in re.split(r"(?<=[.!?])\s+", t) if len(s) > 20]


def make_actors(count: int, rng: random.Random) -> dict[int, list[str]]:
    """``count`` actors with about six spellings each (German/English variants)."""
    actors: dict[int, list[str]] = {}
    for actor_id in range(1, count + 1):
        first = "".join(rng.choice(SYLLABLES) for _ in range(2)).capitalize()
        last = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize() + "ev"
        german = last.replace("y", "j").replace("v", "w")
        actors[actor_id] = [f"{first} {last}", last, german, f"{first} {german}",
                            last.replace("ev", "yev"), f"{first[0]}. {last}"]
    return actors


def make_texts(n: int, actors: dict[int, list[str]], rng: random.Random) -> list[str]:
    pool = sentences()
    names = [s for spellings in actors.values() for s in spellings]
    texts = []
    for _ in range(n):
        parts = rng.sample(pool, min(len(pool), 12))
        for _ in range(3):
            name = rng.choice(names) + rng.choice(("", "s"))
            parts.insert(rng.randrange(len(parts) + 1), f"{name} sagte das.")
        texts.append(" ".join(parts))
    return texts


def exact_scan(texts: list[str], actors: dict[int, list[str]]) -> int:
    """The baseline: tokenise, look up each word as the first word of a known alias
    (casefolded), and check the following words."""
    first: dict[str, list[tuple[int, list[str]]]] = defaultdict(list)
    for actor_id, spellings in actors.items():
        for spelling in spellings:
            tokens = [w.casefold() for _s, _e, w in words(spelling)]
            if tokens:
                first[tokens[0]].append((actor_id, tokens))
    hits = 0
    for text in texts:
        toks = [w.casefold() for _s, _e, w in words(text)]
        for i, tok in enumerate(toks):
            for _actor, tokens in first.get(tok, ()):
                if toks[i: i + len(tokens)] == tokens:
                    hits += 1
    return hits


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--actors", type=int, default=500)
    args = parser.parse_args()
    rng = random.Random(5)
    actors = make_actors(args.actors, rng)
    texts = make_texts(args.articles, actors, rng)
    aliases = sum(len(v) for v in actors.values())
    size = sum(map(len, texts)) / 1e6
    print(f"{len(texts):,} articles ({size:.1f} M chars), {len(actors):,} actors, "
          f"{aliases:,} spellings")
    t0 = time.perf_counter()
    exact = exact_scan(texts, actors)
    t1 = time.perf_counter()
    matcher = Matcher(actors)
    found = sum(len(matcher.scan(t)) for t in texts)
    t2 = time.perf_counter()
    baseline, suggest = t1 - t0, t2 - t1
    print(f"exact-alias scan: {baseline:6.2f} s  {exact:,} hits")
    print(f"suggestion pass:  {suggest:6.2f} s  {found:,} hits  "
          f"(ratio {suggest / baseline:.2f}x, target <= 3x)")
    return 0 if suggest <= 3 * baseline else 1


if __name__ == "__main__":
    sys.exit(main())
