"""How a search index differs from the database: missing, extra, stale and duplicate
documents, as ``(kind, id)`` refs (for ``check`` and the repair on open)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from app.store.outbox import DocRef


@dataclass(frozen=True, slots=True)
class Drift:
    """How the index differs from the database, as ``(kind, id)`` documents.

    Attributes:
        missing: in the database, not in the index.
        extra: in the index, not in the database.
        stale: indexed at another revision than the database's.
        duplicates: indexed more than once.
    """

    missing: tuple[DocRef, ...] = ()
    extra: tuple[DocRef, ...] = ()
    stale: tuple[DocRef, ...] = ()
    duplicates: tuple[DocRef, ...] = ()

    @property
    def refs(self) -> tuple[DocRef, ...]:
        """Every document to rewrite (or remove) to repair the index."""
        return tuple(dict.fromkeys(self.missing + self.extra + self.stale + self.duplicates))


def compare(entries: Iterable[tuple[str, int, int]], revisions: dict[DocRef, int]) -> Drift:
    """The drift between index entries ``(kind, id, rev)`` and the database's revisions."""
    counts: Counter[DocRef] = Counter()
    indexed: dict[DocRef, int] = {}
    for kind, doc_id, rev in entries:
        counts[(kind, doc_id)] += 1
        indexed[(kind, doc_id)] = rev
    return Drift(
        missing=tuple(sorted(set(revisions) - set(indexed))),
        extra=tuple(sorted(set(indexed) - set(revisions))),
        stale=tuple(sorted(r for r, rev in indexed.items()
                           if r in revisions and revisions[r] != rev)),
        duplicates=tuple(sorted(r for r, n in counts.items() if n > 1)))


