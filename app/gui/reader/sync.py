"""Synchronised scrolling of reader panes: scroll values that correspond across articles.

Anchors are passages that identify one claim in several articles (see
:meth:`~app.gui.reader.overlays.ReaderOverlays.anchors`); between and without them the
panes move proportionally.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Any


def increasing_chain(pairs: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """Longest chain of pairs strictly increasing in both coordinates (O(n log n)).

    Anchors that cross (the second article reports two claims in the other order)
    cannot both be aligned; the longest consistent chain keeps the most of them.
    """
    ordered = sorted(pairs, key=lambda p: (p[0], -p[1]))
    tails: list[float] = []  # smallest second coordinate ending a chain of each length
    tail_index: list[int] = []
    parent: list[int] = []
    for i, (_x, y) in enumerate(ordered):
        k = bisect_left(tails, y)
        parent.append(tail_index[k - 1] if k else -1)
        if k == len(tails):
            tails.append(y)
            tail_index.append(i)
        else:
            tails[k], tail_index[k] = y, i
    chain, i = [], tail_index[-1] if tail_index else -1
    while i >= 0:
        chain.append(ordered[i])
        i = parent[i]
    return chain[::-1]


def sync_points(source: tuple[float, float], target: tuple[float, float],
                anchors_source: dict[Any, float],
                anchors_target: dict[Any, float]) -> list[tuple[float, float]]:
    """Corresponding scroll values of two panes: ``(0, 0)``, one point per anchor shared
    by both (its y minus a third of the viewport: the reading line), ``(max, max)``.

    ``source`` and ``target`` are ``(scroll maximum, viewport height)``. Anchors outside
    the scroll range or crossing others are left out, so the points increase strictly.
    """
    (max_s, height_s), (max_t, height_t) = source, target
    pairs = [(anchors_source[k] - height_s / 3, anchors_target[k] - height_t / 3)
             for k in anchors_source.keys() & anchors_target.keys()]
    inside = [(a, b) for a, b in pairs if 0 < a < max_s and 0 < b < max_t]
    return [(0.0, 0.0), *increasing_chain(inside), (float(max_s), float(max_t))]


def map_scroll(value: float, points: Sequence[tuple[float, float]]) -> float:
    """Piecewise-linear map of a scroll value through increasing ``points``."""
    xs = [x for x, _ in points]
    i = min(max(bisect_right(xs, value), 1), len(points) - 1)
    (x0, y0), (x1, y1) = points[i - 1], points[i]
    if x1 <= x0:
        return y1
    return y0 + (min(max(value, x0), x1) - x0) * (y1 - y0) / (x1 - x0)
