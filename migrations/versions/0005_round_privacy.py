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
    pass


def downgrade():
    pass
