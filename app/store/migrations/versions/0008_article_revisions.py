"""article text revisions

An article's text can now be corrected or replaced by a newer version (issue 12); each
earlier text is kept in ``article_revision`` with who, when and why. Highlights already
carry ``is_orphaned`` (since 0001) for those an edit leaves without their words. A newer
version of an article is recognised on import by its URL or file name: both get an index
(the lookup would otherwise read every article row, texts included).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "article_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"],
                                name=op.f("fk_article_revision_article_id_article"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_revision")),
        sa.UniqueConstraint("article_id", "number",
                            name=op.f("uq_article_revision_article_id")),
    )
    with op.batch_alter_table("article_revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_revision_article_id"), ["article_id"],
                              unique=False)
    op.create_index("ix_article_url", "article", ["url"])
    op.create_index("ix_article_original_name", "article", ["original_name"])


def downgrade() -> None:
    op.drop_index("ix_article_original_name", table_name="article")
    op.drop_index("ix_article_url", table_name="article")
    with op.batch_alter_table("article_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_revision_article_id"))
    op.drop_table("article_revision")
