"""Tags (codes): a hierarchy with colours; rename, re-parent, merge, delete.

Every edit of an existing tag takes ``seen=``, the tag as the user saw it, and is then a
versioned write (:mod:`app.services.conflicts`): a move merges with a colleague's rename
or recolour made since, a move against their move conflicts, and a delete or merge of a
tag they changed since is refused with a ConflictError naming them (the deleter did not
see what would be thrown away).
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable

from app.core.changes import Changes
from app.core.errors import ValidationError
from app.core.ids import TagId
from app.core.palette import TAG_PALETTE, default_tag_colour
from app.core.records import Tag
from app.services.conflicts import expect, not_found
from app.services.unit import Transaction, Writer
from app.store import tags
from app.store.engine import translated_errors
from app.store.sessions import Session, Sessions

PALETTE = TAG_PALETTE
"""Default tag colours: distinct, light enough to read black text on (app.core.palette)."""


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

    def __init__(self, sessions: Sessions, writer: Writer) -> None:
        self._sessions = sessions
        self._writer = writer

    def list(self) -> builtins.list[Tag]:
        """Every tag with its highlight count, sorted by path."""
        with translated_errors(), self._sessions() as session:
            return tags.all_tags(session)

    def get(self, tag_id: int) -> Tag:
        with translated_errors(), self._sessions() as session:
            return self._require(session, tag_id)

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

    def ensure_in(self, tx: Transaction, path: str) -> TagId:
        """Inside a transaction: id of the tag at ``path``, creating what is missing."""
        parts = [clean_name(p) for p in path.split("/") if p.strip()]
        if not parts:
            raise ValidationError("a tag needs a name")
        parent: TagId | None = None
        for part in parts:
            found = tags.child_named(tx.session, parent, part)
            parent = found if found is not None else self._create_in(tx, part, parent, "", "")
        assert parent is not None
        return parent

    def _create_in(self, tx: Transaction, name: str, parent_id: int | None, colour: str,
                   description: str) -> TagId:
        name = clean_name(name)
        if parent_id is not None:
            self._require(tx.session, parent_id)
        if tags.child_named(tx.session, parent_id, name) is not None:
            raise ValidationError(f"a tag named {name!r} exists already there")
        if not colour:
            colour = default_tag_colour(tags.count(tx.session),
                                        tags.neighbour_colours(tx.session, parent_id))
        return tags.insert(tx.rec, name, parent_id, colour.lower(), description)

    @staticmethod
    def _require(session: Session, tag_id: int) -> Tag:
        found = tags.get(session, tag_id)
        if found is None:
            raise not_found(session, "tag", tag_id)
        return found

    def _refuse_clash(self, session: Session, parent_id: int | None, name: str,
                      tag_id: int) -> None:
        """Sibling names are unique: refuse giving ``tag_id`` a name taken under its parent."""
        other = tags.child_named(session, parent_id, name)
        if other is not None and other != tag_id:
            raise ValidationError(f"a tag named {name!r} exists already there")

    def rename(self, tag_id: int, name: str, seen: Tag | None = None) -> Changes:
        """Rename a tag. ``seen``, the tag as the user saw it, makes this and the two
        setters below versioned writes (see :mod:`app.services.conflicts`)."""
        name = clean_name(name)
        with self._writer.edit(f"rename tag to '{name}'") as tx:
            tag = self._require(tx.session, tag_id)
            self._refuse_clash(tx.session, tag.parent_id, name, tag_id)
            expect(tx, seen)
            tags.update(tx.rec, tag_id, {"name": name})
        return tx.changes

    def set_colour(self, tag_id: int, colour: str, seen: Tag | None = None) -> Changes:
        from app.services.annotations import _colour

        with self._writer.edit("change tag colour") as tx:
            self._require(tx.session, tag_id)
            expect(tx, seen)
            tags.update(tx.rec, tag_id, {"colour": _colour(colour)})
        return tx.changes

    def set_description(self, tag_id: int, text: str, seen: Tag | None = None) -> Changes:
        with self._writer.edit("edit tag description") as tx:
            self._require(tx.session, tag_id)
            expect(tx, seen)
            tags.update(tx.rec, tag_id, {"description": text})
        return tx.changes

    def set_parent(self, tag_id: int, parent_id: int | None, seen: Tag | None = None
                   ) -> Changes:
        """Move a tag under another (None: to the top level). Refuses cycles. ``seen``:
        a versioned write (a colleague's move since conflicts, their rename merges)."""
        with self._writer.edit("move tag") as tx:
            tag = self._require(tx.session, tag_id)
            expect(tx, seen)
            if parent_id is not None:
                self._require(tx.session, parent_id)
                if parent_id in tags.subtree_ids(tx.session, tag_id):
                    raise ValidationError("a tag cannot be moved under itself or its descendants")
            self._refuse_clash(tx.session, parent_id, tag.name, tag_id)
            tags.update(tx.rec, tag_id, {"parent_id": parent_id})
        return tx.changes

    def merge(self, source_ids: Iterable[int], target_id: int,
              seen: Iterable[Tag] = ()) -> Changes:
        """Move every use and child of the sources to the target, then delete the sources.
        ``seen``: the sources as the user saw them; merging away one a colleague changed
        since is refused (ConflictError), and nothing of the merge is written."""
        sources = [s for s in dict.fromkeys(source_ids) if s != target_id]
        shown = {tag.id: tag for tag in seen}
        with self._writer.edit(f"merge {len(sources)} tags") as tx:
            self._require(tx.session, target_id)
            for source in sources:
                self._require(tx.session, source)
                expect(tx, shown.get(TagId(source)))
                if target_id in tags.subtree_ids(tx.session, source):
                    raise ValidationError("cannot merge a tag into one of its own descendants")
                tags.move_links(tx.rec, source, target_id)
                self._delete_in(tx, source, reparent_to=target_id)
        return tx.changes

    def delete(self, tag_id: int, seen: Tag | None = None) -> Changes:
        """Delete a tag; its children move up to its parent; highlights lose the tag.
        ``seen``: refused (ConflictError) when a colleague changed the tag since."""
        with self._writer.edit("delete tag") as tx:
            tag = self._require(tx.session, tag_id)
            expect(tx, seen)
            self._delete_in(tx, tag_id, reparent_to=tag.parent_id)
        return tx.changes

    @staticmethod
    def _delete_in(tx: Transaction, tag_id: int, reparent_to: int | None) -> None:
        for child in tags.children(tx.session, tag_id):
            tags.update(tx.rec, child, {"parent_id": reparent_to})
        tags.delete(tx.rec, tag_id)
