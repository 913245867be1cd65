"""CPU of merging a fragmented search index into one segment (the indexer's idle merge).

Not collected by pytest. Run on demand:

    python tests/bench/bench_merge.py --n 3000
    python tests/bench/bench_merge.py --n 3000 --code /tmp/old   # another checkout's app.search

Builds (once, in ``--work``) an index of the replicated 10kGNAD articles as the indexer
leaves it after a bulk import of 2,000 and then imports of 50 (small commits, every
16th merging small segments), then times ``app.search.merging.idle_merge`` on fresh
copies, ``--rounds`` times, each in a child process (``--code`` first when given, then
this checkout, alternating, so load swings hit both). Prints the CPU and wall seconds of
each merge and the segment counts.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_core import ROOT, load_corpus, replicate


def build(folder: Path, n: int) -> int:
    sys.path.insert(0, str(ROOT))
    from app.search import IndexDoc, SearchIndex

    texts = replicate(load_corpus(), n)
    docs = [IndexDoc(i, 1, t[:80], t, "de", "", "2025-11") for i, t in enumerate(texts, 1)]
    ix = SearchIndex.open(folder)
    bulk = min(2000, n * 2 // 3)
    ix.write(docs[:bulk], bulk=True)
    for k in range(bulk, n, 50):
        ix.write(docs[k:k + 50])
    segments = len(ix.segments())
    ix.close()
    return segments


def child(code: Path, folder: Path) -> None:
    sys.path.insert(0, str(code))
    from app.search import SearchIndex
    from app.search.merging import idle_merge

    ix = SearchIndex.open(folder)
    before = len(ix.segments())
    cpu, wall = time.process_time(), time.perf_counter()
    idle_merge(ix)
    print(json.dumps({"code": str(code), "segments_before": before,
                      "segments_after": len(ix.segments()),
                      "cpu_s": round(time.process_time() - cpu, 2),
                      "wall_s": round(time.perf_counter() - wall, 2)}))
    ix.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/dossier-merge-bench"))
    parser.add_argument("--code", type=Path, help="another checkout's root, timed first")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--child", nargs=2, type=Path)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    base = args.work / str(args.n) / "base"
    if not (base.parent / "built").exists():
        shutil.rmtree(base, ignore_errors=True)
        print(json.dumps({"built_segments": build(base, args.n)}), flush=True)
        (base.parent / "built").write_text("ok")
    codes = ([args.code] if args.code else []) + [ROOT]
    print(json.dumps({"load_before": os.getloadavg()}), flush=True)
    for _round in range(args.rounds):
        for code in codes:
            copy = base.parent / "copy"
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(base, copy)
            out = subprocess.run([sys.executable, __file__, "--child", str(code), str(copy)],
                                 capture_output=True, text=True, check=True, cwd="/")
            print(out.stdout.strip(), flush=True)
    print(json.dumps({"load_after": os.getloadavg()}), flush=True)


if __name__ == "__main__":
    main()
