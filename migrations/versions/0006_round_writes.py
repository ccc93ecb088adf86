"""rounds: versions and explicit answers so concurrent writes have one defined outcome

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
    pass


def downgrade():
    pass
