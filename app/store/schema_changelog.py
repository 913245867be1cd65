"""The change log's tables (issue 13), on the notebook's ``Base``.

``notebook_clock`` is one row (``id = 1``): the number of the last committed write
(``seq``), the floor below which the log was pruned (``floor_seq``: entries with
``seq <= floor_seq`` are gone, so a client whose cursor is below it must rebuild) and
the notebook's identity (``notebook_uuid``: a client whose cursor names another
notebook must rebuild). Each write transaction bumps ``seq`` as its last step, which
locks the row until commit, so numbers appear in commit order.

``change_log`` holds what each write did, all entries of one write under its ``seq``:
``op`` "insert"/"update"/"delete" name a record (``entity`` is a :data:`app.core.changes.KINDS`
kind such as "highlights"); ``op`` "stale" names a search document to rewrite (``entity``
"article" or "note", as in :mod:`app.store.outbox`). See :mod:`app.store.changelog`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.store.schema import Base


class NotebookClockRow(Base):
    __tablename__ = "notebook_clock"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    floor_seq: Mapped[int] = mapped_column(Integer, default=0)
    notebook_uuid: Mapped[str] = mapped_column(String(36))


class ChangeLogRow(Base):
    __tablename__ = "change_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    seq: Mapped[int] = mapped_column(Integer, index=True)
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int] = mapped_column(Integer)
    op: Mapped[str] = mapped_column(String(8))
    article_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    author: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[dt.datetime] = mapped_column(DateTime)  # UTC, without a zone


notebook_clock = NotebookClockRow.__table__
change_log = ChangeLogRow.__table__
