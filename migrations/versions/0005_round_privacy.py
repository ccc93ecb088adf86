"""rounds: disclosure control (aggregate snapshots), evidence attribution

Revision ID: 0005_round_privacy
Revises: 0004_accounts
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_round_privacy'
down_revision = '0004_accounts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('round_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('taken_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('released', sa.Boolean(), nullable=False),
    sa.Column('counted', sa.Integer(), nullable=False),
    sa.Column('eligible', sa.Integer(), nullable=False),
    sa.Column('needed', sa.Integer(), nullable=False),
    sa.Column('response_ids', sa.JSON(), nullable=False),
    sa.Column('areas', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_round_snapshots_round_id_rounds'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_snapshots'))
    )
    with op.batch_alter_table('round_snapshots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_snapshots_round_id'), ['round_id'], unique=False)
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('round_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_evidence_round_id_rounds'), 'rounds', ['round_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_evidence_round_id_rounds'), type_='foreignkey')
        batch_op.drop_column('round_id')
    with op.batch_alter_table('round_snapshots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_snapshots_round_id'))
    op.drop_table('round_snapshots')
