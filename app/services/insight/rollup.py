"""Insight answers from the rollup (`insight_rollup`, migration 0007) instead of `cases`.

A period is read as whole months from the month rows and the days at its edges from the day rows
(at 1,000,000 cases: ~38,000 month rows for all time, ~28,000 day rows for 30 days, instead of the
cases). The answers are identical to the direct queries over `cases` (the reference, setting
`insight_rollup` False), which tests/integration/test_insight_rollup.py checks; the exact P90
still reads `cases`, only the handling-time bucket that holds it (ix_cases_handling_seconds, or
ix_cases_created_at within a period; both index-only on PostgreSQL).
"""
from __future__ import annotations

import math
from datetime import date, timedelta

from sqlalchemy import BigInteger, and_, case, cast, func, or_, select, text

from app.db.models import Case, insight_returns, insight_rollup
from app.db.rollup_sql import BUCKETS, MEASURES, NONE_TEXT, bucket_bounds, rebuild_statements

from .filters import Filters, dimension_conditions

R = insight_rollup.c
RETURNS = insight_returns.c
UNCLASSIFIED = "未分类"


def enabled(rt) -> bool:
    return bool(rt.settings.get("insight_rollup", True))


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def periods(date_from: date | None, date_to: date | None, months: bool = True, c=R):
    """The rollup rows covering [date_from, date_to] (None: open): whole months from month rows,
    the other days from day rows (`months` False: day rows only)."""
    if not months:
        return and_(c.grain == "d", *_range(c.period, date_from, date_to))
    first = None if date_from is None else (
        date_from if date_from.day == 1 else _next_month(date_from))
    end = None if date_to is None else (
        _next_month(date_to) if _next_month(date_to) - timedelta(days=1) == date_to
        else date_to.replace(day=1))  # months before `end` are whole
    if first is not None and end is not None and first >= end:
        return and_(c.grain == "d", *_range(c.period, date_from, date_to))
    parts = [and_(c.grain == "m", *([c.period >= first] if first else []),
                  *([c.period < end] if end else []))]
    if first is not None and date_from < first:
        parts.append(and_(c.grain == "d", c.period >= date_from, c.period < first))
    if end is not None:
        parts.append(and_(c.grain == "d", c.period >= end, c.period <= date_to))
    return or_(*parts)


def _range(column, low, high) -> list:
    return [*([column >= low] if low else []), *([column <= high] if high else [])]


def conditions(session, filters: Filters, months: bool = True, c=R) -> list:
    """WHERE clauses over the rollup table whose columns are `c` (insight_rollup by default)."""
    return [periods(filters.date_from, filters.date_to, months, c),
            *dimension_conditions(session, filters, c)]


def sums(names=MEASURES) -> list:
    """Labelled sums of the rollup measures, plus `consultations` (the 咨询 volume)."""
    cols = [func.coalesce(cast(func.sum(getattr(R, name)), BigInteger), 0).label(name)
            for name in names]  # PostgreSQL's sum(bigint) is numeric: back to an integer
    if "volume" in names:
        cols.append(func.coalesce(func.sum(case((R.kind == "咨询", R.volume), else_=0)), 0)
                    .label("consultations"))
    return cols


def labelled(column):
    """Rollup key → the reference's grouping value (NULL town/domain → 未分类)."""
    return case((column == NONE_TEXT, UNCLASSIFIED), else_=column)


def nonempty():
    return func.sum(R.volume) > 0


def p90(session, where_cases: list, totals: dict) -> int | None:
    """Nearest-rank P90 from the bucket counts `totals` (h00..): the exact value is read from
    the cases of the one bucket that holds the rank."""
    handled = sum(int(totals.get(b) or 0) for b in BUCKETS)
    if not handled:
        return None
    rank = math.ceil(0.9 * handled)  # 1-based, as metrics.p90
    seen = 0
    for i, name in enumerate(BUCKETS):
        count = int(totals.get(name) or 0)
        if seen + count >= rank:
            low, high = bucket_bounds(i)
            return session.scalar(
                select(Case.handling_seconds)
                .where(*where_cases, Case.handling_seconds >= low,
                       *([Case.handling_seconds < high] if high is not None else []))
                .order_by(Case.handling_seconds).offset(rank - seen - 1).limit(1))
        seen += count
    return None


def rebuild(rt) -> dict:
    """Recompute the rollup from `cases` in one transaction. On PostgreSQL writers of cases and
    audit events wait for it; readers of the rollup go on seeing the old rows until it commits."""
    with rt.uow() as uow:
        session = uow.session
        bind = session.get_bind()
        postgres = bind.dialect.name == "postgresql"
        if postgres:  # no case or return changes meanwhile (the triggers would race the rebuild)
            session.execute(text("LOCK TABLE cases, audit_events IN SHARE MODE"))
        for statement in rebuild_statements(postgres):
            session.execute(text(statement))
        rows = session.scalar(select(func.count()).select_from(insight_rollup))
        uow.commit()
    if postgres:  # the deleted versions' space back, fresh statistics (VACUUM needs autocommit)
        with bind.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE) insight_rollup, insight_returns"))
    return {"rows": rows}

