"""covering index for the library's text filter

The library filters with LIKE '%text%' on title, outlet, author and original name. SQLite
cannot seek with a leading wildcard, but scanning this narrow index instead of the table
(whose rows carry whole article texts) made the count at 100,000 articles 4x faster
(175 -> 42 ms, measured on the benchmark notebook).

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_article_filter_text", "article",
                    ["title", "outlet", "author", "original_name"])


def downgrade() -> None:
    op.drop_index("ix_article_filter_text", table_name="article")
