"""PostgreSQL: workflow states compressed with lz4 instead of pglz (issue 20 §1)

Every command writes its case's state (60–140 KB of JSON); TOAST compresses it on each write and
decompresses it on each read. lz4 does that at a fraction of pglz's CPU (measured on this VM:
0.25 vs 0.85 ms of the PostgreSQL backend per 93 KB write). Rows keep their old compression until
their next write. A server built without lz4 keeps pglz; SQLite has no such setting.

Revision ID: 0072
Revises: 0070
"""
from alembic import op


revision = '0072'
down_revision = '0071'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""DO $$ BEGIN
            ALTER TABLE workflow_states ALTER COLUMN state SET COMPRESSION lz4;
        EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN NULL;
        END $$""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE workflow_states ALTER COLUMN state SET COMPRESSION DEFAULT")
