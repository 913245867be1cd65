"""REFI-QDA project export at scale: 1,000 articles with 50,000 highlights.

Builds the notebook from the demo notebook (articles replicated as in
``bench_notebook_file.py``, then more highlights on word boundaries, each with a tag,
until every article has ``--per-article``), loads it with the notebook-file import, and
times ``export --qdpx`` in a fresh child process (both offset conventions), with the
child's peak resident memory and the load average of the machine.

    python tests/bench/bench_qdpx_export.py --articles 1000 --per-article 50
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench_notebook_file import build as build_file  # noqa: E402

WORDS = re.compile(r"\w+(?:\W+\w+){0,3}")

CHILD = """
import sys, time
from app.services import Notebook, QdpxExportService

folder, out, nvivo = sys.argv[1:4]
with Notebook.open(folder) as nb:
    started, cpu = time.perf_counter(), time.process_time()
    report = QdpxExportService(nb).export_project(out, nvivo_offsets=nvivo == "1")
    done, cpu = time.perf_counter(), time.process_time() - cpu
with open("/proc/self/status") as handle:
    peak = next(line for line in handle if line.startswith("VmHWM")).split()[1]
print(f"{done - started:.2f} {cpu:.2f} {int(peak) / 1024:.0f} {report.counts.selections}")
"""


def _more_highlights(tables: dict[str, list[dict[str, Any]]], per_article: int) -> None:
    """Add highlights (1-4 words each, one tag each) until each article has ``per_article``."""
    from app.core.text import quote, text_sha256

    template = tables["highlight"][0]
    tag_ids = [t["id"] for t in tables["tag"]]
    have: dict[int, int] = {}
    for row in tables["highlight"]:
        have[row["article_id"]] = have.get(row["article_id"], 0) + 1
    next_id = max(r["id"] for r in tables["highlight"]) + 1
    for article in tables["article"]:
        text, missing = article["text"], per_article - have.get(article["id"], 0)
        spans = [m.span() for m in WORDS.finditer(text)]
        for n, (start, end) in enumerate(spans[:max(0, missing)]):
            q = quote(text, start, end)
            tables["highlight"].append(dict(
                template, id=next_id, article_id=article["id"], start=start, end=end,
                exact=q.exact, prefix=q.prefix, suffix=q.suffix, text_sha256=text_sha256(text),
                memo="" if n % 5 else f"Memo {n}: *wichtig*"))
            tables["highlight_tag"].append({"highlight_id": next_id,
                                            "tag_id": tag_ids[n % len(tag_ids)]})
            next_id += 1


def build(folder: Path, articles: int, per_article: int) -> Path:
    """A notebook with the wanted size, loaded from a notebook file."""
    from app.services import Notebook

    big = build_file(folder, articles)
    document = json.loads(big.read_text("utf-8"))
    _more_highlights(document["tables"], per_article)
    big.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with Notebook.open(folder / "nb") as nb:
        nb.transfer.import_notebook(big)
    return folder / "nb"


def export(folder: Path, out: Path, nvivo: bool) -> tuple[float, float, str, int]:
    result = subprocess.run([sys.executable, "-c", CHILD, str(folder), str(out),
                             "1" if nvivo else "0"],
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout
    seconds, cpu, peak, selections = result.split()
    return float(seconds), float(cpu), peak, int(selections)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--per-article", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        nb = build(folder, args.articles, args.per_article)
        print(f"built the notebook in {time.perf_counter() - started:.0f} s")
        for nvivo in (False, True):
            out = folder / f"export-{int(nvivo)}.qdpx"
            load = os.getloadavg()[0]
            seconds, cpu, peak, selections = export(nb, out, nvivo)
            with zipfile.ZipFile(out) as archive:
                sources = sum(1 for n in archive.namelist() if n.endswith(".txt"))
            print(f"export{' --nvivo-offsets' if nvivo else ''}: {sources} sources, "
                  f"{selections} selections in {seconds:.2f} s (CPU {cpu:.2f} s), "
                  f"peak resident {peak} MB, "
                  f"{out.stat().st_size / 1e6:.1f} MB written, load average {load:.1f} "
                  f"(after {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
