"""api_tokens.kind: browser sessions are rows next to the bearer tokens, so both can be revoked

Revision ID: 0013
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('api_tokens', sa.Column('kind', sa.String(length=8), nullable=False,
                                          server_default='api'))


def downgrade() -> None:
    with op.batch_alter_table('api_tokens') as batch:
        batch.drop_column('kind')
