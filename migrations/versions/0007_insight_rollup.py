"""insight rollup: day and month counts per unit / town / kind / domain / channel / red list

The P18 dashboard queries read `insight_rollup` instead of scanning `cases` (1,000,000 cases:
all-time figures in tens of milliseconds); `insight_returns` holds the accepted returns per
returning unit (the unit ranking). Triggers on `cases` and `audit_events` keep both current in the
transaction of every write (PostgreSQL: plpgsql functions; SQLite: CREATE TRIGGER); `flask qisu
insight rebuild-rollup` recomputes them. Indexes: ix_cases_handling_seconds (the exact P90 inside
one handling-time bucket), ix_cases_created_at recreated with included columns on PostgreSQL (the
same within a period, index-only), and a partial index on the redispatch audit events.

The SQL expressions here are frozen copies of `app/db/rollup_sql.py` (tests check that the
triggers, the rebuild and the direct queries agree).

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


RETURNED = "returned"
WATCHED = ("created_at", "unit_id", "town", "kind", "domain", "channel", "red_list", "status",
           "dispatched_at", "closed_at", "rating", "handling_seconds", "returns_count",
           "extensions_count", "response_on_time", "solution_on_time", "resolution_on_time")
KEY_COLUMNS = ("created_at", "unit_id", "town", "kind", "domain", "channel", "red_list")
RETURN_KEY_COLUMNS = ("created_at", "town", "kind", "domain", "channel", "red_list")


def returned_by(a: str, postgres: bool) -> str:
    if postgres:
        return f"COALESCE(CAST({a}.before ->> 'unit_id' AS INTEGER), 0)"
    return f"COALESCE(CAST(json_extract({a}.before, '$.unit_id') AS INTEGER), 0)"


def _upsert(key_values: list[str], cols: list[tuple[str, str]], select_tail: str = "",
            table: str = "insight_rollup") -> str:
    names = ", ".join((*KEYS, *(c for c, _ in cols)))
    values = ", ".join((*key_values, *(e for _, e in cols)))
    sets = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c, _ in cols)
    source = f"SELECT {values} {select_tail}" if select_tail else f"VALUES ({values})"
    return (f"INSERT INTO {table} ({names}) {source} "
            f"ON CONFLICT ({', '.join(KEYS)}) DO UPDATE SET {sets};")


def _grain_keys(r: str, grain: str, postgres: bool) -> list[str]:
    day, month, *rest = keys(r, postgres)
    return [f"'{grain}'", day if grain == "d" else month, *rest]


def upsert(r: str, sign: str, grain: str, postgres: bool) -> str:
    """Add (sign 1) or remove (-1) the case row `r` in its day or month row."""
    return _upsert(_grain_keys(r, grain, postgres),
                   [(c, f"{sign} * ({e})") for c, e in measures(r)])


def upsert_diff(grain: str, postgres: bool) -> str:
    """An update that keeps the keys: one upsert of NEW - OLD."""
    new, old = dict(measures("NEW")), dict(measures("OLD"))
    return _upsert(_grain_keys("NEW", grain, postgres),
                   [(c, f"({new[c]}) - ({old[c]})") for c in new if c != "volume"])


def move_returns(r: str, sign: str, grain: str, postgres: bool) -> str:
    """Add or remove the case's accepted returns (its dimensions changed)."""
    k = _grain_keys(r, grain, postgres)
    k[2] = returned_by("a", postgres)
    return _upsert(k, [(RETURNED, f"{sign} * COUNT(*)")],
                   f"FROM audit_events a WHERE a.case_id = {r}.id AND a.action = 'redispatch' "
                   f"GROUP BY {k[2]}", "insight_returns")


def count_return(a: str, sign: str, grain: str, postgres: bool) -> str:
    """One accepted return (audit event `a`) on the returning unit's row of the case."""
    k = _grain_keys("c", grain, postgres)
    k[2] = returned_by(a, postgres)
    return _upsert(k, [(RETURNED, sign)], f"FROM cases c WHERE c.id = {a}.case_id",
                   "insight_returns")


def _distinct(columns, postgres: bool) -> str:
    op_ = "IS DISTINCT FROM" if postgres else "IS NOT"
    return " OR ".join(f"OLD.{c} {op_} NEW.{c}" for c in columns)


def _pg_triggers() -> list[str]:
    both = "\n    ".join
    return [
        f"""CREATE FUNCTION insight_rollup_cases() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NOT ({_distinct(WATCHED, True)}) THEN
      RETURN NULL;
    END IF;
    IF NOT ({_distinct(KEY_COLUMNS, True)}) THEN
      {both(upsert_diff(g, True) for g in 'dm')}
      RETURN NULL;
    END IF;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    {both(upsert('OLD', '-1', g, True) for g in 'dm')}
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    {both(upsert('NEW', '1', g, True) for g in 'dm')}
  END IF;
  IF TG_OP = 'UPDATE' AND ({_distinct(RETURN_KEY_COLUMNS, True)}) THEN
    {both(move_returns('OLD', '-1', g, True) for g in 'dm')}
    {both(move_returns('NEW', '1', g, True) for g in 'dm')}
  END IF;
  RETURN NULL;
END $$""",
        "CREATE TRIGGER insight_rollup_cases AFTER INSERT OR UPDATE OR DELETE ON cases "
        "FOR EACH ROW EXECUTE FUNCTION insight_rollup_cases()",
        f"""CREATE FUNCTION insight_rollup_returns() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {both(count_return('NEW', '1', g, True) for g in 'dm')}
  ELSE
    {both(count_return('OLD', '-1', g, True) for g in 'dm')}
  END IF;
  RETURN NULL;
END $$""",
        "CREATE TRIGGER insight_rollup_returns_insert AFTER INSERT ON audit_events FOR EACH ROW "
        "WHEN (NEW.action = 'redispatch') EXECUTE FUNCTION insight_rollup_returns()",
        "CREATE TRIGGER insight_rollup_returns_delete AFTER DELETE ON audit_events FOR EACH ROW "
        "WHEN (OLD.action = 'redispatch') EXECUTE FUNCTION insight_rollup_returns()",
    ]


SQLITE_TRIGGERS = ("insight_rollup_cases_insert", "insight_rollup_cases_delete",
                   "insight_rollup_cases_update", "insight_rollup_cases_rekey",
                   "insight_rollup_cases_returns", "insight_rollup_returns_insert",
                   "insight_rollup_returns_delete")


def _sqlite_triggers() -> list[str]:
    def body(statements) -> str:
        return " ".join(statements)
    new = body(upsert("NEW", "1", g, False) for g in "dm")
    old = body(upsert("OLD", "-1", g, False) for g in "dm")
    watched, keyed = _distinct(WATCHED, False), _distinct(KEY_COLUMNS, False)
    return [
        f"CREATE TRIGGER insight_rollup_cases_insert AFTER INSERT ON cases BEGIN {new} END",
        f"CREATE TRIGGER insight_rollup_cases_delete AFTER DELETE ON cases BEGIN {old} END",
        f"CREATE TRIGGER insight_rollup_cases_update AFTER UPDATE ON cases "
        f"WHEN ({watched}) AND NOT ({keyed}) "
        f"BEGIN {body(upsert_diff(g, False) for g in 'dm')} END",
        f"CREATE TRIGGER insight_rollup_cases_rekey AFTER UPDATE ON cases WHEN {keyed} "
        f"BEGIN {old} {new} END",
        f"CREATE TRIGGER insight_rollup_cases_returns AFTER UPDATE ON cases "
        f"WHEN {_distinct(RETURN_KEY_COLUMNS, False)} "
        f"BEGIN {body(move_returns('OLD', '-1', g, False) for g in 'dm')} "
        f"{body(move_returns('NEW', '1', g, False) for g in 'dm')} END",
        f"CREATE TRIGGER insight_rollup_returns_insert AFTER INSERT ON audit_events "
        f"WHEN NEW.action = 'redispatch' "
        f"BEGIN {body(count_return('NEW', '1', g, False) for g in 'dm')} END",
        f"CREATE TRIGGER insight_rollup_returns_delete AFTER DELETE ON audit_events "
        f"WHEN OLD.action = 'redispatch' "
        f"BEGIN {body(count_return('OLD', '-1', g, False) for g in 'dm')} END",
    ]


def _key_columns() -> list:
    return [sa.Column('grain', sa.String(length=1), nullable=False),
            sa.Column('period', sa.Date(), nullable=False),
            sa.Column('unit_id', sa.Integer(), nullable=False),
            sa.Column('town', sa.String(length=50), nullable=False),
            sa.Column('kind', sa.String(length=10), nullable=False),
            sa.Column('domain', sa.String(length=50), nullable=False),
            sa.Column('channel', sa.String(length=10), nullable=False),
            sa.Column('red_list', sa.Boolean(), nullable=False)]


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    columns = [sa.Column(name, sa.BigInteger() if name == "handling_sum" else sa.Integer(),
                         nullable=False, server_default="0")
               for name, _ in measures("r")]
    op.create_table(
        'insight_rollup',
        *_key_columns(),
        *columns,
        sa.PrimaryKeyConstraint(*KEYS, name='pk_insight_rollup'),
    )
    # Accepted returns by the returning unit (`unit_id`), with the returned case's other keys.
    op.create_table(
        'insight_returns',
        *_key_columns(),
        sa.Column('returned', sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint(*KEYS, name='pk_insight_returns'),
    )
    # The exact P90 reads one handling-time bucket; on PostgreSQL the filter columns are included
    # so that the scan is index-only.
    op.create_index('ix_cases_handling_seconds', 'cases', ['handling_seconds'], unique=False,
                    postgresql_include=list(INCLUDED))
    # Within a period the P90 bucket is read by intake time: index-only with handling_seconds.
    op.drop_index('ix_cases_created_at', table_name='cases')
    op.create_index('ix_cases_created_at', 'cases', ['created_at'], unique=False,
                    postgresql_include=['handling_seconds', *INCLUDED[1:]])
    op.create_index('ix_audit_events_redispatch', 'audit_events', ['case_id'], unique=False,
                    postgresql_where=sa.text("action = 'redispatch'"),
                    sqlite_where=sa.text("action = 'redispatch'"))
    for statement in (_pg_triggers() if postgres else _sqlite_triggers()):
        op.execute(statement)
    for statement in rebuild_statements(postgres):  # the existing cases
        op.execute(statement)
    if postgres:
        op.execute("ANALYZE insight_rollup")
        op.execute("ANALYZE insight_returns")


INCLUDED = ("created_at", "unit_id", "town", "kind", "domain", "channel", "red_list")


def rebuild_statements(postgres: bool) -> list[str]:
    """As app/db/rollup_sql.py: rebuild_statements (frozen copy)."""
    day, _, *rest = keys("c", postgres)
    sums = ", ".join(f"SUM({e})" for _, e in measures("c"))
    names = ", ".join((*KEYS, *(n for n, _ in measures("c"))))
    group = ", ".join(str(i) for i in range(2, 9))
    month = ("CAST(date_trunc('month', period) AS DATE)" if postgres
             else "strftime('%Y-%m-01', period)")
    dims = "unit_id, town, kind, domain, channel, red_list"
    return ["DELETE FROM insight_rollup", "DELETE FROM insight_returns",
            f"INSERT INTO insight_rollup ({names}) SELECT 'd', {day}, {', '.join(rest)}, "
            f"{sums} FROM cases c GROUP BY {group} ORDER BY 2",
            f"INSERT INTO insight_rollup ({names}) SELECT 'm', {month}, {dims}, "
            f"{', '.join(f'SUM({n})' for n, _ in measures('c'))} FROM insight_rollup "
            f"WHERE grain = 'd' GROUP BY {group} ORDER BY 2",
            f"INSERT INTO insight_returns ({', '.join(KEYS)}, {RETURNED}) "
            f"SELECT 'd', {day}, {returned_by('a', postgres)}, {', '.join(rest[1:])}, COUNT(*) "
            f"FROM audit_events a JOIN cases c ON c.id = a.case_id "
            f"WHERE a.action = 'redispatch' GROUP BY {group} ORDER BY 2",
            f"INSERT INTO insight_returns ({', '.join(KEYS)}, {RETURNED}) "
            f"SELECT 'm', {month}, {dims}, SUM({RETURNED}) FROM insight_returns "
            f"WHERE grain = 'd' GROUP BY {group} ORDER BY 2"]


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS insight_rollup_returns_insert ON audit_events")
        op.execute("DROP TRIGGER IF EXISTS insight_rollup_returns_delete ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS insight_rollup_returns()")
        op.execute("DROP TRIGGER IF EXISTS insight_rollup_cases ON cases")
        op.execute("DROP FUNCTION IF EXISTS insight_rollup_cases()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index('ix_audit_events_redispatch', table_name='audit_events')
    op.drop_index('ix_cases_handling_seconds', table_name='cases')
    op.drop_index('ix_cases_created_at', table_name='cases')
    op.create_index('ix_cases_created_at', 'cases', ['created_at'], unique=False)
    op.drop_table('insight_returns')
    op.drop_table('insight_rollup')
