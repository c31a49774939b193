"""routing audits: automatically dispatched cases drawn for a supervisor to check (P4 抽检)

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('routing_audits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('model_version', sa.Integer(), nullable=False),
    sa.Column('drawn_at', sa.DateTime(), nullable=False),
    sa.Column('drawn_by', sa.String(length=64), nullable=False),
    sa.Column('verdict', sa.String(length=10), nullable=True),
    sa.Column('audited_domain', sa.String(length=50), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('judged_at', sa.DateTime(), nullable=True),
    sa.Column('judged_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['model_version'], ['routing_models.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id')
    )
    with op.batch_alter_table('routing_audits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_routing_audits_model_version'), ['model_version'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('routing_audits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_routing_audits_model_version'))
    op.drop_table('routing_audits')
