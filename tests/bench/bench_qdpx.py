"""REFI-QDA import benchmark (a script, not collected by pytest).

Usage::

    python3 tests/bench/bench_qdpx.py [--sources 1000] [--selections 50] [--work DIR]

Generates a ``.qdpx`` of N text sources (about 4 KB of German/English news sentences
each; a third with CRLF, a third with astral emoji, and those written with NVivo-style
UTF-16 offsets) with M coded selections each (codes from a two-level code book of 60
codes, every tenth selection with a memo), imports it into a new notebook with
``nb.qdpx_import.import_project`` and prints the time of the whole import (read, offset
detection, one transaction), checking every highlight lands on its words. Goal (issue
14): 1,000 sources and 50,000 selections in under 60 s.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.services import Notebook
from tests.qdpx import builders as b

SENTENCES = [
    "Präsident Tokajew empfing den Gesandten in Astana.",
    "The delegation signed a deal for 37 Boeing jets.",
    "Das Wolfram-Joint-Venture hat einen Wert von 1,1 Mrd. USD.",
    "Kazakhstan joined the Abraham Accords on Thursday.",
    "Die Gespräche über Seltene Erden dauerten bis zum Abend.",
    "Officials said the agreement would enter into force next year.",
]


def _text(rng: random.Random, number: int) -> str:
    words = []
    for _ in range(70):
        sentence = rng.choice(SENTENCES)
        if number % 3 == 1 and rng.random() < 0.2:
            sentence += " 🇰🇿😀"
        words.append(sentence)
    newline = "\r\n" if number % 3 == 0 else "\n"
    return newline.join(" ".join(words[i:i + 5]) for i in range(0, len(words), 5)) + newline


def build(path: Path, sources: int, per_source: int, seed: int = 7) -> int:
    """Write the project; returns the number of selections."""
    rng = random.Random(seed)
    leaves = []
    codes = ""
    for top in range(6):
        kids = ""
        for child in range(9):
            code_guid = str(uuid.uuid4())
            leaves.append(code_guid)
            kids += b.code(code_guid, f"Code {top}.{child}", colour=f"#{rng.randrange(16**6):06X}")
        codes += b.code(str(uuid.uuid4()), f"Theme {top}", codable="false", children=kids)
    user = str(uuid.uuid4())
    parts, files, total = [], {}, 0
    for number in range(sources):
        raw = _text(rng, number)
        nvivo = number % 3 != 2
        src = str(uuid.uuid4())
        selections = []
        for k in range(per_source):
            sentence = rng.choice(SENTENCES)
            at = raw.find(sentence, rng.randrange(len(raw) // 2))
            if at < 0:
                at = raw.find(sentence)
            words = sentence.split()[1:4]
            phrase = " ".join(words)
            at = raw.find(phrase, at)
            span = (b.nvivo_span(raw, phrase, at) if nvivo else b.standard_span(raw, phrase, at))
            selections.append(b.selection(
                str(uuid.uuid4()), *span, codes=[rng.choice(leaves)], creator=user,
                description="Check this" if k % 10 == 0 else ""))
            total += 1
        parts.append(b.text_source(src, f"Article {number}", path=f"internal://{src}.txt",
                                   selections="".join(selections)))
        files[f"sources/{src}.txt"] = raw.encode("utf-8")
    qde = b.project(name="Bench", users=b.user(user, "Analyst"), codes=codes,
                    sources="".join(parts))
    b.write_qdpx(path, qde, files)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--selections", type=int, default=50, help="per source")
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="dossier-qdpx-"))
    work.mkdir(parents=True, exist_ok=True)
    project = work / "bench.qdpx"
    started = time.perf_counter()
    count = build(project, args.sources, args.selections)
    print(f"built {project} ({project.stat().st_size / 1e6:.1f} MB, {args.sources:,} sources, "
          f"{count:,} selections) in {time.perf_counter() - started:.1f} s")
    notebook = work / "nb"
    shutil.rmtree(notebook, ignore_errors=True)
    with Notebook.open(notebook) as nb:
        load = os.getloadavg()[0]
        started = time.perf_counter()
        report = nb.qdpx_import.import_project(project)
        took = time.perf_counter() - started
        print(f"import: {took:.1f} s ({report.summary()}); load average {load:.1f} before, "
              f"{os.getloadavg()[0]:.1f} after")
        wrong = 0
        for article_id in report.articles[:50]:
            for highlight in nb.annotations.highlights_for(article_id):
                wrong += len(highlight.exact.split()) != 3
        print(f"checked the highlights of 50 articles: {wrong} not on three whole words")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
