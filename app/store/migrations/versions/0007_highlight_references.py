"""foreign keys for what points at highlights, parties and status steps

Mentions and evidence now go with their highlight (ON DELETE CASCADE) and evidence citing
a removed party or status step falls back to the agreement (SET NULL). Before, these
columns had no foreign key and a hook list deleted the rows by hand; the undo recorder
now reads the foreign keys and records their actions (issue 9). Rows left pointing at
nothing by the old scheme are removed (or detached) first, as the new keys require.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_ORPHANS = (
    "DELETE FROM mention WHERE highlight_id NOT IN (SELECT id FROM highlight)",
    "DELETE FROM evidence WHERE highlight_id NOT IN (SELECT id FROM highlight)",
    "UPDATE evidence SET party_id = NULL, field = 'agreement' WHERE party_id IS NOT NULL "
    "AND party_id NOT IN (SELECT id FROM agreement_party)",
    "UPDATE evidence SET event_id = NULL, field = 'agreement' WHERE event_id IS NOT NULL "
    "AND event_id NOT IN (SELECT id FROM agreement_event)",
)


def upgrade() -> None:
    for statement in _ORPHANS:
        op.execute(sa.text(statement))
    with op.batch_alter_table("mention", schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f("fk_mention_highlight_id_highlight"),
                                    "highlight", ["highlight_id"], ["id"], ondelete="CASCADE")
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f("fk_evidence_highlight_id_highlight"),
                                    "highlight", ["highlight_id"], ["id"], ondelete="CASCADE")
        batch_op.create_foreign_key(batch_op.f("fk_evidence_party_id_agreement_party"),
                                    "agreement_party", ["party_id"], ["id"],
                                    ondelete="SET NULL")
        batch_op.create_foreign_key(batch_op.f("fk_evidence_event_id_agreement_event"),
                                    "agreement_event", ["event_id"], ["id"],
                                    ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_evidence_event_id_agreement_event"),
                                 type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_evidence_party_id_agreement_party"),
                                 type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_evidence_highlight_id_highlight"),
                                 type_="foreignkey")
    with op.batch_alter_table("mention", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_mention_highlight_id_highlight"),
                                 type_="foreignkey")
