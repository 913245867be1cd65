"""change log in commit order, for team notebooks (issue 13)

Each write transaction bumps the one-row ``notebook_clock`` as its last step and writes
its ``change_log`` entries under that number, so entries appear in commit order and every
client (each with its own search index and cursor) reads what it has not seen yet. The
clock also holds the log's floor (entries at or below it were pruned) and the
notebook's uuid (a cursor for another notebook is worthless).

The shared ``search_outbox`` (drained by deleting rows, so with two clients the first
took the other's work) is retired: documents it still held queued are carried into the
log as one write (seq 1, op "stale"), so nothing waiting to be indexed is lost.

Revision ID: 0009
Revises: 0008
"""

import datetime as dt
import getpass
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    clock = op.create_table(
        "notebook_clock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("floor_seq", sa.Integer(), nullable=False),
        sa.Column("notebook_uuid", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notebook_clock")),
    )
    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("op", sa.String(length=8), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_log")),
    )
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_change_log_seq"), ["seq"], unique=False)
    queued = op.get_bind().execute(sa.text(
        "SELECT kind, doc_id FROM search_outbox GROUP BY kind, doc_id "
        "ORDER BY MIN(id)")).all()  # in the order they were queued
    seq = 1 if queued else 0
    op.bulk_insert(clock, [{"id": 1, "seq": seq, "floor_seq": 0,
                            "notebook_uuid": str(uuid.uuid4())}])
    if queued:
        log = sa.table("change_log", sa.column("seq"), sa.column("entity"),
                       sa.column("entity_id"), sa.column("op"), sa.column("article_id"),
                       sa.column("author"), sa.column("at"))
        at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        op.bulk_insert(log, [{"seq": 1, "entity": kind, "entity_id": doc_id, "op": "stale",
                              "article_id": doc_id if kind == "article" else None,
                              "author": _login(), "at": at} for kind, doc_id in queued])
    with op.batch_alter_table("search_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_search_outbox_kind_doc_id")
    op.drop_table("search_outbox")


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def downgrade() -> None:
    op.create_table(
        "search_outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("doc_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_outbox")),
    )
    with op.batch_alter_table("search_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_search_outbox_kind_doc_id", ["kind", "doc_id"], unique=False)
    # what no client has indexed cannot be told any more: queue everything
    op.execute(sa.text("INSERT INTO search_outbox (kind, doc_id) SELECT 'article', id "
                       "FROM article ORDER BY id"))
    op.execute(sa.text("INSERT INTO search_outbox (kind, doc_id) SELECT 'note', id "
                       "FROM note ORDER BY id"))
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_log_seq"))
    op.drop_table("change_log")
    op.drop_table("notebook_clock")
