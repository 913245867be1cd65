"""actors, aliases, mentions, suggestion rejections, agreements, parties, events, evidence

Issue 5 (DESIGN.md section 4). mention/evidence.highlight_id have no foreign key on
purpose: see app/store/schema_actors.py.

Revision ID: 0003
Revises: 0002
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('actor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('external_id', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actor'))
    )
    op.create_table('agreement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('value_amount', sa.Float(), nullable=True),
    sa.Column('value_amount_max', sa.Float(), nullable=True),
    sa.Column('value_currency', sa.String(length=3), nullable=False),
    sa.Column('value_qualifier', sa.String(length=20), nullable=False),
    sa.Column('value_unit', sa.String(length=200), nullable=False),
    sa.Column('value_text', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement'))
    )
    op.create_table('actor_alias',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('script', sa.String(length=4), nullable=False),
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actor.id'], name=op.f('fk_actor_alias_actor_id_actor'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actor_alias'))
    )
    with op.batch_alter_table('actor_alias', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actor_alias_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actor_alias_key'), ['key'], unique=False)

    op.create_table('agreement_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('date', sa.String(length=10), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_agreement_event_agreement_id_agreement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_event'))
    )
    with op.batch_alter_table('agreement_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_event_agreement_id'), ['agreement_id'], unique=False)

    op.create_table('agreement_party',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actor.id'], name=op.f('fk_agreement_party_actor_id_actor'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_agreement_party_agreement_id_agreement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_party')),
    sa.UniqueConstraint('agreement_id', 'actor_id', 'role', name=op.f('uq_agreement_party_agreement_id'))
    )
    with op.batch_alter_table('agreement_party', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_party_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreement_party_agreement_id'), ['agreement_id'], unique=False)

    op.create_table('evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('highlight_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=20), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('stance', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_evidence_agreement_id_agreement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence'))
    )
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_highlight_id'), ['highlight_id'], unique=False)

    op.create_table('mention',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('highlight_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actor.id'], name=op.f('fk_mention_actor_id_actor'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mention')),
    sa.UniqueConstraint('highlight_id', 'actor_id', name=op.f('uq_mention_highlight_id'))
    )
    with op.batch_alter_table('mention', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mention_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mention_highlight_id'), ['highlight_id'], unique=False)

    op.create_table('suggestion_rejection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('surface', sa.String(length=300), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=True),
    sa.Column('start', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['actor.id'], name=op.f('fk_suggestion_rejection_actor_id_actor'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suggestion_rejection'))
    )
    with op.batch_alter_table('suggestion_rejection', schema=None) as batch_op:
        batch_op.create_index('ix_suggestion_rejection_actor_surface', ['actor_id', 'surface'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('suggestion_rejection', schema=None) as batch_op:
        batch_op.drop_index('ix_suggestion_rejection_actor_surface')

    op.drop_table('suggestion_rejection')
    with op.batch_alter_table('mention', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mention_highlight_id'))
        batch_op.drop_index(batch_op.f('ix_mention_actor_id'))

    op.drop_table('mention')
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_highlight_id'))
        batch_op.drop_index(batch_op.f('ix_evidence_agreement_id'))

    op.drop_table('evidence')
    with op.batch_alter_table('agreement_party', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_party_agreement_id'))
        batch_op.drop_index(batch_op.f('ix_agreement_party_actor_id'))

    op.drop_table('agreement_party')
    with op.batch_alter_table('agreement_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_event_agreement_id'))

    op.drop_table('agreement_event')
    with op.batch_alter_table('actor_alias', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actor_alias_key'))
        batch_op.drop_index(batch_op.f('ix_actor_alias_actor_id'))

    op.drop_table('actor_alias')
    op.drop_table('agreement')
    op.drop_table('actor')
