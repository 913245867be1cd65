"""Benchmark: re-anchoring 1,000 highlights after an edit of a 500 KB article (issue 12).

Not collected by pytest. The article is the five seed articles' sentences, shuffled
(fixed seed) and numbered per paragraph, to 500 KB; 1,000 highlights of 1-12 words are
spread over it. For each kind of edit it times, alternately (the machine is shared and
its load swings), the diff alone (``diff_match_patch.diff_main``) and the whole
re-anchoring (:func:`app.services.reanchor.reanchor`: diff, semantic clean-up, mapping,
searches), and prints medians and their ratio. ``--service`` also times
``nb.revisions.edit_text`` end to end (text, revision rows and 1,000 recorded highlight
updates in one transaction) and its undo on a real notebook.

    python tests/bench/bench_reanchor.py [--rounds 9] [--service]
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from diff_match_patch import diff_match_patch  # noqa: E402

from app.core.ids import HighlightId  # noqa: E402
from app.core.revisions import Anchor  # noqa: E402
from app.core.text import normalise_text, quote  # noqa: E402
from app.services.reanchor import reanchor  # noqa: E402

SIZE = 500_000
HIGHLIGHTS = 1_000


def article(rng: random.Random) -> str:
    sentences = [s for p in sorted((ROOT / "seeds").glob("*.txt"))
                 for s in re.split(r"(?<=[.!?])\s+", p.read_text("utf-8")) if len(s) > 20]
    paragraphs, size, number = [], 0, 0
    while size < SIZE:
        number += 1
        body = " ".join(rng.choice(sentences) for _ in range(rng.randint(3, 7)))
        paragraphs.append(f"({number}) {body}")
        size += len(paragraphs[-1]) + 2
    return normalise_text("\n\n".join(paragraphs))[:SIZE]


def highlights(text: str, rng: random.Random) -> list[Anchor]:
    words = [m.span() for m in re.finditer(r"\S+", text)]
    out = []
    for n in range(1, HIGHLIGHTS + 1):
        first = rng.randrange(len(words) - 12)
        start, end = words[first][0], words[first + rng.randint(0, 11)][1]
        sel = quote(text, start, end)
        out.append(Anchor(HighlightId(n), start, end, sel.exact, sel.prefix, sel.suffix))
    return out


def edits(text: str, rng: random.Random) -> dict[str, str]:
    middle = len(text) // 2
    para = text.index("\n\n", middle)
    scattered = list(text)
    for _ in range(50):  # 50 one-letter typos fixed all over the text
        at = rng.randrange(len(scattered))
        scattered[at] = "#" if scattered[at] != "#" else "*"
    return {
        "trim 2 lines at the top": text[text.index("\n\n", 200) + 2:],
        "one typo fixed in the middle": text[:middle] + "ß" + text[middle + 1:],
        "paragraph deleted + one inserted": (
            text[:middle - 4000] + text[middle - 2000:para]
            + "\n\nEin neuer Absatz, hier eingefügt." * 3 + text[para:]),
        "a 2 KB block repeated": text[:para] + text[para - 2000:],
        "50 scattered typos": "".join(scattered),
    }


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def bench(old: str, new: str, anchors: list[Anchor], rounds: int) -> tuple[float, float, str]:
    def diff_only() -> object:
        return diff_match_patch().diff_main(old, new)

    diff_ms, anchor_ms = [], []
    for _ in range(rounds):  # alternate, so both see the same load
        diff_ms.append(timed(diff_only))
        anchor_ms.append(timed(lambda: reanchor(old, new, anchors)))
    outcomes = reanchor(old, new, anchors)
    counts = {s: sum(o.state == s for o in outcomes) for s in ("unchanged", "moved", "orphaned")}
    return statistics.median(diff_ms), statistics.median(anchor_ms), str(counts)


def service(old: str, new: str, anchors: list[Anchor],
            rounds: int = 3) -> tuple[float, float, float]:
    """The edit end to end, and medians of its undo as shipped (runs of like updates as
    one executemany, app/store/replay.py) and replayed op by op, alternating (a redo
    between two undos)."""
    from app.ingest.article import ParsedArticle
    from app.services import Notebook
    from app.store import replay

    shipped = replay.MIN_BATCH
    with tempfile.TemporaryDirectory() as folder, Notebook.open(Path(folder) / "nb") as nb:
        parsed = ParsedArticle("big.txt", "big.txt", "Big", old, "de", "", "", "", "")
        aid = nb.imports.import_parsed([parsed]).imported[0].id
        for a in anchors:
            nb.annotations.add(aid, a.start, a.end)
        edit = timed(lambda: nb.revisions.edit_text(aid, new, reason="bench"))
        batched, per_op = [], []
        for _ in range(rounds):
            for min_batch, times in ((shipped, batched), (10**9, per_op)):
                replay.MIN_BATCH = min_batch
                times.append(timed(nb.history.undo))
                nb.history.redo()
        replay.MIN_BATCH = shipped
        return edit, statistics.median(batched), statistics.median(per_op)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--service", action="store_true")
    args = parser.parse_args()
    rng = random.Random(12)
    old = article(rng)
    anchors = highlights(old, rng)
    print(f"article {len(old):,} code points, {len(anchors):,} highlights; "
          f"medians of {args.rounds}")
    for name, new in edits(old, rng).items():
        diff_ms, anchor_ms, counts = bench(old, new, anchors, args.rounds)
        print(f"{name:34} diff {diff_ms:7.1f} ms  re-anchor {anchor_ms:7.1f} ms  "
              f"({anchor_ms / diff_ms:4.2f}x the diff)  {counts}")
        if args.service and name.startswith("trim"):  # one: adding 1,000 highlights is slow
            edit_ms, undo_ms, per_op_ms = service(old, new, anchors)
            print(f"{'':34} nb.revisions.edit_text end to end {edit_ms:.0f} ms, "
                  f"its undo {undo_ms:.0f} ms (op by op {per_op_ms:.0f} ms: "
                  f"{per_op_ms / undo_ms:.1f}x)")


if __name__ == "__main__":
    main()
