"""The process analytics rollup (issue 21 §7, migration 0080): its SQL, for both databases.

Two per-case read tables hold what each case contributes:
- `analytics_cases`: the case's dimensions (as the insight rollup's keys), its path (user tasks in
  the order they opened, `>`-joined) and lead time, rating;
- `analytics_case_steps`: per element (user task, source 't'; fired timer, source 'e') and
  duration bucket, the case's done passes and breached passes.
- `analytics_clocks`: the finished deadline clocks with the case's dimensions and matter class,
  so that what-if reads one narrow table (no join to `cases`).
Two rollups sum them per local day ('d') and month ('m') and the dimensions (plus the deployment):
- `analytics_elements`: passes, cases, breached, timed (passes with a duration) and the duration
  histogram d00..d71 per element;
- `analytics_variants`: cases, closed, rated, satisfied and the lead-time histogram l00..l71 per
  path.

Writers only mark a case dirty (`analytics_dirty`, triggers on cases, human_tasks, timers and
sla_clocks: an
insert that is a no-op when the case is already marked). A reader first folds the dirty cases
in (`refresh_statements`): their old contribution is subtracted from the rollups, the per-case
rows are recomputed from `cases`, `human_tasks` and `timers`, and added again — one set-based
pass for all dirty cases. `rebuild_statements` computes everything from scratch.
"""
from __future__ import annotations

from .rollup_sql import NONE_TEXT, NONE_UNIT

# Histogram bucket i ≥ 1 holds durations in [BOUNDS[i-1], BOUNDS[i]) seconds; bucket 0 is
# [0, 60); the last bucket is open-ended. Geometric steps of 2^(1/4) (~19 %) from one minute
# to ~153 days.
BUCKET_COUNT = 72
BOUNDS = tuple(round(60 * 2 ** (i / 4)) for i in range(BUCKET_COUNT - 1))
DURATIONS = tuple(f"d{i:02d}" for i in range(BUCKET_COUNT))
LEADS = tuple(f"l{i:02d}" for i in range(BUCKET_COUNT))
DIMENSIONS = ("deployment_id", "unit_id", "town", "kind", "domain", "channel", "red_list")
ELEMENT_KEYS = ("grain", "period", *DIMENSIONS, "source", "element")
VARIANT_KEYS = ("grain", "period", *DIMENSIONS, "path")
ELEMENT_MEASURES = ("passes", "cases", "breached", "timed", *DURATIONS)
VARIANT_MEASURES = ("cases", "closed", "rated", "satisfied", *LEADS)
SATISFIED = ("非常满意", "满意")
SEP = ">"
BATCH = "analytics_batch"


def bucket_of(seconds: int) -> int:
    """The histogram bucket of a duration (as the SQL's `bucket_sql`)."""
    i = 0
    while i < len(BOUNDS) and seconds >= BOUNDS[i]:
        i += 1
    return i


def bucket_range(i: int) -> tuple[int, int | None]:
    """Bucket i as [low, high) seconds (high None: open-ended)."""
    return (BOUNDS[i - 1] if i else 0), (BOUNDS[i] if i < len(BOUNDS) else None)


def bucket_sql(seconds: str) -> str:
    """SQL: the bucket of the integer expression `seconds` (binary search in CASE ladders)."""
    def ladder(lo: int, hi: int) -> str:  # buckets lo..hi
        if lo == hi:
            return str(lo)
        mid = (lo + hi + 1) // 2          # seconds >= BOUNDS[mid - 1] -> bucket >= mid
        return f"CASE WHEN {seconds} >= {BOUNDS[mid - 1]} THEN {ladder(mid, hi)} ELSE {ladder(lo, mid - 1)} END"
    return ladder(0, BUCKET_COUNT - 1)


def _seconds(later: str, earlier: str, postgres: bool) -> str:
    if postgres:
        return f"CAST(floor(extract(epoch FROM {later} - {earlier})) AS INTEGER)"
    return f"CAST(round((julianday({later}) - julianday({earlier})) * 86400, 3) AS INTEGER)"


def _micros(later: str, earlier: str, postgres: bool) -> str:
    """Exact microseconds between two timestamps (PostgreSQL; SQLite: to the millisecond, only
    PostgreSQL's what-if reads it)."""
    if postgres:
        return f"CAST(extract(epoch FROM {later} - {earlier}) * 1000000 AS BIGINT)"
    return f"CAST(round((julianday({later}) - julianday({earlier})) * 86400000) * 1000 AS INTEGER)"


def _day(column: str, postgres: bool) -> str:
    if postgres:
        return f"CAST({column} + INTERVAL '8 hours' AS DATE)"
    return f"date({column}, '+8 hours')"


def _month(column: str, postgres: bool) -> str:
    if postgres:
        return f"CAST(date_trunc('month', {column} + INTERVAL '8 hours') AS DATE)"
    return f"strftime('%Y-%m-01', {column}, '+8 hours')"


def _period(postgres: bool) -> str:
    return (f"CASE WHEN g.grain = 'd' THEN {_day('ac.created_at', postgres)} "
            f"ELSE {_month('ac.created_at', postgres)} END")


GRAINS = "(SELECT 'd' AS grain UNION ALL SELECT 'm' AS grain) g"


def _upsert(table: str, keys: tuple, measures: tuple, select: str) -> str:
    sets = ", ".join(f"{m} = {table}.{m} + excluded.{m}" for m in measures)
    return (f"INSERT INTO {table} ({', '.join((*keys, *measures))}) {select} "
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {sets}")


def _in_batch(column: str, everything: bool) -> str:
    return "1 = 1" if everything else f"{column} IN (SELECT case_id FROM {BATCH})"


def _fold(sign: str, postgres: bool, everything: bool) -> list[str]:
    """Add (sign '') or subtract ('-') the per-case rows of the batch to/from the rollups."""
    dims = ", ".join(f"ac.{d}" for d in DIMENSIONS)
    group = ", ".join(str(i) for i in range(1, 2 + len(DIMENSIONS) + 1 + 2))
    hist = ", ".join(f"{sign}SUM(CASE WHEN s.bucket = {i} THEN s.passes ELSE 0 END)"
                     for i in range(BUCKET_COUNT))
    elements = _upsert("analytics_elements", ELEMENT_KEYS, ELEMENT_MEASURES, (
        f"SELECT g.grain, {_period(postgres)}, {dims}, s.source, s.element, "
        f"{sign}SUM(s.passes), {sign}COUNT(DISTINCT s.case_id), {sign}SUM(s.breached), "
        f"{sign}SUM(CASE WHEN s.bucket >= 0 THEN s.passes ELSE 0 END), {hist} "
        f"FROM analytics_case_steps s JOIN analytics_cases ac ON ac.case_id = s.case_id "
        f"CROSS JOIN {GRAINS} WHERE {_in_batch('s.case_id', everything)} GROUP BY {group}"))
    leads = ", ".join(f"{sign}SUM(CASE WHEN ac.lead_bucket = {i} THEN 1 ELSE 0 END)"
                      for i in range(BUCKET_COUNT))
    vgroup = ", ".join(str(i) for i in range(1, 2 + len(DIMENSIONS) + 1 + 1))
    variants = _upsert("analytics_variants", VARIANT_KEYS, VARIANT_MEASURES, (
        f"SELECT g.grain, {_period(postgres)}, {dims}, ac.path, {sign}COUNT(*), "
        f"{sign}SUM(CASE WHEN ac.lead_bucket IS NOT NULL THEN 1 ELSE 0 END), "
        f"{sign}SUM(ac.rated), {sign}SUM(ac.satisfied), {leads} "
        f"FROM analytics_cases ac CROSS JOIN {GRAINS} "
        f"WHERE {_in_batch('ac.case_id', everything)} GROUP BY {vgroup}"))
    return [elements, variants]


def _path(postgres: bool) -> str:
    if postgres:
        return ("COALESCE((SELECT string_agg(t.spec_name, '>' ORDER BY t.created_at, t.spec_name) "
                "FROM human_tasks t WHERE t.case_id = c.id), '')")
    # SQLite before 3.44 has no ordered group_concat: concatenate an ordered subquery
    return ("COALESCE((SELECT group_concat(o.spec_name, '>') FROM (SELECT t.spec_name FROM "
            "human_tasks t WHERE t.case_id = c.id ORDER BY t.created_at, t.spec_name) o), '')")


def _recompute(postgres: bool, everything: bool) -> list[str]:
    happy = ", ".join(f"'{r}'" for r in SATISFIED)
    cases = (
        f"INSERT INTO analytics_cases (case_id, created_at, {', '.join(DIMENSIONS)}, path, "
        f"lead_seconds, lead_bucket, rated, satisfied) "
        f"SELECT c.id, c.created_at, c.deployment_id, COALESCE(c.unit_id, {NONE_UNIT}), "
        f"COALESCE(c.town, '{NONE_TEXT}'), c.kind, COALESCE(c.domain, '{NONE_TEXT}'), c.channel, "
        f"COALESCE(c.red_list, FALSE), {_path(postgres)}, c.handling_seconds, "
        f"CASE WHEN c.handling_seconds IS NOT NULL THEN {bucket_sql('c.handling_seconds')} END, "
        f"CASE WHEN c.rating IS NOT NULL THEN 1 ELSE 0 END, "
        f"CASE WHEN c.rating IN ({happy}) THEN 1 ELSE 0 END "
        f"FROM cases c WHERE {_in_batch('c.id', everything)}")
    seconds = _seconds("t.completed_at", "t.created_at", postgres)
    bucket = f"CASE WHEN t.completed_at IS NOT NULL THEN {bucket_sql(seconds)} ELSE -1 END"
    tasks = (
        f"INSERT INTO analytics_case_steps (case_id, source, element, bucket, passes, breached) "
        f"SELECT t.case_id, 't', t.spec_name, {bucket}, COUNT(*), "
        f"SUM(CASE WHEN t.due_at IS NOT NULL AND t.completed_at > t.due_at THEN 1 ELSE 0 END) "
        f"FROM human_tasks t WHERE t.status <> 'ready' AND {_in_batch('t.case_id', everything)} "
        f"GROUP BY t.case_id, t.spec_name, {bucket}")
    timers = (
        f"INSERT INTO analytics_case_steps (case_id, source, element, bucket, passes, breached) "
        f"SELECT m.case_id, 'e', m.name, -1, COUNT(*), 0 FROM timers m "
        f"WHERE m.status = 'fired' AND {_in_batch('m.case_id', everything)} "
        f"GROUP BY m.case_id, m.name")
    clocks = (
        f"INSERT INTO analytics_clocks (clock_id, case_id, created_at, {', '.join(DIMENSIONS)}, "
        f"matter_class, clock, started_at, warn_at, due_at, met_at, extensions, start_day, "
        f"elapsed_us, today) "
        f"SELECT k.id, k.case_id, ac.created_at, {', '.join(f'ac.{d}' for d in DIMENSIONS)}, "
        f"c.matter_class, k.clock, k.started_at, k.warn_at, k.due_at, k.met_at, "
        f"COALESCE(k.extensions, 0), {_day('k.started_at', postgres)}, "
        f"{_micros('k.met_at', 'k.started_at', postgres)}, "
        f"CASE WHEN k.met_at <= k.warn_at THEN 0 WHEN k.met_at <= k.due_at THEN 1 ELSE 2 END "
        f"FROM sla_clocks k JOIN analytics_cases ac ON ac.case_id = k.case_id "
        f"JOIN cases c ON c.id = k.case_id "
        f"WHERE k.outcome IN ('met', 'violated') AND k.met_at IS NOT NULL "
        f"AND {_in_batch('k.case_id', everything)}")
    return [cases, tasks, timers, clocks]


def refresh_statements(postgres: bool) -> list[str]:
    """Fold the dirty cases in, in the caller's transaction (which holds the analytics lock on
    PostgreSQL). The dirty marks are taken first, so a write committed meanwhile marks its case
    again and is folded in by the next refresh."""
    if postgres:
        take = [f"CREATE TEMP TABLE IF NOT EXISTS {BATCH} (case_id INTEGER PRIMARY KEY) "
                f"ON COMMIT DELETE ROWS",
                f"WITH d AS (DELETE FROM analytics_dirty RETURNING case_id) "
                f"INSERT INTO {BATCH} SELECT DISTINCT case_id FROM d"]
    else:
        take = [f"CREATE TEMP TABLE IF NOT EXISTS {BATCH} (case_id INTEGER PRIMARY KEY)",
                f"DELETE FROM {BATCH}",
                f"INSERT INTO {BATCH} SELECT case_id FROM analytics_dirty",
                "DELETE FROM analytics_dirty"]
    return [*take, *_fold("-", postgres, False),
            f"DELETE FROM analytics_case_steps WHERE case_id IN (SELECT case_id FROM {BATCH})",
            f"DELETE FROM analytics_cases WHERE case_id IN (SELECT case_id FROM {BATCH})",
            f"DELETE FROM analytics_clocks WHERE case_id IN (SELECT case_id FROM {BATCH})",
            *_recompute(postgres, False), *_fold("", postgres, False)]


def rebuild_statements(postgres: bool) -> list[str]:
    """Everything from `cases`, `human_tasks` and `timers`."""
    return ["DELETE FROM analytics_dirty", "DELETE FROM analytics_elements",
            "DELETE FROM analytics_variants", "DELETE FROM analytics_case_steps",
            "DELETE FROM analytics_cases", "DELETE FROM analytics_clocks",
            *_recompute(postgres, True), *_fold("", postgres, True)]


def dirty_triggers(postgres: bool) -> list[str]:
    """Triggers that mark the case of a written row dirty."""
    sources = (("cases", "id"), ("human_tasks", "case_id"), ("timers", "case_id"),
               ("sla_clocks", "case_id"))
    if postgres:
        out = []
        for name, column in (("case", "id"), ("child", "case_id")):
            out.append(f"""CREATE FUNCTION analytics_mark_{name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND (TG_OP = 'DELETE' OR OLD.{column} IS DISTINCT FROM NEW.{column}) THEN
    INSERT INTO analytics_dirty (case_id) VALUES (OLD.{column}) ON CONFLICT DO NOTHING;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO analytics_dirty (case_id) VALUES (NEW.{column}) ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$""")
        for table, column in sources:
            function = "analytics_mark_case" if column == "id" else "analytics_mark_child"
            out.append(f"CREATE TRIGGER analytics_dirty_{table} AFTER INSERT OR UPDATE OR DELETE "
                       f"ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()")
        return out
    out = []
    for table, column in sources:
        for event, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
            body = " ".join(f"INSERT OR IGNORE INTO analytics_dirty (case_id) VALUES ({r}.{column});"
                            for r in rows)  # OLD and NEW of one case: the second is ignored
            out.append(f"CREATE TRIGGER analytics_dirty_{table}_{event.lower()} AFTER {event} "
                       f"ON {table} BEGIN {body} END")
    return out


def drop_triggers(postgres: bool) -> list[str]:
    tables = ("cases", "human_tasks", "timers", "sla_clocks")
    if postgres:
        return [*(f"DROP TRIGGER IF EXISTS analytics_dirty_{t} ON {t}" for t in tables),
                "DROP FUNCTION IF EXISTS analytics_mark_case()",
                "DROP FUNCTION IF EXISTS analytics_mark_child()"]
    return [f"DROP TRIGGER IF EXISTS analytics_dirty_{t}_{e}" for t in tables
            for e in ("insert", "update", "delete")]
