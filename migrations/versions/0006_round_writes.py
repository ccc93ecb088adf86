"""rounds: versions and explicit answers so concurrent writes have one defined outcome

Each area assessment (a participant's answer or a consensus area) gets a ``version`` that every
save increments; a save based on an older version is refused with 409.

Revision ID: 0006_round_writes
Revises: 0005_round_privacy
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_round_writes'
down_revision = '0005_round_privacy'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('area_assessments') as batch:
        batch.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('area_assessments') as batch:
        batch.drop_column('version')
