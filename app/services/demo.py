"""The demo notebook: the bundled seed articles with metadata, tags and highlights."""

from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.errors import NotebookError
from app.services.demo_actors import seed_actors
from app.services.demo_notes import seed_notes
from app.store import articles, meta
from app.store.engine import translated_errors

if TYPE_CHECKING:
    from app.services.notebook import Notebook

log = logging.getLogger(__name__)

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SEEDED_KEY = "demo_seeded"


def seed_demo(nb: Notebook, seeds: Path = SEEDS) -> bool:
    """Fill an empty notebook from ``seeds/`` once. Returns True if it seeded now."""
    with translated_errors(), nb.sessions() as session:
        done = meta.get_value(session, SEEDED_KEY)
        count = articles.count_all(session)
    if done or count:
        return False
    spec = json.loads((seeds / "demo.json").read_text(encoding="utf-8"))
    ids = _import_articles(nb, seeds, spec["articles"])
    _tags_and_highlights(nb, spec, ids)
    seed_actors(nb, ids, seeds)
    seed_notes(nb, ids, seeds)
    with translated_errors(), nb.sessions() as session, session.begin():
        meta.set_value(session, SEEDED_KEY, "1")
    nb.history.clear()
    log.info("seeded the demo notebook with %d articles", len(ids))
    return True


def _import_articles(nb: Notebook, seeds: Path,
                     fields_of: dict[str, dict[str, Any]]) -> dict[str, int]:
    from app.ingest import parse_file

    parsed = []
    for name, fields in fields_of.items():
        (article,) = parse_file(seeds / name)
        parsed.append(dataclasses.replace(article, **fields))
    report = nb.imports.import_parsed(parsed)
    if len(report.imported) != len(fields_of):
        raise NotebookError("the demo seeds could not all be imported")
    return {s.original_name: s.id for s in report.imported}


def _tags_and_highlights(nb: Notebook, spec: dict[str, Any], ids: dict[str, int]) -> None:
    tags = {}
    for path, colour in spec["tags"].items():
        tag, _ = nb.tags.ensure(path)
        nb.tags.set_colour(tag.id, colour)
        tags[path] = tag.id
    for item in spec["highlights"]:
        article_id = ids[item["article"]]
        text = nb.articles.get(article_id).text
        start = text.find(item["quote"])
        if start < 0:
            log.warning("demo quote not found in %s: %.40s", item["article"], item["quote"])
            continue
        nb.annotations.add(article_id, start, start + len(item["quote"]),
                           [tags[t] for t in item["tags"]], memo=item.get("memo", ""))
