"""routing models, case suggestion and fact columns, surge alerts

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 10:28:13.144901
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('routing_models',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('config', sa.String(length=30), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('n_samples', sa.Integer(), nullable=False),
    sa.Column('labels', sa.JSON(), nullable=False),
    sa.Column('threshold', sa.Float(), nullable=False),
    sa.Column('metrics', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('blob', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('surge_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('day', sa.String(length=8), nullable=False),
    sa.Column('scope', sa.String(length=12), nullable=False),
    sa.Column('domain', sa.String(length=50), nullable=True),
    sa.Column('town', sa.String(length=50), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('window_start', sa.DateTime(), nullable=False),
    sa.Column('window_end', sa.DateTime(), nullable=False),
    sa.Column('observed', sa.Integer(), nullable=False),
    sa.Column('expected', sa.Float(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('detected_at', sa.DateTime(), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(), nullable=True),
    sa.Column('acknowledged_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['acknowledged_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key', 'day')
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('predicted_domain', sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column('domain_confidence', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('domain_top3', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('routing_model_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('auto_dispatched', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('dispatched_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('handling_seconds', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('response_on_time', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('solution_on_time', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('resolution_on_time', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('returns_count', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('extensions_count', sa.Integer(), nullable=False, server_default='0'))
        batch_op.create_index('ix_cases_created_at', ['created_at'], unique=False)
        batch_op.create_foreign_key('fk_cases_routing_model_id', 'routing_models', ['routing_model_id'], ['id'])
    # P18 insight: statistics and lookups for the dashboard queries (app/services/insight/filters.py).
    op.create_index('ix_cases_handling_hour', 'cases', [sa.text('(handling_seconds / 3600)')])
    if op.get_bind().dialect.name == 'postgresql':
        op.create_index('ix_cases_local_day', 'cases',
                        [sa.text("date_trunc('day'::text, created_at + '08:00:00'::interval)")])



def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_cases_local_day', table_name='cases')
    op.drop_index('ix_cases_handling_hour', table_name='cases')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint('fk_cases_routing_model_id', type_='foreignkey')
        batch_op.drop_index('ix_cases_created_at')
        batch_op.drop_column('extensions_count')
        batch_op.drop_column('returns_count')
        batch_op.drop_column('resolution_on_time')
        batch_op.drop_column('solution_on_time')
        batch_op.drop_column('response_on_time')
        batch_op.drop_column('handling_seconds')
        batch_op.drop_column('dispatched_at')
        batch_op.drop_column('auto_dispatched')
        batch_op.drop_column('routing_model_id')
        batch_op.drop_column('domain_top3')
        batch_op.drop_column('domain_confidence')
        batch_op.drop_column('predicted_domain')

    op.drop_table('surge_alerts')
    op.drop_table('routing_models')
