"""Tags (codes): a hierarchy with colours; rename, re-parent, merge, delete."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.core.changes import Changes
from app.core.errors import NotFound, ValidationError
from app.core.records import Tag
from app.services import convert
from app.services.unit import Transaction, Writer
from app.store import schema
from app.store.engine import translated_errors
from app.store.queries import tag_parents, tag_paths, tag_subtree_ids

T, HT = schema.tag, schema.highlight_tag

PALETTE = (
    "#ffd54f", "#81c784", "#64b5f6", "#e57373", "#ba68c8", "#4db6ac",
    "#ffb74d", "#a1887f", "#90a4ae", "#f06292", "#aed581", "#7986cb",
)
"""Default tag colours: distinct, light enough to read black text on."""


def clean_name(name: str) -> str:
    """A tag name: trimmed, no '/', not empty."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError("a tag needs a name")
    if "/" in name:
        raise ValidationError(f"a tag name cannot contain '/': {name!r}")
    if len(name) > 200:
        raise ValidationError("a tag name can be at most 200 characters")
    return name


class TagService:
    """Create and organise tags. Names are unique among siblings (case-insensitive)."""

    def __init__(self, sessions: sessionmaker[Session], writer: Writer) -> None:
        self._sessions = sessions
        self._writer = writer

    def list(self) -> list[Tag]:
        """Every tag with its highlight count, sorted by path."""
        with translated_errors(), self._sessions() as session:
            return self._list(session)

    @staticmethod
    def _list(session: Session) -> list[Tag]:
        paths = tag_paths(session)
        counts = dict(
            session.execute(select(HT.c.tag_id, func.count()).group_by(HT.c.tag_id)).all()
        )
        rows = session.execute(select(T)).mappings().all()
        tags = [convert.tag(r, paths[r["id"]], counts.get(r["id"], 0)) for r in rows]
        return sorted(tags, key=lambda t: t.path.casefold())

    def get(self, tag_id: int) -> Tag:
        for tag in self.list():
            if tag.id == tag_id:
                return tag
        raise NotFound(f"tag {tag_id} does not exist")

    def find(self, path: str) -> Tag | None:
        """The tag with this path ("A/B"), case-insensitively, or None."""
        wanted = "/".join(clean_name(p) for p in path.split("/")).casefold()
        return next((t for t in self.list() if t.path.casefold() == wanted), None)

    def create(self, name: str, parent_id: int | None = None, colour: str = "",
               description: str = "") -> tuple[Tag, Changes]:
        name = clean_name(name)
        with self._writer.edit(f"create tag '{name}'") as tx:
            tag_id = self._create_in(tx, name, parent_id, colour, description)
        return self.get(tag_id), tx.changes

    def ensure(self, path: str) -> tuple[Tag, Changes]:
        """Get the tag at ``path``, creating it and any missing parents."""
        with self._writer.edit(f"create tag '{path.strip()}'") as tx:
            tag_id = self.ensure_in(tx, path)
        return self.get(tag_id), tx.changes

    def ensure_in(self, tx: Transaction, path: str) -> int:
        """Inside a transaction: id of the tag at ``path``, creating what is missing."""
        parts = [clean_name(p) for p in path.split("/") if p.strip()]
        if not parts:
            raise ValidationError("a tag needs a name")
        parent: int | None = None
        for part in parts:
            found = self._child(tx.session, parent, part)
            parent = found if found is not None else self._create_in(tx, part, parent, "", "")
        assert parent is not None
        return parent

    @staticmethod
    def _child(session: Session, parent_id: int | None, name: str) -> int | None:
        cond = T.c.parent_id.is_(None) if parent_id is None else T.c.parent_id == parent_id
        return session.scalar(
            select(T.c.id).where(cond, func.lower(T.c.name) == name.lower()).limit(1)
        )

    def _create_in(self, tx: Transaction, name: str, parent_id: int | None, colour: str,
                   description: str) -> int:
        name = clean_name(name)
        if parent_id is not None and tx.session.get(schema.TagRow, parent_id) is None:
            raise NotFound(f"tag {parent_id} does not exist")
        if self._child(tx.session, parent_id, name) is not None:
            raise ValidationError(f"a tag named {name!r} exists already there")
        if not colour:
            count = tx.session.scalar(select(func.count()).select_from(T)) or 0
            colour = PALETTE[count % len(PALETTE)]
        row = tx.rec.insert(T, {"id": None, "name": name, "colour": colour.lower(),
                                "parent_id": parent_id, "description": description})
        return int(row["id"])

    def _require(self, session: Session, tag_id: int) -> dict[str, object]:
        row = session.execute(select(T).where(T.c.id == tag_id)).mappings().first()
        if row is None:
            raise NotFound(f"tag {tag_id} does not exist")
        return dict(row)

    def rename(self, tag_id: int, name: str) -> Changes:
        name = clean_name(name)
        with self._writer.edit(f"rename tag to '{name}'") as tx:
            row = self._require(tx.session, tag_id)
            other = self._child(tx.session, row["parent_id"], name)  # type: ignore[arg-type]
            if other is not None and other != tag_id:
                raise ValidationError(f"a tag named {name!r} exists already there")
            tx.rec.update(T, {"id": tag_id}, {"name": name})
        return tx.changes

    def set_colour(self, tag_id: int, colour: str) -> Changes:
        from app.services.annotations import _colour

        with self._writer.edit("change tag colour") as tx:
            self._require(tx.session, tag_id)
            tx.rec.update(T, {"id": tag_id}, {"colour": _colour(colour)})
        return tx.changes

    def set_description(self, tag_id: int, text: str) -> Changes:
        with self._writer.edit("edit tag description") as tx:
            self._require(tx.session, tag_id)
            tx.rec.update(T, {"id": tag_id}, {"description": text})
        return tx.changes

    def set_parent(self, tag_id: int, parent_id: int | None) -> Changes:
        """Move a tag under another (None: to the top level). Refuses cycles."""
        with self._writer.edit("move tag") as tx:
            row = self._require(tx.session, tag_id)
            if parent_id is not None:
                self._require(tx.session, parent_id)
                if parent_id in tag_subtree_ids(tx.session, tag_id):
                    raise ValidationError("a tag cannot be moved under itself or its descendants")
            clash = self._child(tx.session, parent_id, str(row["name"]))
            if clash is not None and clash != tag_id:
                raise ValidationError(f"a tag named {row['name']!r} exists already there")
            tx.rec.update(T, {"id": tag_id}, {"parent_id": parent_id})
        return tx.changes

    def merge(self, source_ids: Iterable[int], target_id: int) -> Changes:
        """Move every use and child of the sources to the target, then delete the sources."""
        sources = [s for s in dict.fromkeys(source_ids) if s != target_id]
        with self._writer.edit(f"merge {len(sources)} tags") as tx:
            self._require(tx.session, target_id)
            for source in sources:
                self._require(tx.session, source)
                if target_id in tag_subtree_ids(tx.session, source):
                    raise ValidationError("cannot merge a tag into one of its own descendants")
                self._merge_one(tx, source, target_id)
        return tx.changes

    def _merge_one(self, tx: Transaction, source: int, target: int) -> None:
        have = {r["highlight_id"] for r in tx.rec.rows(HT, HT.c.tag_id == target)}
        for link in tx.rec.rows(HT, HT.c.tag_id == source):
            tx.rec.delete(HT, link)
            if link["highlight_id"] not in have:
                tx.rec.insert(HT, {"highlight_id": link["highlight_id"], "tag_id": target})
        self._delete_in(tx, source, reparent_to=target)

    def delete(self, tag_id: int) -> Changes:
        """Delete a tag; its children move up to its parent; highlights lose the tag."""
        with self._writer.edit("delete tag") as tx:
            row = self._require(tx.session, tag_id)
            self._delete_in(tx, tag_id, reparent_to=row["parent_id"])  # type: ignore[arg-type]
        return tx.changes

    def _delete_in(self, tx: Transaction, tag_id: int, reparent_to: int | None) -> None:
        for child, parent in tag_parents(tx.session).items():
            if parent == tag_id:
                tx.rec.update(T, {"id": child}, {"parent_id": reparent_to})
        for link in tx.rec.rows(HT, HT.c.tag_id == tag_id):
            tx.rec.delete(HT, link)
        tx.rec.delete(T, tx.rec.rows(T, T.c.id == tag_id)[0])
