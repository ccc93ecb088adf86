"""audit events carry structured data for rendering in the reader's language

Revision ID: 0003_audit_data
Revises: 0002_self_assessment
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_audit_data'
down_revision = '0002_self_assessment'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('data', sa.JSON(), nullable=False, server_default='{}'))


def downgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_column('data')
