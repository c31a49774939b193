"""login_failures: failed logins counted in the database, shared by every process (issue 17)

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'login_failures',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('key', sa.String(200), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False))
    op.create_index('ix_login_failures_key_at', 'login_failures', ['key', 'at'])


def downgrade() -> None:
    op.drop_index('ix_login_failures_key_at', 'login_failures')
    op.drop_table('login_failures')
