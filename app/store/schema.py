"""Tables of a notebook (SQLAlchemy 2.0 declarative).

The schema changes only through Alembic migrations in ``app/store/migrations``; a test
checks that these models and the migrated database agree.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.store.versioning import Versioned

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ArticleRow(Versioned, Base):
    __tablename__ = "article"
    __table_args__ = (
        Index("ix_article_title_lower", func.lower(text("title"))),
        Index("ix_article_outlet_lower", func.lower(text("outlet"))),
        Index("ix_article_filter_text", "title", "outlet", "author", "original_name"),
        # a re-imported page or file is recognised by its URL or file name (issue 12)
        Index("ix_article_url", "url"),
        Index("ix_article_original_name", "original_name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(16), default="", index=True)
    outlet: Mapped[str] = mapped_column(String(300), default="", index=True)
    url: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[str] = mapped_column(String(10), default="", index=True)
    original_name: Mapped[str] = mapped_column(Text, default="")
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    content_key: Mapped[str] = mapped_column(String(64), unique=True)
    char_count: Mapped[int] = mapped_column(Integer, default=0)
    extra: Mapped[str] = mapped_column(Text, default="{}")  # JSON object of strings
    # Revision of the article's search document, bumped by every write that changes it
    # (undo included): bookkeeping that undo does not expect to find at its old value.
    rev: Mapped[int] = mapped_column(Integer, default=1, info={"unchecked": True})


class TagRow(Versioned, Base):
    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    colour: Mapped[str] = mapped_column(String(9), default="")
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("tag.id", ondelete="SET NULL"), nullable=True, index=True
    )
    description: Mapped[str] = mapped_column(Text, default="")


class HighlightRow(Versioned, Base):
    __tablename__ = "highlight"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("article.id", ondelete="CASCADE"), index=True
    )
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    exact: Mapped[str] = mapped_column(Text)
    prefix: Mapped[str] = mapped_column(Text, default="")
    suffix: Mapped[str] = mapped_column(Text, default="")
    text_sha256: Mapped[str] = mapped_column(String(64))
    colour: Mapped[str] = mapped_column(String(9), default="")
    memo: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    modified_at: Mapped[dt.datetime] = mapped_column(DateTime)
    is_orphaned: Mapped[int] = mapped_column(Integer, default=0)


class HighlightTagRow(Base):
    __tablename__ = "highlight_tag"
    __table_args__ = (Index("ix_highlight_tag_tag_id", "tag_id"),)

    highlight_id: Mapped[int] = mapped_column(
        ForeignKey("highlight.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True)


class MetaRow(Base):
    __tablename__ = "notebook_meta"
    __table_args__ = (UniqueConstraint("key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(100))
    value: Mapped[str] = mapped_column(Text, default="")


article = ArticleRow.__table__
tag = TagRow.__table__
highlight = HighlightRow.__table__
highlight_tag = HighlightTagRow.__table__
meta = MetaRow.__table__
# Feature tables live in their own modules on the same Base; importing them here makes
# every table known to Alembic and to ``Base.metadata``.
from app.store import (  # noqa: E402,F401
    schema_actors,
    schema_changelog,
    schema_notes,
    schema_revisions,
)

RECORD_KINDS: dict[str, str] = {
    "article": "articles",
    "tag": "tags",
    "highlight": "highlights",
    "actor": "actors",
    "agreement": "agreements",
    "note": "notes",
}
"""Tables whose rows are records of their own: table -> the ``Changes`` field for their ids.
Other tables' rows (links, aliases, parties ...) report the records they point at."""
