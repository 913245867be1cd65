"""What the network view shows: the filter, the kept positions, the records from the
worker thread, and the scene made from them a slice at a time.

:func:`load_network` runs on the task runner's thread (reading the notebook and laying out
the nodes without a position); :class:`SceneBuilder` makes the items on the GUI thread in
slices of a few milliseconds, so neither blocks the window.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSettings
from PySide6.QtWidgets import QGraphicsScene

from app.core.actor_records import Actor, Agreement
from app.core.dates import overlaps
from app.gui.actors.graph_layout import force_layout
from app.gui.actors.network_items import (
    AGREEMENT_COLOUR,
    KIND_COLOURS,
    ActorNode,
    AgreementNode,
    EdgeItem,
    NodeItem,
    NodeKey,
)

if TYPE_CHECKING:
    from app.services import Notebook

log = logging.getLogger(__name__)

SETTINGS_PREFIX = "network/positions/"
Point = tuple[float, float]


@dataclass(frozen=True)
class NetworkFilter:
    """What the network shows: "" (or None) for "any"; dates are partial dates."""

    kind: str = ""
    type: str = ""
    status: str = ""
    date_from: str | None = None
    date_to: str | None = None

    @property
    def filters_agreements(self) -> bool:
        return bool(self.type or self.status or self.date_from or self.date_to)

    def keeps_agreement(self, agreement: Agreement) -> bool:
        """Type and status match; a date range keeps agreements with an event in it."""
        if self.type and agreement.type != self.type:
            return False
        if self.status and agreement.status != self.status:
            return False
        if self.date_from or self.date_to:
            dates = [e.date for e in agreement.events if e.date] or [agreement.date]
            return any(overlaps(d, self.date_from, self.date_to) for d in dates if d)
        return True


def notebook_key(nb: Notebook) -> str:
    """A settings key for one notebook: a digest of where it was opened from."""
    location = str(nb.path) if getattr(nb, "path", None) else str(getattr(nb, "url", nb.name))
    return SETTINGS_PREFIX + hashlib.sha256(location.encode()).hexdigest()[:16]


class NetworkPositions:
    """Every node's position, and which ones the user placed by hand, per notebook.

    Kept in the window's ``QSettings`` under a digest of the notebook's location (a
    plain dict when there are no settings, as in widget tests)."""

    def __init__(self, settings: QSettings | None, key: str) -> None:
        self._settings, self._key = settings, key
        self.positions: dict[NodeKey, Point] = {}
        self.pinned: set[NodeKey] = set()
        self._load()

    @staticmethod
    def _name(key: NodeKey) -> str:
        return f"{key[0]}:{key[1]}"

    @staticmethod
    def _parse(name: str) -> NodeKey:
        kind, _, number = name.partition(":")
        return kind, int(number)

    def _load(self) -> None:
        raw = self._settings.value(self._key, "") if self._settings is not None else ""
        if not raw:
            return
        try:
            data = json.loads(str(raw))
            self.positions = {self._parse(k): (float(v[0]), float(v[1]))
                              for k, v in data["positions"].items()}
            self.pinned = {self._parse(k) for k in data["pinned"]}
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            log.warning("network positions in settings %s are unreadable (%s): laying out "
                        "anew", self._key, exc)
            self.positions, self.pinned = {}, set()

    def save(self) -> None:
        if self._settings is None:
            return
        data = {"positions": {self._name(k): [round(x, 1), round(y, 1)]
                              for k, (x, y) in self.positions.items()},
                "pinned": sorted(self._name(k) for k in self.pinned)}
        self._settings.setValue(self._key, json.dumps(data, separators=(",", ":")))

    def forget(self, keep_pinned: bool) -> None:
        """Drop positions (those of dragged nodes too unless ``keep_pinned``)."""
        if keep_pinned:
            self.positions = {k: p for k, p in self.positions.items() if k in self.pinned}
        else:
            self.positions, self.pinned = {}, set()
        self.save()


@dataclass(frozen=True)
class NetworkData:
    """What the worker hands back: the records and every node's position."""

    actors: tuple[Actor, ...]
    agreements: tuple[Agreement, ...]
    positions: dict[NodeKey, Point]
    laid_out: frozenset[NodeKey]  # nodes that had no position before this run


def load_network(nb: Notebook, known: Mapping[NodeKey, Point], progress: Any,
                 cancel: Any) -> NetworkData:
    """Worker thread: read actors and agreements, lay out the nodes without a position.

    Reading runs here too: with 500 actors and 200 agreements it alone took 130 ms on a
    busy machine, more than a GUI frame may wait.
    """
    agreements = tuple(nb.agreements.list(sort="date"))
    actors = tuple(sorted(nb.actors.list(), key=lambda a: (a.name.casefold(), a.id)))
    cancel.raise_if_cancelled()
    keys: list[NodeKey] = ([("agreement", a.id) for a in agreements] +
                           [("actor", a.id) for a in actors])
    links: list[tuple[NodeKey, NodeKey]] = [(("actor", p.actor_id), ("agreement", a.id))
                                            for a in agreements for p in a.parties]
    fixed: dict[Hashable, Point] = {k: known[k] for k in keys if k in known}
    missing = frozenset(k for k in keys if k not in fixed)
    if missing:
        placed = force_layout(keys, links, fixed, progress=progress,
                              cancel=cancel.raise_if_cancelled)
    else:
        placed = fixed
    return NetworkData(actors, agreements, {k: placed[k] for k in keys}, missing)


class SceneBuilder:
    """Makes the items of a new scene a slice at a time; the view swaps it in when done."""

    def __init__(self, data: NetworkData, positions: Mapping[NodeKey, Point],
                 on_hover: Callable[..., None], parent: QObject) -> None:
        self.data = data
        self.scene = QGraphicsScene(parent)
        self.nodes: dict[NodeKey, NodeItem] = {}
        self.edges: list[EdgeItem] = []
        self._positions = positions
        self._on_hover = on_hover
        self._work = iter(self._items())

    def _items(self) -> Iterator[None]:
        for agreement in self.data.agreements:
            self._add(AgreementNode(("agreement", agreement.id), agreement.title,
                                    _agreement_tooltip(agreement), AGREEMENT_COLOUR))
            yield None
        for actor in self.data.actors:
            self._add(ActorNode(("actor", actor.id), actor.name, f"{actor.name} ({actor.kind})",
                                KIND_COLOURS.get(actor.kind, "#9c9c9c")))
            yield None
        for agreement in self.data.agreements:
            for party in agreement.parties:
                edge = EdgeItem(self.nodes[("actor", party.actor_id)],
                                self.nodes[("agreement", agreement.id)], party.role)
                self.scene.addItem(edge)
                self.edges.append(edge)
                yield None

    def _add(self, node: NodeItem) -> None:
        x, y = self._positions.get(node.key, self.data.positions[node.key])
        node.setPos(x, y)
        node.on_hover = self._on_hover
        self.scene.addItem(node)
        self.nodes[node.key] = node

    def step(self, budget_s: float) -> bool:
        """Make items for about ``budget_s`` seconds; True when every item is made."""
        until = time.perf_counter() + budget_s
        for count, _ in enumerate(self._work):
            if count % 16 == 15 and time.perf_counter() > until:
                return False
        return True


def _agreement_tooltip(agreement: Agreement) -> str:
    parts = [agreement.title, agreement.type]
    if agreement.status:
        parts.append(f"{agreement.status} {agreement.date}".strip())
    return " — ".join(parts)
