"""insight_rollup_cases fires at commit in every transaction (PostgreSQL; issue 20 §5)

Migration 0012 made the trigger deferrable and each intake deferred it for its own transaction
with one more statement (`SET CONSTRAINTS … DEFERRED`). INITIALLY DEFERRED does the same for
every transaction without that statement: the day's rollup row is locked only while a command
commits, not across its engine run. Deferred row triggers run at commit in the order of the
writes, with each write's OLD and NEW, so the sums are the same. SQLite: nothing to do.

Revision ID: 0090
Revises: 0080
"""
from alembic import op


revision = '0090'
down_revision = '0080'
branch_labels = None
depends_on = None


def _recreate(initially: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER insight_rollup_cases ON cases")
    op.execute("CREATE CONSTRAINT TRIGGER insight_rollup_cases AFTER INSERT OR UPDATE OR DELETE "
               f"ON cases DEFERRABLE INITIALLY {initially} "
               "FOR EACH ROW EXECUTE FUNCTION insight_rollup_cases()")


def upgrade() -> None:
    _recreate("DEFERRED")


def downgrade() -> None:
    _recreate("IMMEDIATE")
