"""insight rollup: day and month counts per unit / town / kind / domain / channel / red list

The P18 dashboard queries read these rows instead of scanning `cases` (1,000,000 cases: all-time
figures in tens of milliseconds). Triggers on `cases` keep them current in the transaction of every
write (PostgreSQL: one plpgsql function; SQLite: three triggers); `flask qisu insight
rebuild-rollup` recomputes them from the cases. A partial index on the redispatch audit events
(the returns of the unit ranking) and an index on handling_seconds (the exact P90 lookup) go with it.

The measure expressions here are frozen copies of `app/services/insight/rollup.py: MEASURES`
(tests/integration/test_insight_rollup.py checks that triggers and rebuild agree).

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

KEYS = ("grain", "period", "unit_id", "town", "kind", "domain", "channel", "red_list")
# Upper bounds (exclusive, hours) of the handling-time buckets h00..h23; h23 is open-ended.
BUCKET_HOURS = (1, 2, 4, 8, 16, 24, 36, 48, 72, 96, 120, 144, 168, 192, 240, 288, 336, 432, 528,
                720, 1080, 1440, 2160)


def _flag(condition: str) -> str:
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


def measures(r: str) -> list[tuple[str, str]]:
    """(column, expression over the case row `r`): one case's contribution."""
    out = [
        ("volume", "1"),
        ("dispatched", _flag(f"{r}.dispatched_at IS NOT NULL")),
        ("direct_replies", _flag(f"{r}.status = 'direct_replied'")),
        ("closed", _flag(f"{r}.closed_at IS NOT NULL")),
        ("rated", _flag(f"{r}.rating IS NOT NULL")),
        ("satisfied_strict", _flag(f"{r}.rating IN ('非常满意', '满意')")),
        ("satisfied_basic", _flag(f"{r}.rating IN ('非常满意', '满意', '基本满意')")),
        ("handled", _flag(f"{r}.handling_seconds IS NOT NULL")),
        ("handling_sum", f"COALESCE({r}.handling_seconds, 0)"),
        ("returns", f"COALESCE({r}.returns_count, 0)"),
        ("extensions", f"COALESCE({r}.extensions_count, 0)"),
    ]
    for clock in ("response", "solution", "resolution"):
        out.append((f"{clock}_finished", _flag(f"{r}.{clock}_on_time IS NOT NULL")))
        out.append((f"{clock}_on_time", _flag(f"{r}.{clock}_on_time = TRUE")))
    low = 0
    for i, high in enumerate(BUCKET_HOURS + (None,)):
        cond = f"{r}.handling_seconds >= {low * 3600}"
        if high is not None:
            cond += f" AND {r}.handling_seconds < {high * 3600}"
        out.append((f"h{i:02d}", _flag(cond)))
        low = high
    return out


def keys(r: str, postgres: bool) -> list[str]:
    if postgres:
        day = f"CAST({r}.created_at + INTERVAL '8 hours' AS DATE)"
        month = f"CAST(date_trunc('month', {r}.created_at + INTERVAL '8 hours') AS DATE)"
    else:
        day = f"date({r}.created_at, '+8 hours')"
        month = f"strftime('%Y-%m-01', {r}.created_at, '+8 hours')"
    rest = [f"COALESCE({r}.unit_id, 0)", f"COALESCE({r}.town, '')", f"{r}.kind",
            f"COALESCE({r}.domain, '')", f"{r}.channel", f"COALESCE({r}.red_list, FALSE)"]
    return [day, month, *rest]


WATCHED = ("created_at", "unit_id", "town", "kind", "domain", "channel", "red_list", "status",
           "dispatched_at", "closed_at", "rating", "handling_seconds", "returns_count",
           "extensions_count", "response_on_time", "solution_on_time", "resolution_on_time")


def upsert(r: str, sign: str, grain: str, postgres: bool) -> str:
    day, month, *rest = keys(r, postgres)
    period = day if grain == "d" else month
    cols = measures(r)
    names = ", ".join((*KEYS, *(c for c, _ in cols)))
    values = ", ".join((f"'{grain}'", period, *rest, *(f"{sign} * ({e})" for _, e in cols)))
    target = "insight_rollup" if postgres else "insight_rollup"
    sets = ", ".join(f"{c} = {target}.{c} + excluded.{c}" for c, _ in cols)
    return (f"INSERT INTO insight_rollup ({names}) VALUES ({values}) "
            f"ON CONFLICT ({', '.join(KEYS)}) DO UPDATE SET {sets};")


def changed(postgres: bool) -> str:
    if postgres:
        return " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in WATCHED)
    return " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in WATCHED)


def _pg_trigger() -> list[str]:
    body = "\n    ".join
    return [
        f"""CREATE FUNCTION insight_rollup_cases() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NOT ({changed(True)}) THEN
      RETURN NULL;
    END IF;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    {body(upsert('OLD', '-1', g, True) for g in 'dm')}
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    {body(upsert('NEW', '1', g, True) for g in 'dm')}
  END IF;
  RETURN NULL;
END $$""",
        "CREATE TRIGGER insight_rollup_cases AFTER INSERT OR UPDATE OR DELETE ON cases "
        "FOR EACH ROW EXECUTE FUNCTION insight_rollup_cases()",
    ]


def _sqlite_triggers() -> list[str]:
    new = " ".join(upsert("NEW", "1", g, False) for g in "dm")
    old = " ".join(upsert("OLD", "-1", g, False) for g in "dm")
    return [
        f"CREATE TRIGGER insight_rollup_cases_insert AFTER INSERT ON cases BEGIN {new} END",
        f"CREATE TRIGGER insight_rollup_cases_delete AFTER DELETE ON cases BEGIN {old} END",
        f"CREATE TRIGGER insight_rollup_cases_update AFTER UPDATE ON cases "
        f"WHEN {changed(False)} BEGIN {old} {new} END",
    ]


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    columns = [sa.Column(name, sa.BigInteger() if name == "handling_sum" else sa.Integer(),
                         nullable=False, server_default="0") for name, _ in measures("r")]
    op.create_table(
        'insight_rollup',
        sa.Column('grain', sa.String(length=1), nullable=False),
        sa.Column('period', sa.Date(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('town', sa.String(length=50), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('domain', sa.String(length=50), nullable=False),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.Column('red_list', sa.Boolean(), nullable=False),
        *columns,
        sa.PrimaryKeyConstraint(*KEYS, name='pk_insight_rollup'),
    )
    op.create_index('ix_cases_handling_seconds', 'cases', ['handling_seconds'], unique=False)
    op.create_index('ix_audit_events_redispatch', 'audit_events', ['case_id'], unique=False,
                    postgresql_where=sa.text("action = 'redispatch'"),
                    sqlite_where=sa.text("action = 'redispatch'"))
    for statement in (_pg_trigger() if postgres else _sqlite_triggers()):
        op.execute(statement)
    # Existing cases: the same sums as `flask qisu insight rebuild-rollup`.
    day, month, *rest = keys("c", postgres)
    sums = ", ".join(f"SUM({e})" for _, e in measures("c"))
    names = ", ".join((*KEYS, *(c for c, _ in measures("c"))))
    group = ", ".join(str(i) for i in range(2, 9))
    op.execute(f"INSERT INTO insight_rollup ({names}) SELECT 'd', {day}, {', '.join(rest)}, {sums} "
               f"FROM cases c GROUP BY {group}")
    op.execute(f"INSERT INTO insight_rollup ({names}) SELECT 'm', {month}, {', '.join(rest)}, "
               f"{sums} FROM cases c GROUP BY {group}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS insight_rollup_cases ON cases")
        op.execute("DROP FUNCTION IF EXISTS insight_rollup_cases()")
    else:
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS insight_rollup_cases_{name}")
    op.drop_index('ix_audit_events_redispatch', table_name='audit_events')
    op.drop_index('ix_cases_handling_seconds', table_name='cases')
    op.drop_table('insight_rollup')
