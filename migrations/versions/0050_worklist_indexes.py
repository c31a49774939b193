"""worklist indexes: ready tasks per queue in list order (issue 20 §3)

Partial indexes over ready tasks only, one per queue kind (a unit's, a role's) and list order
(created_at, due_at), red_list second so that each half of a page (red-listed first) is one
range of the index; an enterprise's ready tasks by enterprise. app/services/worklist.py reads
them with LIMIT, so a page costs the same at 10 or 100,000 open tasks.

Revision ID: 0050
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa


revision = '0050'
down_revision = '0013'
branch_labels = None
depends_on = None

READY = "status = 'ready'"
READY_UNIT = "status = 'ready' AND role = 'unit'"
INDEXES = (
    ('ix_human_tasks_ready_unit', ['unit_id', 'red_list', 'created_at', 'id'], READY_UNIT),
    ('ix_human_tasks_ready_unit_due', ['unit_id', 'red_list', 'due_at', 'id'], READY_UNIT),
    ('ix_human_tasks_ready_role', ['role', 'red_list', 'created_at', 'id'], READY),
    ('ix_human_tasks_ready_role_due', ['role', 'red_list', 'due_at', 'id'], READY),
    ('ix_human_tasks_ready_enterprise', ['enterprise_id'], READY),
)


def upgrade() -> None:
    for name, columns, where in INDEXES:
        op.create_index(name, 'human_tasks', columns, unique=False,
                        postgresql_where=sa.text(where), sqlite_where=sa.text(where))


def downgrade() -> None:
    for name, _columns, _where in reversed(INDEXES):
        op.drop_index(name, table_name='human_tasks')
