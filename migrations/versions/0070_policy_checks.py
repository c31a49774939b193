"""policy_checks and design_events; deployments record the check they passed or the admin's
override (issue 19 §5)

Revision ID: 0070
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa


revision = '0070'
down_revision = '0051'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'policy_checks',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('base_deployment_id', sa.Integer(), sa.ForeignKey('deployments.id'), nullable=True),
        sa.Column('bundle_hash', sa.String(length=64), nullable=False, index=True),
        sa.Column('edits', sa.JSON(), nullable=False),
        sa.Column('rules', sa.JSON(), nullable=True),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('total', sa.Integer(), nullable=True),
        sa.Column('done', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('results', sa.JSON(), nullable=False),
        sa.Column('message', sa.Text(), nullable=True),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('created_by', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
    )
    op.create_table(
        'design_events',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('actor_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=True),
        sa.Column('actor_name', sa.String(length=100), nullable=True),
        sa.Column('actor_role', sa.String(length=20), nullable=True),
        sa.Column('action', sa.String(length=40), nullable=False),
        sa.Column('deployment_id', sa.Integer(), nullable=True, index=True),
        sa.Column('policy_check_id', sa.Integer(), nullable=True),
        sa.Column('detail', sa.JSON(), nullable=True),
    )
    op.add_column('deployments', sa.Column('policy_check_id', sa.Integer(), nullable=True))
    op.add_column('deployments', sa.Column('policy_override_reason', sa.Text(), nullable=True))
    op.add_column('deployments', sa.Column('policy_override_by', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('deployments') as batch:
        batch.drop_column('policy_override_by')
        batch.drop_column('policy_override_reason')
        batch.drop_column('policy_check_id')
    op.drop_table('design_events')
    op.drop_table('policy_checks')
