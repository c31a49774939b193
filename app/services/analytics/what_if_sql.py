"""What-if as one aggregate in PostgreSQL (issue 21 §7): the draft's deadlines per clock computed
by the database from a small plan table over `analytics_clocks` (the finished clocks with their
case's dimensions: no join to `cases`), instead of one Python deadline per clock.

The draft table is asked once per (red list, matter class, kind) that the clocks have; each rule
and clock becomes a plan row: natural-time rules as their duration and warning offset in
microseconds (Python's own `timedelta × ratio`, so the rounding is the replay's); whole working
days (`N × 1440` working minutes, as `sla.dmn` uses) as N with a calendar table of the local start
days in the period — the N-th working day after each day and whether the day is a day off
(`WorkCalendar._add_days`): the deadline is that day at the start's time of day, or at the
opening after a day off. Extended clocks and rules of working minutes that are not whole days
are replayed in Python as before (`what_if.replay_rows`). The tallies equal the Python replay's
(tests/integration/test_analytics_rollup.py)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone  # noqa: F401

from sqlalchemy import (BigInteger, Boolean, Date, DateTime, Float, Integer, String, and_,
                        column, func, literal_column, or_, select, text)

from app.db.models_analytics import analytics_clocks

from app.domain.work_calendar import DAY_MINUTES, SHANGHAI, _workdays_after

def plan_rows(keys, ask) -> list[dict]:
    """One row per (key, clock): how the draft rule sets the deadline. `ask(key)` → rule output
    or None."""
    rows = []
    for key in keys:
        out = ask(key)
        if out is None:  # no rule: left to the Python replay, which reports it if it matters
            rows += [{"red": key[0], "matter": key[1], "kind": key[2], "clock": clock,
                      "nat_us": None, "warn_us": None, "days": None, "ratio": 0.0, "python": True}
                     for clock in ("response", "solution", "resolution")]
            continue
        ratio = float(out["warn_ratio"])
        for clock in ("response", "solution", "resolution"):
            minutes = int(out[f"{clock}_minutes"])
            natural = (out[f"{clock}_calendar"] or "natural") == "natural" or minutes <= 0
            delta = timedelta(minutes=minutes)
            whole_days = not natural and minutes % DAY_MINUTES == 0
            rows.append({"red": key[0], "matter": key[1], "kind": key[2], "clock": clock,
                         "nat_us": _us(delta) if natural else None,
                         "warn_us": _us(delta * ratio) if natural else None,
                         "days": minutes // DAY_MINUTES if whole_days else None, "ratio": ratio,
                         "python": not natural and not whole_days})
    return rows


def _us(delta: timedelta) -> int:
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def calendar_rows(first: date, last: date, days: set[int], opening) -> list[dict]:
    rows, day = [], first
    while day <= last:
        for n in days:
            target, off = _workdays_after(day, n)
            opening_utc = datetime.combine(target, opening, SHANGHAI).astimezone(timezone.utc)
            rows.append({"day": day, "days": n, "shift": (target - day).days, "off": off,
                         "opening": opening_utc.replace(tzinfo=None)})
        day += timedelta(days=1)
    return rows


PLAN = (("red", Boolean), ("matter", String), ("kind", String), ("clock", String),
        ("nat_us", BigInteger), ("warn_us", BigInteger), ("days", Integer), ("ratio", Float),
        ("python", Boolean))
CAL = (("day", Date), ("days", Integer), ("shift", Integer), ("off", Boolean),
       ("opening", DateTime))
K = "analytics_clocks"
W = analytics_clocks.c
# working whole days (cal: the N-th working day after the start's local day): the deadline
DUE = f"(CASE WHEN cal.off THEN cal.opening ELSE {K}.started_at + cal.shift * interval '1 day' END)"
WARN = f"({K}.started_at + ({DUE} - {K}.started_at) * plan.ratio)"
DRAFT = (f"CASE WHEN {K}.extensions > 0 OR plan.python IS NOT FALSE THEN 3 "
         f"WHEN plan.nat_us IS NOT NULL THEN (CASE WHEN {K}.elapsed_us <= plan.warn_us THEN 0 "
         f"WHEN {K}.elapsed_us <= plan.nat_us THEN 1 ELSE 2 END) "
         f"WHEN {K}.met_at <= {WARN} THEN 0 WHEN {K}.met_at <= {DUE} THEN 1 ELSE 2 END")
OUTCOMES = ("met", "warned", "breached")
PYTHON = "python"  # the draft outcome of the clocks left to the Python replay
ROW = (W.red_list, W.matter_class, W.kind, W.domain, W.unit_id, W.clock, W.started_at, W.warn_at,
       W.due_at, W.met_at, W.extensions)


SQL_TYPES = {Boolean: "boolean", String: "text", BigInteger: "bigint", Integer: "integer",
             Float: "double precision", Date: "date", DateTime: "timestamp"}


def _literal(value, sql_type: str) -> str:
    if value is None:
        return f"CAST(NULL AS {sql_type})"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return f"CAST({value!r} AS {sql_type})"
    return f"CAST('{str(value).replace(chr(39), chr(39) * 2)}' AS {sql_type})"


def _table(name: str, columns: tuple, rows: list[dict]):
    """`rows` (our own values: dates, numbers, vocabulary) as a VALUES list written directly —
    compiling a thousand-row VALUES construct cost SQLAlchemy a third of a second."""
    body = ", ".join("(" + ", ".join(_literal(row[c], SQL_TYPES[t]) for c, t in columns) + ")"
                     for row in rows)
    query = text(f"SELECT * FROM (VALUES {body}) AS t ({', '.join(c for c, _ in columns)})")
    return query.columns(*(column(c, t) for c, t in columns)).subquery(name)


def plan_table(plan: list[dict]):
    return _table("plan", PLAN, plan)


def _joined(stmt, p):
    return stmt.outerjoin(p, and_(p.c.red == W.red_list, p.c.matter == W.matter_class,
                                  p.c.kind == W.kind, p.c.clock == W.clock))


def tally(session, where: list, plan: list[dict], cal: list[dict]):
    """(unit id, domain, clock, today, draft) → clocks of `analytics_clocks` matching `where`;
    draft is PYTHON for the clocks the database leaves to the Python replay (extended, no
    rule for their key, working minutes that are not whole days)."""
    p = plan_table(plan)
    c = _table("cal", CAL, cal or [{"day": date(2000, 1, 1), "days": -1, "shift": 0,
                                    "off": False, "opening": datetime(2000, 1, 1)}])
    # Grouped by plain columns (the planner then expects a few thousand groups and aggregates
    # in parallel workers); the draft outcome of each clock adds 2^(32·outcome) to one exact
    # numeric sum, evaluating the rule once per clock; decoded below. Outcome 3: left to Python.
    weight = literal_column(f"(CASE ({DRAFT}) WHEN 0 THEN 1 WHEN 1 THEN {SHIFT} "
                            f"WHEN 2 THEN {SHIFT ** 2} ELSE {SHIFT ** 3} END)::numeric")
    stmt = _joined(select(W.unit_id, W.domain, W.clock, W.today, func.sum(weight))
                   .select_from(analytics_clocks), p)
    stmt = (stmt.outerjoin(c, and_(c.c.days == p.c.days, c.c.day == W.start_day))
            .where(*where).group_by(W.unit_id, W.domain, W.clock, W.today))
    session.execute(text("SET LOCAL jit = off"))  # compiling costs more than it saves here
    out = []
    for unit_id, domain, clock, today, total in session.execute(stmt):
        total = int(total)
        for draft in (*OUTCOMES, PYTHON):
            total, n = divmod(total, SHIFT)
            if n:
                out.append((unit_id, domain, clock, OUTCOMES[today], draft, n))
    return out


SHIFT = 2 ** 32


def python_rows(session, where: list, plan: list[dict], expected: int) -> list:
    """The `expected` clocks the tally left to Python: the extended ones by their partial index;
    all of them by a scan only when some are not extended."""
    rows = session.execute(select(*ROW).where(W.extensions > 0, *where)).all()
    if len(rows) == expected:
        return rows
    p = plan_table(plan)
    return session.execute(_joined(select(*ROW).select_from(analytics_clocks), p).where(
        or_(W.extensions > 0, p.c.python.is_not(False)), *where)).all()
