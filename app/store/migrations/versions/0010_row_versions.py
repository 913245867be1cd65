"""row versions for team notebooks

Every mutable row gets ``version`` (grows on every update, starting at 1 for the rows
that exist now), ``changed_by`` and ``changed_at``, so that a write based on a stale
version is refused and becomes a conflict instead of a lost update (issue 13). Rows that
are only added or removed (tag links, mentions, revisions, note links, bookkeeping) get
none: see :mod:`app.store.versioning`.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

VERSIONED = ("article", "tag", "highlight", "actor", "actor_alias", "agreement",
             "agreement_party", "agreement_event", "evidence", "note")


def upgrade() -> None:
    for name in VERSIONED:
        # server defaults fill the existing rows: version 1, nobody, no time
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False,
                                          server_default="1"))
            batch_op.add_column(sa.Column("changed_by", sa.String(length=200),
                                          nullable=False, server_default=""))
            batch_op.add_column(sa.Column("changed_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    for name in reversed(VERSIONED):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_column("changed_at")
            batch_op.drop_column("changed_by")
            batch_op.drop_column("version")
