"""change log in commit order, for team notebooks (issue 13)

Each write transaction bumps the one-row ``notebook_clock`` as its last step and writes
its ``change_log`` entries under that number, so entries appear in commit order and every
client (each with its own search index and cursor) reads what it has not seen yet. The
clock also holds the log's floor (entries at or below it were pruned) and the
notebook's uuid (a cursor for another notebook is worthless).

Revision ID: 0009
Revises: 0008
"""

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
    op.bulk_insert(clock, [{"id": 1, "seq": 0, "floor_seq": 0,
                            "notebook_uuid": str(uuid.uuid4())}])


def downgrade() -> None:
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_log_seq"))
    op.drop_table("change_log")
    op.drop_table("notebook_clock")
