"""Flat exports of actors and agreements: CSV, XLSX and GraphML (for Gephi).

Rows arrive as plain mappings (column -> value) so that this layer needs no service
records; :mod:`app.services.actor_exports` builds them.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:  # openpyxl and networkx take ~340 ms to import: only when exporting
    import networkx as nx

EVIDENCE_COLUMNS = (
    "agreement_id", "agreement", "type", "status", "date", "value", "field", "party", "role",
    "stance", "article_id", "article_title", "outlet", "published", "start", "end", "quote",
    "note",
)
"""One row per evidence passage (a passage citing a party repeats that party)."""

ACTOR_COLUMNS = ("id", "name", "kind", "country", "country_en", "country_de", "external_id",
                 "aliases", "mentions", "articles", "description")

Row = Mapping[str, Any]


def safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formula injection in text cells (OWASP CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def write_csv(handle: IO[str], columns: Sequence[str], rows: Iterable[Row]) -> int:
    """Write a header and one line per row; returns the number of rows."""
    writer = csv.writer(handle)
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([safe_cell(row.get(c)) for c in columns])
        count += 1
    return count


def write_xlsx(path: Path, sheets: Mapping[str, tuple[Sequence[str], Iterable[Row]]]) -> Path:
    """One worksheet per entry (name -> (columns, rows)), bold frozen header row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for name, (columns, rows) in sheets.items():
        sheet = book.create_sheet(title=name[:31])
        sheet.append(list(columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for row in rows:
            sheet.append([safe_cell(row.get(c)) for c in columns])
    book.save(path)
    return path


def _attrs(values: Mapping[str, Any]) -> dict[str, Any]:
    """GraphML attributes must be str, int, float or bool: drop None, stringify others."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None:
            continue
        out[key] = value if isinstance(value, (str, int, float, bool)) else str(value)
    return out


def network(actors: Iterable[Row], agreements: Iterable[Row],
            roles: Iterable[tuple[int, int, str]]) -> nx.MultiDiGraph:
    """Actors and agreements as nodes ("actor:1", "agreement:2"); an edge per party role,
    from the actor to the agreement, labelled with the role."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    for actor in actors:
        graph.add_node(f"actor:{actor['id']}", **_attrs({**actor, "type": "actor",
                                                         "label": actor.get("name")}))
    for agreement in agreements:
        graph.add_node(f"agreement:{agreement['id']}",
                       **_attrs({**agreement, "type": "agreement",
                                 "label": agreement.get("title")}))
    for actor_id, agreement_id, role in roles:
        graph.add_edge(f"actor:{actor_id}", f"agreement:{agreement_id}", label=role, role=role)
    return graph


def write_graphml(path: Path, graph: nx.MultiDiGraph) -> Path:
    """Write GraphML that Gephi and yEd open."""
    import networkx as nx

    nx.write_graphml(graph, path, encoding="utf-8")
    return path
