"""A force-directed layout of a graph in pure Python (Fruchterman–Reingold on a grid).

Qt-free and without numpy: networkx's ``spring_layout`` and ``kamada_kawai_layout`` need
numpy (and scipy), which Dossier does not ship. This is the grid variant of Fruchterman and
Reingold's algorithm (1991): nodes repel only nodes within two ideal edge lengths (found
through a grid of cells of that size), edges pull their ends together, and a weak pull
towards the centre keeps unconnected nodes from drifting off. 700 nodes and 700 edges take
about a second; the work checks ``cancel`` and reports progress between iterations, so it
runs as a :class:`~app.gui.common.tasks.TaskRunner` task.

Nodes with a known position (laid out before, or dragged by the user) are *fixed*: they
push and pull the others but never move, so a new node settles next to its neighbours and
the rest of the picture stays where the user left it. The result depends only on the
input and the seed.
"""

from __future__ import annotations

import logging
import math
import random
from collections.abc import Callable, Hashable, Mapping, Sequence

from app.core.progress import ProgressEvent

log = logging.getLogger(__name__)

Point = tuple[float, float]

#: Ideal distance between two connected nodes, in scene pixels.
SPACING = 80.0

#: Width over height of the picture: a weaker pull towards the centre sideways makes it
#: wider than high, like the docks it is shown in and the labels that run to the right.
ASPECT = 1.8

#: Iterations for a full layout, and for placing a few new nodes among fixed ones.
FULL_ITERATIONS = 100
INCREMENTAL_ITERATIONS = 50


def force_layout(nodes: Sequence[Hashable], edges: Sequence[tuple[Hashable, Hashable]],
                 fixed: Mapping[Hashable, Point] | None = None, *, seed: int = 1,
                 spacing: float = SPACING, iterations: int | None = None,
                 progress: Callable[[ProgressEvent], None] | None = None,
                 cancel: Callable[[], None] | None = None) -> dict[Hashable, Point]:
    """Positions for ``nodes`` (scene pixels); nodes in ``fixed`` keep theirs.

    Args:
        nodes: every node key, in a stable order (the result depends on it).
        edges: pairs of node keys; pairs naming an unknown node are ignored.
        fixed: positions that must not change.
        seed: the random seed of the initial placement.
        spacing: the ideal edge length.
        iterations: how many steps (default: fewer when most nodes are fixed).
        progress: called with a :class:`ProgressEvent` every few iterations.
        cancel: called between iterations; raises to stop (``CancelToken.raise_if_cancelled``).
    """
    fixed = {key: pos for key, pos in (fixed or {}).items() if key in set(nodes)}
    index = {key: i for i, key in enumerate(nodes)}
    links = [(index[a], index[b]) for a, b in edges if a in index and b in index and a != b]
    free = [i for i, key in enumerate(nodes) if key not in fixed]
    if not free:
        return {key: fixed[key] for key in nodes}
    xs, ys = _initial(nodes, links, fixed, random.Random(seed), spacing)
    if iterations is None:
        iterations = FULL_ITERATIONS if len(free) * 4 > len(nodes) else INCREMENTAL_ITERATIONS
    _simulate(xs, ys, links, free, spacing, iterations, len(free) < len(nodes), progress,
              cancel)
    return {key: fixed.get(key, (xs[i], ys[i])) for i, key in enumerate(nodes)}


def _initial(nodes: Sequence[Hashable], links: list[tuple[int, int]],
             fixed: Mapping[Hashable, Point], rng: random.Random,
             spacing: float) -> tuple[list[float], list[float]]:
    """Fixed nodes where they are; the others, best connected first, next to the placed
    neighbours' centroid (or anywhere in the square the graph will roughly fill)."""
    count = len(nodes)
    neighbours: list[list[int]] = [[] for _ in range(count)]
    for a, b in links:
        neighbours[a].append(b)
        neighbours[b].append(a)
    xs, ys = [0.0] * count, [0.0] * count
    placed = [False] * count
    for i, key in enumerate(nodes):
        if key in fixed:
            xs[i], ys[i] = fixed[key]
            placed[i] = True
    half = spacing * math.sqrt(count) * 0.6
    cx = sum(p[0] for p in fixed.values()) / len(fixed) if fixed else 0.0
    cy = sum(p[1] for p in fixed.values()) / len(fixed) if fixed else 0.0
    order = sorted((i for i in range(count) if not placed[i]),
                   key=lambda i: (-len(neighbours[i]), i))
    for i in order:
        near = [j for j in neighbours[i] if placed[j]]
        if near:
            xs[i] = sum(xs[j] for j in near) / len(near) + rng.uniform(-1, 1) * spacing / 2
            ys[i] = sum(ys[j] for j in near) / len(near) + rng.uniform(-1, 1) * spacing / 2
        else:
            xs[i] = cx + rng.uniform(-half, half) * ASPECT
            ys[i] = cy + rng.uniform(-half, half)
        placed[i] = True
    return xs, ys


def _simulate(xs: list[float], ys: list[float], links: list[tuple[int, int]], free: list[int],
              k: float, iterations: int, incremental: bool,
              progress: Callable[[ProgressEvent], None] | None,
              cancel: Callable[[], None] | None) -> None:
    """Move the ``free`` nodes ``iterations`` times, the step shrinking linearly."""
    count = len(xs)
    # A step of a tenth of the picture's width at first (FR's temperature); small steps
    # when only a few nodes are new, so they settle locally instead of crossing the picture.
    start = k * 2 if incremental else k * math.sqrt(count) * 0.12
    gravity = 0.8 / (math.sqrt(count) * 0.6)
    movers = set(free)
    moving_links = [(a, b) for a, b in links if a in movers or b in movers]
    for step in range(iterations):
        if cancel is not None:
            cancel()
        dx, dy = [0.0] * count, [0.0] * count
        if incremental:
            _repel_some(xs, ys, free, k, dx, dy)
        else:
            _repel_all(xs, ys, k, dx, dy)
        _attract(xs, ys, moving_links, k, dx, dy)
        heat = start * (1 - step / iterations) + k * 0.02
        cx, cy = sum(xs) / count, sum(ys) / count
        for i in free:
            fx = dx[i] - (xs[i] - cx) * gravity / (ASPECT * ASPECT)
            fy = dy[i] - (ys[i] - cy) * gravity
            length = math.hypot(fx, fy)
            if length > 0:
                move = min(length, heat) / length
                xs[i] += fx * move
                ys[i] += fy * move
        if progress is not None and (step % 10 == 0 or step == iterations - 1):
            progress(ProgressEvent(step + 1, iterations, "Laying out the network…"))


def _grid(xs: list[float], ys: list[float], cell: float) -> dict[tuple[int, int], list[int]]:
    grid: dict[tuple[int, int], list[int]] = {}
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        grid.setdefault((int(x // cell), int(y // cell)), []).append(i)
    return grid


#: Half of the 3 x 3 neighbourhood: each pair of cells is visited once.
_HALF = ((1, -1), (1, 0), (1, 1), (0, 1))


def _repel_all(xs: list[float], ys: list[float], k: float, dx: list[float],
               dy: list[float]) -> None:
    """Repulsion k²/d between every two nodes closer than 2k, each pair visited once."""
    cell = 2 * k
    k2, reach2 = k * k, cell * cell
    grid = _grid(xs, ys, cell)
    for (gx, gy), members in grid.items():
        for n, i in enumerate(members):
            others = members[n + 1:]
            for ox, oy in _HALF:
                others = others + grid.get((gx + ox, gy + oy), [])
            xi, yi = xs[i], ys[i]
            for j in others:
                ex, ey = xi - xs[j], yi - ys[j]
                d2 = ex * ex + ey * ey
                if d2 >= reach2:
                    continue
                if d2 < 1e-4:  # two nodes on one spot: push apart in a fixed direction
                    ex, ey, d2 = 1e-2, 1e-2, 2e-4
                scale = k2 / d2  # k²/d along the unit vector
                ex *= scale
                ey *= scale
                dx[i] += ex
                dy[i] += ey
                dx[j] -= ex
                dy[j] -= ey


def _repel_some(xs: list[float], ys: list[float], movers: list[int], k: float,
                dx: list[float], dy: list[float]) -> None:
    """Repulsion on the moving nodes only (the fixed ones need no force)."""
    cell = 2 * k
    k2, reach2 = k * k, cell * cell
    grid = _grid(xs, ys, cell)
    for i in movers:
        xi, yi = xs[i], ys[i]
        gx, gy = int(xi // cell), int(yi // cell)
        for ox in (-1, 0, 1):
            for oy in (-1, 0, 1):
                for j in grid.get((gx + ox, gy + oy), ()):
                    ex, ey = xi - xs[j], yi - ys[j]
                    d2 = ex * ex + ey * ey
                    if j == i or d2 >= reach2:
                        continue
                    if d2 < 1e-4:
                        ex, ey, d2 = (1e-2 if i < j else -1e-2), 1e-2, 2e-4
                    scale = k2 / d2
                    dx[i] += ex * scale
                    dy[i] += ey * scale


def _attract(xs: list[float], ys: list[float], links: list[tuple[int, int]], k: float,
             dx: list[float], dy: list[float]) -> None:
    """Attraction d²/k along every edge."""
    for a, b in links:
        ex, ey = xs[a] - xs[b], ys[a] - ys[b]
        scale = math.hypot(ex, ey) / k  # d²/k along the unit vector
        dx[a] -= ex * scale
        dy[a] -= ey * scale
        dx[b] += ex * scale
        dy[b] += ey * scale
