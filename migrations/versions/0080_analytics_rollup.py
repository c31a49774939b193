"""process analytics rollup: per-case paths and steps, day/month rollups per element and per
path, dirty marks kept by triggers; backfilled from the existing cases (issue 21 §7)

The SQL comes from app/db/analytics_sql_0080.py, a frozen copy of app/db/analytics_sql.py
(bucket bounds, the rebuild and the triggers); a test fails when the two generate different SQL.

Revision ID: 0080
Revises: 0070
"""
from alembic import op
import sqlalchemy as sa

from app.db import analytics_sql_0080 as sql


revision = '0080'
down_revision = '0072'
branch_labels = None
depends_on = None


def _dimensions() -> list:
    return [sa.Column('deployment_id', sa.Integer(), nullable=False),
            sa.Column('unit_id', sa.Integer(), nullable=False),
            sa.Column('town', sa.String(length=50), nullable=False),
            sa.Column('kind', sa.String(length=10), nullable=False),
            sa.Column('domain', sa.String(length=50), nullable=False),
            sa.Column('channel', sa.String(length=10), nullable=False),
            sa.Column('red_list', sa.Boolean(), nullable=False)]


def _keys() -> list:
    return [sa.Column('grain', sa.String(length=1), nullable=False),
            sa.Column('period', sa.Date(), nullable=False), *_dimensions()]


def _counts(names) -> list:
    return [sa.Column(n, sa.Integer(), nullable=False, server_default='0') for n in names]


DIMS = ('deployment_id', 'unit_id', 'town', 'kind', 'domain', 'channel', 'red_list')


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table('analytics_dirty',
                    sa.Column('case_id', sa.Integer(), autoincrement=False, nullable=False),
                    sa.PrimaryKeyConstraint('case_id'))
    op.create_table('analytics_cases',
                    sa.Column('case_id', sa.Integer(), autoincrement=False, nullable=False),
                    sa.Column('created_at', sa.DateTime(), nullable=False),
                    *_dimensions(),
                    sa.Column('path', sa.Text(), nullable=False),
                    sa.Column('lead_seconds', sa.Integer(), nullable=True),
                    sa.Column('lead_bucket', sa.Integer(), nullable=True),
                    sa.Column('rated', sa.Integer(), nullable=False),
                    sa.Column('satisfied', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('case_id'))
    op.create_index('ix_analytics_cases_path_created', 'analytics_cases', ['path', 'created_at'])
    op.create_table('analytics_case_steps',
                    sa.Column('case_id', sa.Integer(), nullable=False),
                    sa.Column('source', sa.String(length=1), nullable=False),
                    sa.Column('element', sa.String(length=100), nullable=False),
                    sa.Column('bucket', sa.Integer(), nullable=False),
                    sa.Column('passes', sa.Integer(), nullable=False),
                    sa.Column('breached', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('case_id', 'source', 'element', 'bucket',
                                            name='pk_analytics_case_steps'))
    op.create_table('analytics_elements', *_keys(),
                    sa.Column('source', sa.String(length=1), nullable=False),
                    sa.Column('element', sa.String(length=100), nullable=False),
                    *_counts(('passes', 'cases', 'breached', 'timed', *sql.DURATIONS)),
                    sa.PrimaryKeyConstraint('grain', 'period', *DIMS, 'source', 'element',
                                            name='pk_analytics_elements'))
    op.create_table('analytics_variants', *_keys(),
                    sa.Column('path', sa.Text(), nullable=False),
                    *_counts(('cases', 'closed', 'rated', 'satisfied', *sql.LEADS)),
                    sa.PrimaryKeyConstraint('grain', 'period', *DIMS, 'path',
                                            name='pk_analytics_variants'))
    op.create_table('analytics_clocks',
                    sa.Column('clock_id', sa.Integer(), autoincrement=False, nullable=False),
                    sa.Column('case_id', sa.Integer(), nullable=False),
                    sa.Column('created_at', sa.DateTime(), nullable=False),
                    *_dimensions(),
                    sa.Column('matter_class', sa.String(length=12), nullable=False),
                    sa.Column('clock', sa.String(length=12), nullable=False),
                    sa.Column('started_at', sa.DateTime(), nullable=False),
                    sa.Column('warn_at', sa.DateTime(), nullable=False),
                    sa.Column('due_at', sa.DateTime(), nullable=False),
                    sa.Column('met_at', sa.DateTime(), nullable=False),
                    sa.Column('extensions', sa.Integer(), nullable=False),
                    sa.Column('start_day', sa.Date(), nullable=False),
                    sa.Column('elapsed_us', sa.BigInteger(), nullable=False),
                    sa.Column('today', sa.SmallInteger(), nullable=False),
                    sa.PrimaryKeyConstraint('clock_id'))
    op.create_index('ix_analytics_clocks_case_id', 'analytics_clocks', ['case_id'])
    op.create_index('ix_analytics_clocks_created_at', 'analytics_clocks', ['created_at'])
    op.create_index('ix_analytics_clocks_extended', 'analytics_clocks', ['case_id'],
                    postgresql_where=sa.text("extensions > 0"), sqlite_where=sa.text("extensions > 0"))
    for statement in sql.dirty_triggers(postgres):
        op.execute(statement)
    for statement in sql.rebuild_statements(postgres):  # the existing cases
        op.execute(statement)
    if postgres:
        for table in ('analytics_cases', 'analytics_case_steps', 'analytics_elements',
                      'analytics_variants', 'analytics_clocks'):
            op.execute(f"ANALYZE {table}")


def downgrade() -> None:
    for statement in sql.drop_triggers(op.get_bind().dialect.name == "postgresql"):
        op.execute(statement)
    for table in ('analytics_clocks', 'analytics_variants', 'analytics_elements',
                  'analytics_case_steps', 'analytics_cases', 'analytics_dirty'):
        op.drop_table(table)
