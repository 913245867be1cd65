"""A segment's matching documents and their scores, as bulk scoring passes them
around (see :mod:`app.search.bulk`): two numpy arrays, not a dictionary per posting."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np


class Scores(NamedTuple):
    """Documents of one segment and their scores."""

    ids: Any
    """Segment document numbers (numpy int64, ascending, each once)."""
    scores: Any
    """Each document's score (numpy float64)."""

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def of(cls, scores: dict[int, float]) -> Scores:
        """From ``docnum -> score``."""
        ids = np.fromiter(scores, np.int64, len(scores))
        values = np.fromiter(scores.values(), np.float64, len(scores))
        order = np.argsort(ids, kind="stable")
        return cls(ids[order], values[order])

    def times(self, boost: float) -> Scores:
        """Every score times ``boost`` (as Whoosh boosts a matcher's scores)."""
        return self if boost == 1.0 else Scores(self.ids, self.scores * boost)

    def where(self, keep: Any) -> Scores:
        return Scores(self.ids[keep], self.scores[keep])


NONE = Scores(np.zeros(0, np.int64), np.zeros(0, np.float64))
