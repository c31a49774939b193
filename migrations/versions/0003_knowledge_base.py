"""knowledge base: policy answers an agent cites in a direct reply

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 20:22:23.731893
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('knowledge_articles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('domain', sa.String(length=50), nullable=True),
    sa.Column('tags', sa.String(length=300), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('title')
    )
    with op.batch_alter_table('knowledge_articles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_knowledge_articles_domain'), ['domain'], unique=False)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kb_article_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_cases_kb_article_id', 'knowledge_articles',
                                    ['kb_article_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint('fk_cases_kb_article_id', type_='foreignkey')
        batch_op.drop_column('kb_article_id')

    with op.batch_alter_table('knowledge_articles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_knowledge_articles_domain'))

    op.drop_table('knowledge_articles')
