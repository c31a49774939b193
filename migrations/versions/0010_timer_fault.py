"""timers.fault: why a timer's script went past the sandbox's limits (status "faulted")

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('timers', sa.Column('fault', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('timers') as batch:
        batch.drop_column('fault')
