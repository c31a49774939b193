"""Set-based growth of the analytics benchmark's history (issue 21 §7): `generate-history` writes
a template of real synthetic cases with their trail (tasks, clocks, returns) in Python; this
copies that template `copies` times with INSERT … SELECT over generate_series, in PostgreSQL, so a
1,000,000-case database builds in minutes instead of more than an hour.

Copy j (1 ≤ j < copies) of template case c gets id c + j·span (span: the template's max id),
its own number, and every time of the case and its trail shifted back by D = (j·19 weeks) mod
52 weeks — whole weeks, so weekdays and working-day deadlines keep their shape — wrapped
forward by 52 weeks when that would leave the template's year and the whole trail stays in the
past. So each copy lands on other days than the template (the day rows of a rollup see as many
distinct days × dimensions as a real history would), nothing lies in the future, and the copies
have the template's distributions: paths, durations, deadlines met or breached, ratings.

The insight and analytics triggers are disabled during the copy; the caller rebuilds the rollups
(`rebuild`), as generate-history does.

    .venv/bin/python bench/analytics_clone.py DATABASE_URL COPIES
"""
from __future__ import annotations

import sys
import time

WEEKS = 52
STEP_WEEKS = 19  # coprime to 52: copies 1..51 get distinct shifts
D = f"(((j * {STEP_WEEKS}) % {WEEKS}) * interval '7 days')"
W = f"interval '{WEEKS * 7} days'"
# The shift of copy j of the case row c (subtracted from every time of the case and its trail).
SHIFT = (f"(CASE WHEN c.created_at - {D} < :now - {W} AND greatest(c.created_at, c.closed_at, "
         f"c.updated_at, c.dispatched_at) - {D} + {W} <= :now THEN {D} - {W} ELSE {D} END)")
TIME_COLUMNS = {
    "cases": ("created_at", "updated_at", "closed_at", "dispatched_at"),
    "human_tasks": ("due_at", "created_at", "completed_at"),
    "sla_clocks": ("started_at", "warn_at", "due_at", "warned_at", "met_at", "violated_at",
                   "paused_at"),
    "audit_events": ("at",),
    "timers": ("due_at", "fired_at"),
}
TABLES = ("cases", "human_tasks", "sla_clocks", "timers", "audit_events")


def _columns(conn, table: str) -> list[str]:
    from sqlalchemy import text
    return list(conn.scalars(text(
        "SELECT column_name FROM information_schema.columns WHERE table_name = :t "
        "AND table_schema = current_schema() ORDER BY ordinal_position"), {"t": table}))


def _expression(table: str, column: str) -> str | None:
    """The copy's value of `column` (None: the column is left to its default)."""
    if column in TIME_COLUMNS.get(table, ()):
        return f"t.{column} - {SHIFT}"
    if table == "cases":
        if column == "id":
            return "t.id + j * :span"
        if column == "number":
            return ("'LS' || to_char(t.created_at - " + SHIFT + " + interval '8 hours', "
                    "'YYYYMMDD') || '-' || lpad((t.id + j * :span)::text, 8, '0')")
    elif column == "id":
        return "t.id || '-' || j" if table == "human_tasks" else None
    if column == "case_id":
        return "t.case_id + j * :span"
    if column == "task_id":
        return "t.task_id || '-' || j"
    return f"t.{column}"


def statements(conn) -> list[tuple[str, str]]:
    out = []
    for table in TABLES:
        cols = [(c, _expression(table, c)) for c in _columns(conn, table)]
        cols = [(c, e) for c, e in cols if e is not None]
        join = f" JOIN cases c ON c.id = t.{'id' if table == 'cases' else 'case_id'}"
        out.append((table, f"INSERT INTO {table} ({', '.join(c for c, _ in cols)}) "
                           f"SELECT {', '.join(e for _, e in cols)} "
                           f"FROM {table} t{join} CROSS JOIN generate_series(1, :copies - 1) AS j "
                           f"WHERE c.number LIKE 'LS%' AND c.id <= :span "
                           f"ORDER BY j, t.{'id' if table == 'cases' else 'case_id'}"))
    return out


def grow(url: str, copies: int, echo=print) -> dict:
    """Copy the generated cases (LS…) and their trail `copies - 1` times."""
    from sqlalchemy import create_engine, text
    engine = create_engine(url)
    counts = {}
    try:
        with engine.begin() as conn:
            span = conn.scalar(text("SELECT max(id) FROM cases"))
            now = conn.scalar(text("SELECT max(created_at) FROM cases WHERE number LIKE 'LS%'"))
            triggers = conn.execute(text(
                "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal")).all()
            for table, name in triggers:
                conn.execute(text(f'ALTER TABLE {table} DISABLE TRIGGER "{name}"'))
            for table, sql in statements(conn):
                started = time.perf_counter()
                counts[table] = conn.execute(text(sql), {"copies": copies, "span": span, "now": now}).rowcount
                echo(f"  {table}: +{counts[table]:,} rows ({time.perf_counter() - started:.0f} s)")
            for table, name in triggers:
                conn.execute(text(f'ALTER TABLE {table} ENABLE TRIGGER "{name}"'))
            for table in ("cases", "sla_clocks", "timers", "audit_events"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT coalesce(max(id), 1) FROM {table}))"))
    finally:
        engine.dispose()
    return counts


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    grow(sys.argv[1], int(sys.argv[2]))
