"""initial schema

Revision ID: 0001
Revises: 
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('article',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('outlet', sa.String(length=300), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('author', sa.Text(), nullable=False),
    sa.Column('published', sa.String(length=10), nullable=False),
    sa.Column('original_name', sa.Text(), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content_key', sa.String(length=64), nullable=False),
    sa.Column('char_count', sa.Integer(), nullable=False),
    sa.Column('extra', sa.Text(), nullable=False),
    sa.Column('rev', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_article')),
    sa.UniqueConstraint('content_key', name=op.f('uq_article_content_key'))
    )
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article_imported_at'), ['imported_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_article_language'), ['language'], unique=False)
        batch_op.create_index(batch_op.f('ix_article_outlet'), ['outlet'], unique=False)
        batch_op.create_index(batch_op.f('ix_article_published'), ['published'], unique=False)

    op.create_table('index_outbox',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_index_outbox'))
    )
    with op.batch_alter_table('index_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_index_outbox_article_id'), ['article_id'], unique=False)

    op.create_table('notebook_meta',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notebook_meta')),
    sa.UniqueConstraint('key', name=op.f('uq_notebook_meta_key'))
    )
    op.create_table('tag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('colour', sa.String(length=9), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['tag.id'], name=op.f('fk_tag_parent_id_tag'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tag'))
    )
    with op.batch_alter_table('tag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tag_parent_id'), ['parent_id'], unique=False)

    op.create_table('highlight',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('exact', sa.Text(), nullable=False),
    sa.Column('prefix', sa.Text(), nullable=False),
    sa.Column('suffix', sa.Text(), nullable=False),
    sa.Column('text_sha256', sa.String(length=64), nullable=False),
    sa.Column('colour', sa.String(length=9), nullable=False),
    sa.Column('memo', sa.Text(), nullable=False),
    sa.Column('author', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('modified_at', sa.DateTime(), nullable=False),
    sa.Column('is_orphaned', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_highlight_article_id_article'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_highlight'))
    )
    with op.batch_alter_table('highlight', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_highlight_article_id'), ['article_id'], unique=False)

    op.create_table('highlight_tag',
    sa.Column('highlight_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['highlight_id'], ['highlight.id'], name=op.f('fk_highlight_tag_highlight_id_highlight'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['tag.id'], name=op.f('fk_highlight_tag_tag_id_tag'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('highlight_id', 'tag_id', name=op.f('pk_highlight_tag'))
    )
    with op.batch_alter_table('highlight_tag', schema=None) as batch_op:
        batch_op.create_index('ix_highlight_tag_tag_id', ['tag_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('highlight_tag', schema=None) as batch_op:
        batch_op.drop_index('ix_highlight_tag_tag_id')

    op.drop_table('highlight_tag')
    with op.batch_alter_table('highlight', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_highlight_article_id'))

    op.drop_table('highlight')
    with op.batch_alter_table('tag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tag_parent_id'))

    op.drop_table('tag')
    op.drop_table('notebook_meta')
    with op.batch_alter_table('index_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_index_outbox_article_id'))

    op.drop_table('index_outbox')
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_article_published'))
        batch_op.drop_index(batch_op.f('ix_article_outlet'))
        batch_op.drop_index(batch_op.f('ix_article_language'))
        batch_op.drop_index(batch_op.f('ix_article_imported_at'))

    op.drop_table('article')
