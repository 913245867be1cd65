"""Highlights: code-point spans with quote selectors, Markdown memos and many tags."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session, sessionmaker

from app.core.changes import Changes
from app.core.errors import NotFound, ValidationError
from app.core.ids import HighlightId, TagId
from app.core.records import Highlight, HighlightSpan, Passage
from app.core.text import quote, text_sha256
from app.services import convert
from app.services.tags import TagService
from app.services.unit import Transaction, Writer, delete_highlight_dependents
from app.store import highlights, schema
from app.store.engine import translated_errors
from app.store.queries import highlight_tag_ids, tag_paths, tag_subtree_ids

A, H, HT, T = schema.article, schema.highlight, schema.highlight_tag, schema.tag


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _colour(value: str) -> str:
    value = value.strip()
    if value and not (len(value) == 7 and value[0] == "#" and
                      all(c in "0123456789abcdefABCDEF" for c in value[1:])):
        raise ValidationError(f"{value!r} is not a colour like #ffcc00")
    return value.lower()


def _tag_ids(joined: str | None) -> tuple[TagId, ...]:
    """Sorted tag ids from an aggregated "3,1,2" (None: no tags)."""
    if not joined:
        return ()
    return tuple(sorted(TagId(int(t)) for t in joined.split(",")))


class AnnotationService:
    """Add, edit and delete highlights; list passages by tag."""

    def __init__(self, sessions: sessionmaker[Session], writer: Writer, tags: TagService,
                 author: str) -> None:
        self._sessions = sessions
        self._writer = writer
        self._tags = tags
        self.author = author

    def highlights_for(self, article_id: int) -> list[Highlight]:
        """All highlights of an article, sorted by start then end."""
        with translated_errors(), self._sessions() as session:
            rows = session.execute(
                select(H).where(H.c.article_id == article_id).order_by(H.c.start, H.c.end, H.c.id)
            ).mappings().all()
            tags = highlight_tag_ids(session, [r["id"] for r in rows])
            return [convert.highlight(r, tags.get(r["id"], ())) for r in rows]

    def spans_for(self, article_id: int) -> list[HighlightSpan]:
        """Every highlight of an article as a lean span, sorted by start then end.

        One grouped query (tag ids aggregated per highlight): about five times faster
        than :meth:`highlights_for` on 1,000 highlights, for drawing readers.
        """
        tag_list = func.aggregate_strings(cast(HT.c.tag_id, String), ",")
        query = (
            select(H.c.id, H.c.start, H.c.end, H.c.colour, tag_list)
            .select_from(H.outerjoin(HT, HT.c.highlight_id == H.c.id))
            .where(H.c.article_id == article_id)
            .group_by(H.c.id)
            .order_by(H.c.start, H.c.end, H.c.id)
        )
        with translated_errors(), self._sessions() as session:
            rows = session.execute(query).all()
        return [
            HighlightSpan(HighlightId(hid), start, end, colour or "", _tag_ids(tags))
            for hid, start, end, colour, tags in rows
        ]

    def get(self, highlight_id: int) -> Highlight:
        with translated_errors(), self._sessions() as session:
            return self._get(session, highlight_id)

    @staticmethod
    def _get(session: Session, highlight_id: int) -> Highlight:
        row = session.execute(select(H).where(H.c.id == highlight_id)).mappings().first()
        if row is None:
            raise NotFound(f"highlight {highlight_id} does not exist")
        tags = highlight_tag_ids(session, [highlight_id])
        return convert.highlight(row, tags.get(highlight_id, ()))

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
        text = tx.session.scalar(select(A.c.text).where(A.c.id == article_id))
        if text is None:
            raise NotFound(f"article {article_id} does not exist")
        sel = quote(text, start, end)
        now = _now()
        row = tx.rec.insert(H, {
            "id": None, "article_id": article_id, "start": start, "end": end,
            "exact": sel.exact, "prefix": sel.prefix, "suffix": sel.suffix,
            "text_sha256": text_sha256(text), "colour": _colour(colour), "memo": memo,
            "author": self.author, "created_at": now, "modified_at": now, "is_orphaned": 0,
        })
        self._link(tx, row["id"], tag_ids)
        return int(row["id"])

    def tag_passage(self, article_id: int, start: int, end: int,
                    tag_path: str) -> tuple[Highlight, Changes]:
        """Quick tag in one undo step: get or create the tag at ``tag_path``, then add it to
        the highlight with exactly this span, or to a new highlight."""
        name = tag_path.strip().rstrip("/").rsplit("/", 1)[-1].strip()
        with self._writer.edit(f"add tag '{name}'") as tx:
            tag_id = self._tags.ensure_in(tx, tag_path)
            hid, _created = self.ensure_at_span(tx, article_id, start, end)
            self._link(tx, hid, [tag_id])
        return self.get(hid), tx.changes

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
        with self._sessions() as session:
            paths = tag_paths(session)
        return [paths.get(t, f"#{t}").rsplit("/", 1)[-1] for t in tag_ids]

    def _link(self, tx: Transaction, highlight_id: int, tag_ids: Iterable[int]) -> None:
        existing = set(highlight_tag_ids(tx.session, [highlight_id]).get(highlight_id, ()))
        known = {r[0] for r in tx.session.execute(select(T.c.id))}
        for tag_id in tag_ids:
            if tag_id not in known:
                raise NotFound(f"tag {tag_id} does not exist")
            if tag_id not in existing:
                tx.rec.insert(HT, {"highlight_id": highlight_id, "tag_id": tag_id})

    def _touch(self, tx: Transaction, highlight_id: int, **values: object) -> None:
        self._get(tx.session, highlight_id)
        tx.rec.update(H, {"id": highlight_id}, {**values, "modified_at": _now()})

    def set_memo(self, highlight_id: int, memo: str) -> Changes:
        with self._writer.edit("edit memo") as tx:
            if self._get(tx.session, highlight_id).memo != memo:
                self._touch(tx, highlight_id, memo=memo)
        return tx.changes

    def set_colour(self, highlight_id: int, colour: str) -> Changes:
        with self._writer.edit("change highlight colour") as tx:
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
            for link in tx.rec.rows(HT, HT.c.highlight_id == highlight_id,
                                    HT.c.tag_id.in_(tag_ids)):
                tx.rec.delete(HT, link)
        return tx.changes

    def delete(self, highlight_id: int) -> Changes:
        with self._writer.edit("delete highlight") as tx:
            self.delete_in(tx, highlight_id)
        return tx.changes

    @staticmethod
    def delete_in(tx: Transaction, highlight_id: int) -> None:
        rows = tx.rec.rows(H, H.c.id == highlight_id)
        if not rows:
            raise NotFound(f"highlight {highlight_id} does not exist")
        delete_highlight_dependents(tx.rec, [highlight_id])
        for link in tx.rec.rows(HT, HT.c.highlight_id == highlight_id):
            tx.rec.delete(HT, link)
        tx.rec.delete(H, rows[0])

    def passages_with_tag(self, tag_id: int, include_descendants: bool = True) -> list[Passage]:
        """Every highlight carrying the tag (or a descendant), across articles."""
        with translated_errors(), self._sessions() as session:
            wanted = tag_subtree_ids(session, tag_id) if include_descendants else {tag_id}
            rows = session.execute(
                select(H, A.c.title.label("a_title"), A.c.outlet.label("a_outlet"),
                       A.c.published.label("a_published"))
                .join(A, A.c.id == H.c.article_id)
                .where(H.c.id.in_(select(HT.c.highlight_id).where(HT.c.tag_id.in_(wanted))))
                .order_by(A.c.published, A.c.id, H.c.start)
            ).mappings().all()
            tags = highlight_tag_ids(session, [r["id"] for r in rows])
        return [
            Passage(convert.highlight(r, tags.get(r["id"], ())), r["a_title"], r["a_outlet"],
                    r["a_published"])
            for r in rows
        ]
