"""The session types the service layer is handed, so that services can annotate them
without importing SQLAlchemy (only ``app.store`` does).

A ``Session`` is one unit of work's connection; ``Sessions`` is the notebook's factory of
them (``with sessions() as session: ...``). Store functions take a ``Session`` and never
commit.
"""

from __future__ import annotations

from typing import TypeAlias

from sqlalchemy.orm import Session, sessionmaker

Sessions: TypeAlias = "sessionmaker[Session]"

__all__ = ["Session", "Sessions"]
