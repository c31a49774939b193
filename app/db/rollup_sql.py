"""The insight rollup (`insight_rollup`, migration 0007): one case's contribution to its day and
month rows, as SQL over a case row. Used to rebuild the rollup from `cases`; the triggers of
migration 0007 hold a frozen copy of the same expressions (tests check that both agree)."""
from __future__ import annotations

KEYS = ("grain", "period", "unit_id", "town", "kind", "domain", "channel", "red_list")
DIMENSIONS = KEYS[2:]
# Upper bounds (exclusive, hours) of the handling-time buckets h00..h23; h23 is open-ended.
BUCKET_HOURS = (1, 2, 4, 8, 16, 24, 36, 48, 72, 96, 120, 144, 168, 192, 240, 288, 336, 432, 528,
                720, 1080, 1440, 2160)
BUCKETS = tuple(f"h{i:02d}" for i in range(len(BUCKET_HOURS) + 1))
NONE_TEXT = ""    # town / domain NULL in the rollup key
NONE_UNIT = 0     # unit_id NULL in the rollup key


def _flag(condition: str) -> str:
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


def bucket_bounds(i: int) -> tuple[int, int | None]:
    """Bucket `i` as [low, high) seconds (high None: open-ended)."""
    low = BUCKET_HOURS[i - 1] * 3600 if i else 0
    return low, (BUCKET_HOURS[i] * 3600 if i < len(BUCKET_HOURS) else None)


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
    for i, name in enumerate(BUCKETS):
        low, high = bucket_bounds(i)
        cond = f"{r}.handling_seconds >= {low}"
        if high is not None:
            cond += f" AND {r}.handling_seconds < {high}"
        out.append((name, _flag(cond)))
    return out


# insight_returns.returned: accepted returns *by* the row's unit (audit action `redispatch`, the
# unit in `before`), for the unit ranking; kept by triggers on audit_events and cases.
RETURNED = "returned"
MEASURES = tuple(name for name, _ in measures("r"))


def returned_by(a: str, postgres: bool) -> str:
    """The unit that returned the case, from the audit event row `a`."""
    if postgres:
        return f"COALESCE(CAST({a}.before ->> 'unit_id' AS INTEGER), {NONE_UNIT})"
    return f"COALESCE(CAST(json_extract({a}.before, '$.unit_id') AS INTEGER), {NONE_UNIT})"


def keys(r: str, postgres: bool) -> list[str]:
    """[local day, local month, unit, town, kind, domain, channel, red list] of the case row `r`."""
    if postgres:
        day = f"CAST({r}.created_at + INTERVAL '8 hours' AS DATE)"
        month = f"CAST(date_trunc('month', {r}.created_at + INTERVAL '8 hours') AS DATE)"
    else:
        day = f"date({r}.created_at, '+8 hours')"
        month = f"strftime('%Y-%m-01', {r}.created_at, '+8 hours')"
    rest = [f"COALESCE({r}.unit_id, {NONE_UNIT})", f"COALESCE({r}.town, '{NONE_TEXT}')",
            f"{r}.kind", f"COALESCE({r}.domain, '{NONE_TEXT}')", f"{r}.channel",
            f"COALESCE({r}.red_list, FALSE)"]
    return [day, month, *rest]


def rebuild_statements(postgres: bool) -> list[str]:
    """Recompute every row from `cases` and the redispatch events (run in one transaction with
    `cases` locked): day rows in period order, then month rows from the day rows."""
    day, _, *rest = keys("c", postgres)
    sums = ", ".join(f"SUM({e})" for _, e in measures("c"))
    names = ", ".join((*KEYS, *MEASURES))
    group = ", ".join(str(i) for i in range(2, 9))
    month = ("CAST(date_trunc('month', period) AS DATE)" if postgres
             else "strftime('%Y-%m-01', period)")
    dims = ", ".join(DIMENSIONS)
    # DELETE, not TRUNCATE: dashboard reads keep answering from the old rows until the commit
    # (TRUNCATE's ACCESS EXCLUSIVE lock made them wait for the whole rebuild); on PostgreSQL
    # `rebuild` vacuums the dead versions afterwards.
    return ["DELETE FROM insight_rollup", "DELETE FROM insight_returns",
            f"INSERT INTO insight_rollup ({names}) SELECT 'd', {day}, {', '.join(rest)}, "
            f"{sums} FROM cases c GROUP BY {group} ORDER BY 2",
            f"INSERT INTO insight_rollup ({names}) SELECT 'm', {month}, {dims}, "
            f"{', '.join(f'SUM({m})' for m in MEASURES)} FROM insight_rollup WHERE grain = 'd' "
            f"GROUP BY {group} ORDER BY 2",
            f"INSERT INTO insight_returns ({', '.join(KEYS)}, {RETURNED}) "
            f"SELECT 'd', {day}, {returned_by('a', postgres)}, {', '.join(rest[1:])}, COUNT(*) "
            f"FROM audit_events a JOIN cases c ON c.id = a.case_id "
            f"WHERE a.action = 'redispatch' GROUP BY {group} ORDER BY 2",
            f"INSERT INTO insight_returns ({', '.join(KEYS)}, {RETURNED}) "
            f"SELECT 'm', {month}, {dims}, SUM({RETURNED}) FROM insight_returns "
            f"WHERE grain = 'd' GROUP BY {group} ORDER BY 2"]
