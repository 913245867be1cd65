"""Notes benchmark: re-rendering the preview of a 50 KB note with 200 links while typing.

Run on demand (not collected by pytest):

    python tests/bench/bench_notes.py [--runs 40]

Builds a real notebook (actors with aliases, agreements, articles, passages), writes a
50 KB Markdown note with 200 ``[[links]]`` of every kind, and replays typing: one
character is appended before each re-render, as the preview does after its debounce.
Each render does what the notes view does: find the links, resolve only targets not seen
before (through the note service), and render + sanitise. The baseline, measured in the
same run, renders the same Markdown with every link replaced by its plain target text.
The first (cold) render, which resolves all 200 links against the database, is reported
separately. Target: typing re-render p95 under 50 ms.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.notes.links import LINK, find_links, parse_inner  # noqa: E402
from app.notes.render import render_markdown  # noqa: E402

TARGET_MS = 50.0
SENTENCES = [
    "Präsident Tokajew verkündete in Washington den Beitritt zum Abraham-Abkommen.",
    "The joint venture is worth about USD 1.1 bn, with 70 % held by Cove Capital.",
    "Air Astana plans to buy up to 15 Boeing 787-9 Dreamliners, officials said.",
    "Die Vereinbarung über Wolfram soll **bis 2027** umgesetzt werden.",
    "Analysts doubt the *timeline*; see the footnote and the table below.",
]


def build_notebook(folder: Path) -> tuple[object, list[str]]:
    """A notebook with 20 actors, 20 agreements, 20 articles and 40 passages; the links."""
    from app.services import Notebook

    source = folder / "in"
    source.mkdir()
    for i in range(20):
        (source / f"a{i}.txt").write_text(
            f"Artikel {i} über Kasachstan\n" + " ".join(SENTENCES) * 3, encoding="utf-8")
    nb = Notebook.open(folder / "nb")
    articles = [s.id for s in nb.imports.import_paths([source]).imported]
    links = []
    for i in range(20):
        nb.actors.create(f"Akteur{i} Tokayev{i}", aliases=[f"Tokajew{i}"])
        nb.agreements.create(f"Abkommen Nummer {i}")
        links += [f"[[Tokajew{i}]]", f"[[agreement:Abkommen Nummer {i}]]",
                  f"[[article:{articles[i]}]]"]
        for start in (0, 20):
            highlight, _ = nb.annotations.add(articles[i], start, start + 15)
            links.append(f"[[passage:{highlight.id}|„Zitat {i}“]]")
    links += [f"[[Missing{i}]]" for i in range(200 - len(links))]
    return nb, links


def note_text(links: list[str], size: int = 50_000) -> str:
    """About ``size`` characters of Markdown with every link once, in paragraphs and lists."""
    rng = random.Random(7)
    parts, pending = [], list(links)
    rng.shuffle(pending)
    section = 0
    while sum(len(p) for p in parts) < size or pending:
        section += 1
        parts.append(f"## Abschnitt {section}\n")
        sentences = [rng.choice(SENTENCES) for _ in range(4)]
        for _ in range(min(3, len(pending))):
            sentences.insert(rng.randrange(len(sentences)), pending.pop())
        parts.append(" ".join(sentences) + "\n")
        parts.append(f"- Punkt {section}: {rng.choice(SENTENCES)}\n- weiter\n")
        if section % 10 == 0:
            parts.append("| Quelle | Wert |\n|---|---|\n| FAZ | 1,1 Mrd. |\n")
    return "\n".join(parts) + "\nEine Behauptung[^1].\n\n[^1]: Quelle.\n"


def without_links(text: str) -> str:
    return LINK.sub(lambda m: parse_inner(m.group(1))[1], text)


class Preview:
    """What the notes view does per render: resolve new targets only, then render."""

    def __init__(self, notes: object) -> None:
        self.notes = notes
        self.cache: dict = {}

    def render(self, text: str) -> str:
        refs = find_links(text)
        unknown = [r for r in refs if r.key not in self.cache]
        if unknown:
            found = self.notes.resolve(unknown)  # type: ignore[attr-defined]
            for ref in unknown:
                self.cache[ref.key] = found.get(ref.key)
        return render_markdown(text, {k: v for k, v in self.cache.items() if v is not None})


def typing_ms(render: object, text: str, runs: int) -> list[float]:
    times = []
    for i in range(runs):
        typed = text + "x" * (i + 1)
        started = time.perf_counter()
        render(typed)  # type: ignore[operator]
        times.append((time.perf_counter() - started) * 1000)
    return times


def summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {"median_ms": round(statistics.median(ordered), 2),
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
            "max_ms": round(ordered[-1], 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        nb, links = build_notebook(Path(tmp))
        text = note_text(links)
        plain = without_links(text)
        preview = Preview(nb.notes)  # type: ignore[attr-defined]
        started = time.perf_counter()
        preview.render(text)
        cold = (time.perf_counter() - started) * 1000
        broken = sum(1 for v in preview.cache.values() if v is None)
        linked = summary(typing_ms(preview.render, text, args.runs))
        baseline = summary(typing_ms(lambda t: render_markdown(t, {}), plain, args.runs))
        nb.notes.close()  # type: ignore[attr-defined]
        nb.close()  # type: ignore[attr-defined]
    result = {
        "note_chars": len(text), "links": len(find_links(text)), "broken_links": broken,
        "cold_first_render_ms": round(cold, 1), "typing_with_links": linked,
        "typing_without_links": baseline,
        "link_overhead_median_ms": round(linked["median_ms"] - baseline["median_ms"], 2),
        "target_ms": TARGET_MS, "meets_target": linked["p95_ms"] < TARGET_MS,
    }
    sys.stdout.write(json.dumps(result, indent=2) + "\n")
    return 0 if result["meets_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
