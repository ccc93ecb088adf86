"""accounts: server-side sessions, revocable tokens, shared failed-login counting, single-use reset links

Revision ID: 0004_accounts
Revises: 0003_audit_data
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_accounts'
down_revision = '0003_audit_data'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
