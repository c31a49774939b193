"""insight_rollup_cases becomes a deferrable constraint trigger (PostgreSQL; issue 17 §1)

Unchanged by default (INITIALLY IMMEDIATE: the rollup is updated at each write, as before). An
intake defers it for its own transaction (`SET CONSTRAINTS insight_rollup_cases DEFERRED`), so the
day's rollup row that a new case counts in is locked only while the intake commits, not across
its workflow engine run: two intakes on the same day, kind and domain no longer queue behind each
other. Deferred row triggers run at commit in the order of the writes, with each write's OLD and
NEW, so the sums are the same. SQLite: nothing to do (one writer at a time anyway).

Revision ID: 0012
Revises: 0011
"""
from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def _recreate(kind: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER insight_rollup_cases ON cases")
    op.execute(f"CREATE {kind} insight_rollup_cases AFTER INSERT OR UPDATE OR DELETE ON cases "
               + ("DEFERRABLE INITIALLY IMMEDIATE " if kind == "CONSTRAINT TRIGGER" else "")
               + "FOR EACH ROW EXECUTE FUNCTION insight_rollup_cases()")


def upgrade() -> None:
    _recreate("CONSTRAINT TRIGGER")


def downgrade() -> None:
    _recreate("TRIGGER")
