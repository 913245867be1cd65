"""What a reader knows beyond tags: which highlights mark actor mentions or agreement
evidence, the tooltips naming them, and the anchors synchronised scrolling lines up."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from PySide6.QtCore import QEvent
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QToolTip

from app.core.actor_records import Evidence
from app.core.errors import NotFound
from app.gui.annotate.highlighter import IS_EVIDENCE, IS_MENTION
from app.gui.common.controller import NotebookController
from app.gui.reader.find import ReaderFind


class ReaderOverlays(ReaderFind):
    """Actor mentions and agreement evidence of the article shown."""

    _controller: NotebookController
    _article_id: int
    _mentions: dict[int, list[int]]  # highlight id -> actor ids
    _evidence: dict[int, list[Evidence]]  # highlight id -> evidence

    def _load_overlays(self) -> None:
        """Read which highlights of the article name actors or are agreement evidence."""
        nb = self._controller.nb
        mentions: dict[int, list[int]] = defaultdict(list)
        for mention in nb.actors.mentions_in(self._article_id):
            mentions[mention.highlight_id].append(mention.actor_id)
        evidence: dict[int, list[Evidence]] = defaultdict(list)
        for item in nb.agreements.evidence_in(self._article_id):
            evidence[item.highlight_id].append(item)
        self._mentions, self._evidence = dict(mentions), dict(evidence)

    def _flags(self, highlight_id: int) -> int:
        return ((IS_MENTION if highlight_id in self._mentions else 0)
                | (IS_EVIDENCE if highlight_id in self._evidence else 0))

    def _refresh_flags(self) -> None:
        """Redraw the marks whose mention or evidence state no longer matches."""
        renderer = self.renderer
        for mark in renderer.index.marks():
            flags = self._flags(mark.id)
            if mark.flags != flags:
                renderer.add_mark(mark._replace(flags=flags))

    def mention_actor_ids(self, highlight_id: int) -> list[int]:
        """Actors the highlight is marked as naming (empty if none)."""
        return list(self._mentions.get(highlight_id, ()))

    def evidence_for(self, highlight_id: int) -> list[Evidence]:
        """Agreement evidence the highlight is cited as (empty if none)."""
        return list(self._evidence.get(highlight_id, ()))

    def evidence_stance(self, highlight_id: int) -> str:
        """The stance its marker shows: "contradicts" if any, else "supports" if any."""
        stances = {e.stance for e in self._evidence.get(highlight_id, ())}
        for stance in ("contradicts", "supports"):
            if stance in stances:
                return stance
        return "mentions" if stances else ""

    def describe(self, highlight_id: int) -> str:
        """Tooltip lines for a highlight: the actors it names and the agreements it backs."""
        nb = self._controller.nb
        lines = []
        for actor_id in self._mentions.get(highlight_id, ()):
            try:
                lines.append(f"Actor: {nb.actors.get(actor_id).name}")
            except NotFound:
                continue
        for item in self._evidence.get(highlight_id, ()):
            try:
                title = nb.agreements.get(item.agreement_id).title
            except NotFound:
                continue
            field = "" if item.field in ("", "agreement") else f", {item.field}"
            lines.append(f"Evidence for „{title}“ ({item.stance}{field})")
        return "\n".join(lines)

    def tooltip_at(self, cp: int) -> str:
        """What hovering code point ``cp`` shows: actors and agreements of the highlights
        there, innermost first (empty if none)."""
        lines = [self.describe(h) for h in self.highlight_ids_at(cp)
                 if h in self._mentions or h in self._evidence]
        return "\n".join(line for line in lines if line)

    def viewportEvent(self, event: QEvent) -> bool:
        """Hovering a mention or evidence passage names its actors and agreements."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            pos = self.cursorForPosition(event.pos()).position()
            text = ""
            if self.highlight_at_qt(pos):
                text = self.tooltip_at(self._positions.from_qt(pos))
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def anchors(self) -> dict[tuple[Any, ...], int]:
        """Passages that identify one claim across articles, by key: code-point midpoint.

        Evidence is keyed by what it backs (agreement, field, party, event); an actor is
        an anchor only where the article mentions it once (several mentions of one
        actor say nothing about which lines correspond). A key cited by several
        passages of the article keeps the first.
        """
        index = self.renderer.index
        out: dict[tuple[Any, ...], int] = {}
        for highlight_id, items in self._evidence.items():
            mark = index.get(highlight_id)
            for item in items if mark else ():
                key = ("evidence", item.agreement_id, item.field, item.party_id, item.event_id)
                mid = self._positions.from_qt((mark.start + mark.end) // 2)
                out[key] = min(out.get(key, mid), mid)
        counts: dict[int, int] = defaultdict(int)
        for actor_ids in self._mentions.values():
            for actor_id in actor_ids:
                counts[actor_id] += 1
        for highlight_id, actor_ids in self._mentions.items():
            mark = index.get(highlight_id)
            for actor_id in actor_ids if mark else ():
                if counts[actor_id] == 1:
                    out[("actor", actor_id)] = self._positions.from_qt(
                        (mark.start + mark.end) // 2)
        return out
