"""What undoing an import needs from the database: the imported article rows as stored
(the history's insert ops, so redo puts them back with the same ids and values), and
whatever has come to point at them since (which an undo must not delete unrecorded).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from app.store import schema
from app.store.ops import Op
from app.store.references import references_to

A = schema.Base.metadata.tables["article"]
CHUNK = 500


def insert_ops(session: Session, article_ids: Sequence[int]) -> list[Op]:
    """One insert op per article, holding its whole row as stored now (ids ascending)."""
    ops: list[Op] = []
    ids = sorted(article_ids)
    for start in range(0, len(ids), CHUNK):
        rows = session.execute(select(A).where(A.c.id.in_(ids[start:start + CHUNK]))
                               .order_by(A.c.id)).mappings()
        ops.extend(Op("insert", A.name, dict(row)) for row in rows)
    return ops


def dependents(session: Session, article_ids: Sequence[int]) -> dict[str, int]:
    """How many rows of each table point at these articles (highlights, revisions, note
    links ...), by table name; tables with none are left out."""
    found: dict[str, int] = {}
    ids = sorted(article_ids)
    for ref in references_to(A.name):
        column = ref.table.c[ref.column]
        total = 0
        for start in range(0, len(ids), CHUNK):
            clauses: list[Any] = [column.in_(ids[start:start + CHUNK])]
            if ref.when is not None:
                clauses.append(ref.table.c[ref.when[0]] == ref.when[1])
            total += int(session.scalar(select(func.count()).select_from(ref.table)
                                        .where(and_(*clauses))) or 0)
        if total:
            found[ref.table.name] = found.get(ref.table.name, 0) + total
    return found
