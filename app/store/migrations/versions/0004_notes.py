"""research notes, their links and their search outbox

Issue 6 (DESIGN.md section 4, ``note``); see app/store/schema_notes.py.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("modified_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["note.id"], name=op.f("fk_note_parent_id_note"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note")),
    )
    with op.batch_alter_table("note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_note_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_note_modified_at"), ["modified_at"], unique=False)
    op.create_table(
        "note_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("target_text", sa.String(length=500), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["note_id"], ["note.id"], name=op.f("fk_note_link_note_id_note"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_link")),
    )
    with op.batch_alter_table("note_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_note_link_note_id"), ["note_id"], unique=False)
        batch_op.create_index("ix_note_link_kind_target", ["kind", "target_id"], unique=False)
    op.create_table(
        "note_outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_outbox")),
    )
    with op.batch_alter_table("note_outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_note_outbox_note_id"), ["note_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("note_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_note_outbox_note_id"))
    op.drop_table("note_outbox")
    with op.batch_alter_table("note_link", schema=None) as batch_op:
        batch_op.drop_index("ix_note_link_kind_target")
        batch_op.drop_index(batch_op.f("ix_note_link_note_id"))
    op.drop_table("note_link")
    with op.batch_alter_table("note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_note_modified_at"))
        batch_op.drop_index(batch_op.f("ix_note_parent_id"))
    op.drop_table("note")
