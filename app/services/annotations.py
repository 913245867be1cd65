"""Highlights: code-point spans with quote selectors, Markdown memos and many tags."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from app.core.changes import Changes
from app.core.errors import NotFound, ValidationError
from app.core.ids import HighlightId, TagId
from app.core.records import Highlight, HighlightSpan, Passage
from app.core.text import quote, text_sha256
from app.services.conflicts import expect
from app.services.tags import TagService
from app.services.unit import Transaction, Writer
from app.store import articles, highlights, tags
from app.store.engine import translated_errors
from app.store.sessions import Session, Sessions


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _colour(value: str) -> str:
    value = value.strip()
    if value and not (len(value) == 7 and value[0] == "#" and
                      all(c in "0123456789abcdefABCDEF" for c in value[1:])):
        raise ValidationError(f"{value!r} is not a colour like #ffcc00")
    return value.lower()


class AnnotationService:
    """Add, edit and delete highlights; list passages by tag."""

    def __init__(self, sessions: Sessions, writer: Writer, tag_service: TagService,
                 author: str) -> None:
        self._sessions = sessions
        self._writer = writer
        self._tags = tag_service
        self.author = author

    def highlights_for(self, article_id: int) -> list[Highlight]:
        """All highlights of an article, sorted by start then end."""
        with translated_errors(), self._sessions() as session:
            return highlights.of_article(session, article_id)

    def spans_for(self, article_id: int) -> list[HighlightSpan]:
        """Every highlight of an article as a lean span (no memo, no quote selectors),
        sorted by start then end: the fast read for drawing readers."""
        with translated_errors(), self._sessions() as session:
            return highlights.spans(session, article_id)

    def get(self, highlight_id: int) -> Highlight:
        with translated_errors(), self._sessions() as session:
            return self._get(session, highlight_id)

    @staticmethod
    def _get(session: Session, highlight_id: int) -> Highlight:
        found = highlights.get(session, highlight_id)
        if found is None:
            raise NotFound(f"highlight {highlight_id} does not exist")
        return found

    def add(self, article_id: int, start: int, end: int, tag_ids: Iterable[int] = (),
            memo: str = "", colour: str = "") -> tuple[Highlight, Changes]:
        """Highlight ``[start, end)`` (code points) of an article, with tags."""
        tag_ids = list(dict.fromkeys(tag_ids))
        with self._writer.edit(self._label_add(tag_ids)) as tx:
            hid = self.add_in(tx, article_id, start, end, tag_ids, memo, colour)
        return self.get(hid), tx.changes

    def add_in(self, tx: Transaction, article_id: int, start: int, end: int,
               tag_ids: Iterable[int], memo: str = "", colour: str = "") -> int:
        """Insert a highlight inside an open transaction; returns its id."""
        text = articles.text_of(tx.session, article_id)
        if text is None:
            raise NotFound(f"article {article_id} does not exist")
        hid = highlights.insert(
            tx.rec, article_id, start, end, quote(text, start, end),
            text_sha256=text_sha256(text), colour=_colour(colour), memo=memo,
            author=self.author, now=_now())
        self._link(tx, hid, tag_ids)
        return int(hid)

    def tag_passage(self, article_id: int, start: int, end: int,
                    tag_path: str) -> tuple[Highlight, Changes]:
        """Quick tag in one undo step: get or create the tag at ``tag_path``, then add it to
        the highlight with exactly this span, or to a new highlight."""
        with self._writer.edit(f"add tag '{_path_label(tag_path)}'") as tx:
            tag_id = self._tags.ensure_in(tx, tag_path)
            hid, _created = self.ensure_at_span(tx, article_id, start, end)
            self._link(tx, hid, [tag_id])
        return self.get(hid), tx.changes

    def tag_articles(self, article_ids: Iterable[int], tag_path: str) -> Changes:
        """Tag whole articles (a highlight over each whole text, as QDA tools code a whole
        document) in one undo step."""
        ids = sorted(set(article_ids))
        with self._writer.edit(
                f"add tag '{_path_label(tag_path)}' to {len(ids)} articles") as tx:
            found = articles.summaries(tx.session, ids)
            if len(found) != len(ids):
                missing = sorted(set(ids) - {s.id for s in found})
                raise NotFound(f"article {missing[0]} does not exist")
            tag_id = self._tags.ensure_in(tx, tag_path)
            for summary in found:
                hid, _created = self.ensure_at_span(tx, summary.id, 0, summary.char_count)
                self._link(tx, hid, [tag_id])
        return tx.changes

    def ensure_at_span(self, tx: Transaction, article_id: int, start: int,
                       end: int) -> tuple[HighlightId, bool]:
        """Inside a transaction: the highlight at exactly ``[start, end)``, else a new one
        (quote selectors and author as :meth:`add`, no tags). Returns (id, was created).

        The one rule behind tagging, marking as actor, citing and adding evidence: a
        passage reused by several features stays one highlight.
        """
        found = highlights.at_span(tx.session, article_id, start, end)
        if found is not None:
            return found, False
        return HighlightId(self.add_in(tx, article_id, start, end, [])), True

    def _label_add(self, tag_ids: list[int]) -> str:
        if not tag_ids:
            return "add highlight"
        names = self._tag_names(tag_ids)
        return "add tag " + ", ".join(f"'{n}'" for n in names)

    def _tag_names(self, tag_ids: Iterable[int]) -> list[str]:
        with translated_errors(), self._sessions() as session:
            paths = tags.paths(session)
        return [paths.get(TagId(t), f"#{t}").rsplit("/", 1)[-1] for t in tag_ids]

    def _link(self, tx: Transaction, highlight_id: int, tag_ids: Iterable[int]) -> None:
        """Add tags to a highlight; every tag must exist."""
        wanted = list(tag_ids)
        known = tags.ids(tx.session)
        missing = next((t for t in wanted if t not in known), None)
        if missing is not None:
            raise NotFound(f"tag {missing} does not exist")
        highlights.add_tags(tx.rec, highlight_id, wanted)

    def _touch(self, tx: Transaction, highlight_id: int, **values: object) -> None:
        self._get(tx.session, highlight_id)
        highlights.update(tx.rec, highlight_id, {**values, "modified_at": _now()})

    def set_memo(self, highlight_id: int, memo: str, seen: Highlight | None = None
                 ) -> Changes:
        """Set a highlight's memo. ``seen``, the highlight as the user saw it, makes it
        a versioned write: a memo a colleague changed meanwhile raises ConflictError
        (see :mod:`app.services.conflicts`); a highlight deleted meanwhile comes back."""
        with self._writer.edit("edit memo") as tx:
            if seen is not None and seen.memo != memo:
                expect(tx, seen)
                highlights.update(tx.rec, highlight_id, {"memo": memo, "modified_at": _now()})
            elif seen is None and self._get(tx.session, highlight_id).memo != memo:
                self._touch(tx, highlight_id, memo=memo)
        return tx.changes

    def set_colour(self, highlight_id: int, colour: str, seen: Highlight | None = None
                   ) -> Changes:
        """Set a highlight's colour (``seen``: a versioned write, as :meth:`set_memo`)."""
        with self._writer.edit("change highlight colour") as tx:
            expect(tx, seen)
            self._touch(tx, highlight_id, colour=_colour(colour))
        return tx.changes

    def add_tags(self, highlight_id: int, tag_ids: Iterable[int]) -> Changes:
        tag_ids = list(dict.fromkeys(tag_ids))
        with self._writer.edit(self._label_add(tag_ids)) as tx:
            self._get(tx.session, highlight_id)
            self._link(tx, highlight_id, tag_ids)
        return tx.changes

    def remove_tags(self, highlight_id: int, tag_ids: Iterable[int]) -> Changes:
        tag_ids = list(dict.fromkeys(tag_ids))
        names = ", ".join(f"'{n}'" for n in self._tag_names(tag_ids))
        with self._writer.edit(f"remove tag {names}") as tx:
            self._get(tx.session, highlight_id)
            highlights.remove_tags(tx.rec, highlight_id, tag_ids)
        return tx.changes

    def delete(self, highlight_id: int, seen: Highlight | None = None) -> Changes:
        """Delete a highlight with its links. With ``seen`` (the highlight as the user saw
        it), refused (ConflictError) when a colleague changed it since."""
        with self._writer.edit("delete highlight") as tx:
            expect(tx, seen)
            self.delete_in(tx, highlight_id)
        return tx.changes

    @staticmethod
    def delete_in(tx: Transaction, highlight_id: int) -> None:
        """Inside a transaction: delete a highlight, its tag links and every row of other
        features that points at it (recorded, so undo restores them all)."""
        if highlights.get(tx.session, highlight_id) is None:
            raise NotFound(f"highlight {highlight_id} does not exist")
        highlights.delete(tx.rec, [highlight_id])

    def passages_with_tag(self, tag_id: int, include_descendants: bool = True) -> list[Passage]:
        """Every highlight carrying the tag (or a descendant), across articles."""
        with translated_errors(), self._sessions() as session:
            wanted = tags.subtree_ids(session, tag_id) if include_descendants else {tag_id}
            return highlights.passages_with_tags(session, wanted)


def _path_label(tag_path: str) -> str:
    """The tag path as undo labels show it ("Diplomatie/Botschaft", not just "Botschaft")."""
    return "/".join(part.strip() for part in tag_path.split("/") if part.strip())
