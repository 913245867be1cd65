"""Whole-notebook export and import at scale: time and peak memory.

Builds a notebook file from the demo notebook with its articles replicated (each copy's
text gets a marker line, so hashes differ; highlights, their tags, mentions and evidence
are copied with it), then runs, each in a fresh child process: open the empty notebook
only (the baseline), import the file, export it again. Peak memory is the child's maximum
resident set size.

    python tests/bench/bench_notebook_file.py --articles 2000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

CHILD = """
import sys, time, tracemalloc
from app.services import Notebook

def status(key):
    with open("/proc/self/status") as handle:
        line = next(line for line in handle if line.startswith(key))
    return int(line.split()[1]) / 1024

action, folder, file, traced = sys.argv[1:5]
with Notebook.open(folder) as nb:
    if traced == "1":
        tracemalloc.start()
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")  # reset the peak: measure the action, not start-up (Linux)
    resident = status("VmRSS")
    opened = time.perf_counter()
    if action == "import":
        nb.transfer.import_notebook(file)
    elif action == "export":
        nb.transfer.export_notebook(file)
    done = time.perf_counter()
    python_peak = tracemalloc.get_traced_memory()[1] / 2**20 if traced == "1" else 0
    peak = status("VmHWM")
print(f"{done - opened:.2f} {resident:.0f}+{peak - resident:.0f} {python_peak:.0f}")
"""


def _copy_rows(tables: dict[str, list[dict[str, Any]]], copies: int) -> None:
    from app.core.text import content_key, text_sha256

    originals = {name: list(rows) for name, rows in tables.items()}
    next_id = {name: max((r.get("id", 0) for r in rows), default=0) + 1
               for name, rows in originals.items()}
    for k in range(1, copies):
        article_map, highlight_map = {}, {}
        for row in originals["article"]:
            text = row["text"] + f"\n\nKopie {k}."
            new = dict(row, id=next_id["article"], text=text, sha256=text_sha256(text),
                       content_key=content_key(text), char_count=len(text))
            article_map[row["id"]] = new["id"]
            next_id["article"] += 1
            tables["article"].append(new)
        for row in originals["highlight"]:
            new = dict(row, id=next_id["highlight"], article_id=article_map[row["article_id"]])
            highlight_map[row["id"]] = new["id"]
            next_id["highlight"] += 1
            tables["highlight"].append(new)
        for row in originals["highlight_tag"]:
            tables["highlight_tag"].append(
                dict(row, highlight_id=highlight_map[row["highlight_id"]]))
        for name in ("mention", "evidence"):
            for row in originals[name]:
                tables[name].append(dict(row, id=next_id[name],
                                         highlight_id=highlight_map[row["highlight_id"]]))
                next_id[name] += 1


def build(folder: Path, articles: int) -> Path:
    from app.services import Notebook

    with Notebook.open_demo(folder / "demo") as nb:
        nb.transfer.export_notebook(folder / "demo.json")
    document = json.loads((folder / "demo.json").read_text("utf-8"))
    copies = max(1, articles // len(document["tables"]["article"]))
    _copy_rows(document["tables"], copies)
    big = folder / "big.json"
    big.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return big


def child(action: str, folder: Path, file: Path, traced: bool = False
          ) -> tuple[float, str, float]:
    """(seconds, "resident MB before + peak growth MB during the action", peak MB Python
    allocated during the action: only with ``traced``, which slows the action down)."""
    out = subprocess.run([sys.executable, "-c", CHILD, action, str(folder), str(file),
                          "1" if traced else "0"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    seconds, peak, python_peak = out.split()
    return float(seconds), peak, float(python_peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        big = build(folder, args.articles)
        document = json.loads(big.read_text("utf-8"))
        rows = {k: len(v) for k, v in document["tables"].items()}
        del document
        print(f"built {big.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - started:.0f} s: "
              f"{rows['article']} articles, {rows['highlight']} highlights, "
              f"{sum(rows.values())} rows")
        _, base, _ = child("open", folder / "nb", big)
        print(f"baseline (open the empty notebook, do nothing): resident {base} MB")
        _, _, traced = child("import", folder / "traced", big, traced=True)
        seconds, peak, _ = child("import", folder / "nb", big)
        print(f"import: {seconds:.2f} s, resident {peak} MB, "
              f"Python allocations during import peak {traced:.0f} MB")
        again = folder / "again.json"
        _, _, traced = child("export", folder / "traced", again, traced=True)
        seconds, peak, _ = child("export", folder / "nb", again)
        print(f"export: {seconds:.2f} s, resident {peak} MB, "
              f"Python allocations during export peak {traced:.0f} MB, "
              f"{again.stat().st_size / 1e6:.1f} MB written")


if __name__ == "__main__":
    main()
