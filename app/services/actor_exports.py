"""Export actors and agreements: evidence CSV/XLSX, actors CSV, GraphML network, JSON.

Builds plain rows from the services and hands them to :mod:`app.export.actors`.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app.core.actor_records import Agreement
from app.export import actors as out
from app.export.tabular import write_json
from app.services.actors import ActorService
from app.services.agreements import AgreementService

log = logging.getLogger(__name__)


class ActorExports:
    """Writes the actor/agreement exports of one notebook."""

    def __init__(self, actors: ActorService, agreements: AgreementService) -> None:
        self._actors = actors
        self._agreements = agreements

    def evidence_rows(self) -> Iterator[dict[str, Any]]:
        """One row per evidence passage: agreement, field, party/role, stance, source, quote."""
        for agreement in self._agreements.list(sort="date"):
            parties = {p.id: p for p in agreement.parties}
            for ev in agreement.evidence:
                party = parties.get(ev.party_id) if ev.party_id is not None else None
                yield {**_agreement_cells(agreement), "field": ev.field,
                       "party": party.actor_name if party else "",
                       "role": party.role if party else "", "stance": ev.stance,
                       "article_id": ev.article_id, "article_title": ev.article_title,
                       "outlet": ev.outlet, "published": ev.published, "start": ev.start,
                       "end": ev.end, "quote": ev.quote, "note": ev.note}

    def actor_rows(self) -> Iterator[dict[str, Any]]:
        for actor in self._actors.list():
            yield {"id": actor.id, "name": actor.name, "kind": actor.kind,
                   "country": actor.country, "country_en": actor.country_en,
                   "country_de": actor.country_de, "external_id": actor.external_id,
                   "aliases": "; ".join(a.name for a in actor.aliases),
                   "mentions": actor.mention_count, "articles": actor.article_count,
                   "description": actor.description}

    def to_csv(self, folder: str | Path) -> list[Path]:
        """``evidence.csv`` and ``actors.csv`` in ``folder`` (created if needed)."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        evidence, actors = folder / "evidence.csv", folder / "actors.csv"
        with evidence.open("w", encoding="utf-8", newline="") as handle:
            out.write_csv(handle, out.EVIDENCE_COLUMNS, self.evidence_rows())
        with actors.open("w", encoding="utf-8", newline="") as handle:
            out.write_csv(handle, out.ACTOR_COLUMNS, self.actor_rows())
        return [evidence, actors]

    def to_xlsx(self, path: str | Path) -> Path:
        """A workbook with an "Evidence" and an "Actors" sheet."""
        return out.write_xlsx(Path(path), {
            "Evidence": (out.EVIDENCE_COLUMNS, self.evidence_rows()),
            "Actors": (out.ACTOR_COLUMNS, self.actor_rows())})

    def to_graphml(self, path: str | Path) -> Path:
        """The actor–agreement network (edges: party roles) as GraphML for Gephi."""
        agreements = self._agreements.list()
        roles = [(p.actor_id, a.id, p.role) for a in agreements for p in a.parties]
        nodes = [{"id": a.id, **_agreement_cells(a)} for a in agreements]
        for node in nodes:
            node.pop("agreement_id")
            node["title"] = node.pop("agreement")
        graph = out.network(self.actor_rows(), nodes, roles)
        return out.write_graphml(Path(path), graph)

    def to_json(self, path: str | Path) -> Path:
        """Every actor (with aliases) and agreement (with parties, events, evidence)."""
        document = {"actors": [dataclasses.asdict(a) for a in self._actors.list()],
                    "agreements": [dataclasses.asdict(a) for a in self._agreements.list()]}
        path = Path(path)
        with path.open("w", encoding="utf-8") as handle:
            write_json(handle, document)
        return path


def _agreement_cells(agreement: Agreement) -> dict[str, Any]:
    return {"agreement_id": agreement.id, "agreement": agreement.title,
            "type": agreement.type, "status": agreement.status, "date": agreement.date,
            "value": agreement.value.display()}
