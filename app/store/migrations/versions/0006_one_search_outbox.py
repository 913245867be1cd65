"""one search outbox for articles and notes

Articles and notes are now searched in one index (one ranking) fed by one indexer, so
their two queues (``index_outbox`` of article ids, ``note_outbox`` of note ids) become one
``search_outbox`` of ``(kind, doc_id)`` rows. Queued work is carried over in its order,
articles first: nothing that was waiting to be indexed is lost.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("doc_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_outbox")),
    )
    with op.batch_alter_table("search_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_search_outbox_kind_doc_id", ["kind", "doc_id"], unique=False)
    op.execute(sa.text("INSERT INTO search_outbox (kind, doc_id) "
                       "SELECT 'article', article_id FROM index_outbox ORDER BY id"))
    op.execute(sa.text("INSERT INTO search_outbox (kind, doc_id) "
                       "SELECT 'note', note_id FROM note_outbox ORDER BY id"))
    with op.batch_alter_table("index_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_index_outbox_article_id"))
    op.drop_table("index_outbox")
    with op.batch_alter_table("note_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_note_outbox_note_id"))
    op.drop_table("note_outbox")


def downgrade() -> None:
    op.create_table(
        "index_outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_index_outbox")),
    )
    with op.batch_alter_table("index_outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_index_outbox_article_id"), ["article_id"],
                              unique=False)
    op.create_table(
        "note_outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_outbox")),
    )
    with op.batch_alter_table("note_outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_note_outbox_note_id"), ["note_id"], unique=False)
    op.execute(sa.text("INSERT INTO index_outbox (article_id) SELECT doc_id FROM search_outbox "
                       "WHERE kind = 'article' ORDER BY id"))
    op.execute(sa.text("INSERT INTO note_outbox (note_id) SELECT doc_id FROM search_outbox "
                       "WHERE kind = 'note' ORDER BY id"))
    with op.batch_alter_table("search_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_search_outbox_kind_doc_id")
    op.drop_table("search_outbox")
