"""Actors, mentions and agreements of the demo notebook, from ``seeds/actors.json``.

Passages are anchored by exact quote (its ``nth`` occurrence) in the seed articles; a
quote that is not found is logged and skipped, never guessed.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.services.notebook import Notebook

log = logging.getLogger(__name__)

ACTORS_FILE = "actors.json"


def seed_actors(nb: Notebook, ids: dict[str, int], seeds: Path) -> None:
    """Add the demo actors, their mentions and the agreements with evidence."""
    path = seeds / ACTORS_FILE
    if not path.exists():
        log.info("no %s in %s: the demo has no actors", ACTORS_FILE, seeds)
        return
    spec = json.loads(path.read_text(encoding="utf-8"))
    actors = _actors(nb, spec["actors"])
    for item in spec["mentions"]:
        where = _find(nb, ids, item)
        if where is not None:
            nb.actors.mark(where[0], where[1], where[2], actors[item["actor"]])
    for item in spec["agreements"]:
        _agreement(nb, ids, actors, item)


def _actors(nb: Notebook, items: list[dict[str, Any]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in items:
        actor, _ = nb.actors.create(item["name"], kind=item["kind"],
                                    country=item.get("country", ""),
                                    description=item.get("description", ""),
                                    external_id=item.get("external_id", ""))
        for name, language in item.get("aliases", []):
            nb.actors.add_alias(actor.id, name, language)
        out[item["key"]] = actor.id
    return out


def _find(nb: Notebook, ids: dict[str, int], item: dict[str, Any]) -> tuple[int, int, int] | None:
    article_id = ids[item["article"]]
    text = nb.articles.get(article_id).text
    start = -1
    for _ in range(item.get("nth", 0) + 1):
        start = text.find(item["quote"], start + 1)
        if start < 0:
            log.warning("demo quote not found in %s: %.40s", item["article"], item["quote"])
            return None
    return article_id, start, start + len(item["quote"])


def _agreement(nb: Notebook, ids: dict[str, int], actors: dict[str, int],
               item: dict[str, Any]) -> None:
    agreement, _ = nb.agreements.create(item["title"], item["type"], item.get("summary", ""),
                                        item.get("value", ""))
    parties = {}
    for key, role in item["parties"]:
        party, _ = nb.agreements.add_party(agreement.id, actors[key], role)
        parties[key] = party.id
    events = []
    for status, date, *note in item["events"]:
        event, _ = nb.agreements.add_event(agreement.id, status, date, note[0] if note else "")
        events.append(event.id)
    for ev in item["evidence"]:
        where = _find(nb, ids, ev)
        if where is None:
            continue
        nb.agreements.cite(agreement.id, *where, field=ev["field"], stance=ev["stance"],
                           party_id=parties.get(ev.get("party", "")),
                           event_id=events[ev["event"]] if "event" in ev else None)
