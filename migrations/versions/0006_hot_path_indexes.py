"""hot-path indexes: pending outbox messages, tasks by assignee

Found with bench/load_explain.py on a database with 1,000,000 historical cases: the outbox
sender's poll scanned every sent SMS, and "my tasks" scanned every task of the role.

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_outbox_pending', 'outbox', ['id'], unique=False,
                    postgresql_where=sa.text('sent_at IS NULL'), sqlite_where=sa.text('sent_at IS NULL'))
    op.create_index('ix_human_tasks_assignee_status', 'human_tasks', ['assignee_id', 'status'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_human_tasks_assignee_status', table_name='human_tasks')
    op.drop_index('ix_outbox_pending', table_name='outbox')
