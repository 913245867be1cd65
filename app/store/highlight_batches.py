"""Many new highlights and tag links at once, for bulk imports (REFI-QDA projects).

:func:`app.store.highlights.insert` reads each row back after inserting it (one
statement pair per row, about 1 ms each): fine for an edit, too slow for 50,000 coded
selections. Here each chunk is one multi-row INSERT with ``RETURNING`` of the new ids in
the rows' order. The rows are still recorded as ops, so the edit's ``Changes`` and the
search documents it makes stale are derived as for any other edit. Never commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import insert

from app.core.ids import HighlightId
from app.store import schema
from app.store.ops import Op, Recorder
from app.store.versioning import bookkeeping, is_versioned

_TABLES = schema.Base.metadata.tables
H, HT = _TABLES["highlight"], _TABLES["highlight_tag"]
CHUNK = 500


def _chunks(rows: Sequence[Mapping[str, object]]) -> Iterable[Sequence[Mapping[str, object]]]:
    return (rows[i : i + CHUNK] for i in range(0, len(rows), CHUNK))


def insert_highlights(rec: Recorder, rows: Sequence[Mapping[str, object]]) -> list[HighlightId]:
    """Insert highlight rows (every column but ``id``, validated by the caller); their
    new ids in the order given."""
    out: list[HighlightId] = []
    statement = insert(H).returning(H.c.id, sort_by_parameter_order=True)
    if is_versioned(H):  # stamped as the recorder stamps one insert
        stamp = bookkeeping(rec.author, 1)
        rows = [{**stamp, **row} for row in rows]
    for chunk in _chunks(rows):
        ids = [HighlightId(int(i)) for i in rec.session.scalars(statement, list(chunk))]
        rec.ops.extend(Op("insert", H.name, {**row, "id": i})
                       for row, i in zip(chunk, ids, strict=True))
        out.extend(ids)
    return out


def link_tags(rec: Recorder, links: Iterable[tuple[int, int]]) -> None:
    """Insert ``(highlight id, tag id)`` links for new highlights (no duplicates given)."""
    rows = [{"highlight_id": h, "tag_id": t} for h, t in dict.fromkeys(links)]
    for chunk in _chunks(rows):
        rec.session.execute(insert(HT), list(chunk))
    rec.ops.extend(Op("insert", HT.name, row) for row in rows)
