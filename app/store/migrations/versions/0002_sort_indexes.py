"""case-insensitive sort indexes for the library (title, outlet)

The library sorts by lower(title) and lower(outlet); at 100,000 articles an expression
index turns that sort from a full scan plus sort into an index walk.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_article_title_lower", "article", [sa.text("lower(title)")])
    op.create_index("ix_article_outlet_lower", "article", [sa.text("lower(outlet)")])


def downgrade() -> None:
    op.drop_index("ix_article_outlet_lower", table_name="article")
    op.drop_index("ix_article_title_lower", table_name="article")
