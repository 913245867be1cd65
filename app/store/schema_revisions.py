"""The table of article text revisions (issue 12), on the notebook's ``Base``.

Each row is one version of an article's text with who made it, when and why. Rows exist
only for articles whose text was edited: the first edit stores the imported text as
revision 1 and the new text as revision 2, so the highest number is always the text
the article holds. Revisions go with their article (``ON DELETE CASCADE``, performed
and recorded by the undo recorder).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.store.schema import Base


class ArticleRevisionRow(Base):
    __tablename__ = "article_revision"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("article.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    author: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


article_revision = ArticleRevisionRow.__table__
