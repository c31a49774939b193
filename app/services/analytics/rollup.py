"""Process analytics from the rollup (migration 0080, app/db/analytics_sql.py) instead of the
trail: per element and per path, summed over day and month rows of the chosen filters.

Counts (passes, cases, breached, open, variant counts, closed, rated, satisfied) are exact and
equal the direct computation over the trail (tests/integration/test_analytics_rollup.py).
Percentiles (an element's median and p90, a variant's median lead time) come from a histogram
with buckets 2^(1/4) wide: the nearest-rank pass is located in its bucket and its value
interpolated linearly there, so the answer lies in the same bucket as the exact value — less
than 19 % off (under 60 s for bucket 0; beyond ~153 days the bucket's lower bound). While the
selection has at most `analytics_exact_max` (default 50,000) passes or cases, the views compute
the exact values from the trail instead, which is fast at that size; answers say which
(`percentiles`: exact | estimated).
"""
from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy import and_, case as when, func, select, text

from app.db.analytics_sql import (BUCKET_COUNT, DURATIONS, LEADS, SEP, bucket_range,
                                  rebuild_statements, refresh_statements)
from app.db.models import Case, HumanTask
from app.db.models_analytics import (analytics_cases, analytics_dirty, analytics_elements,
                                     analytics_variants)

from ..insight import rollup as insight_rollup
from ..insight.filters import dimension_conditions, postgres, utc_start
from .model import Scope

E, V, AC = analytics_elements.c, analytics_variants.c, analytics_cases.c
LOCK_KEY = 21_0080  # pg_advisory_xact_lock: one refresh at a time
EXACT_MAX = 50_000


def enabled(rt) -> bool:
    return bool(rt.settings.get("analytics_rollup", True))


def exact_max(rt) -> int:
    return int(rt.settings.get("analytics_exact_max", EXACT_MAX))


def refresh(rt) -> int:
    """Fold the cases written since the last refresh into the rollups (one transaction)."""
    with rt.uow() as uow:
        session = uow.session
        if session.scalar(select(analytics_dirty.c.case_id).limit(1)) is None:
            return 0
        pg = postgres(session)
        if pg:
            session.execute(text(f"SELECT pg_advisory_xact_lock({LOCK_KEY})"))
        for statement in refresh_statements(pg):
            session.execute(text(statement))
        folded = session.scalar(text("SELECT count(*) FROM analytics_batch"))
        uow.commit()
    return folded


def rebuild(rt) -> dict:
    """Recompute the rollups from the trail (after a bulk load with the triggers off)."""
    with rt.uow() as uow:
        session = uow.session
        bind = session.get_bind()
        pg = postgres(session)
        if pg:
            session.execute(text(f"SELECT pg_advisory_xact_lock({LOCK_KEY})"))
        for statement in rebuild_statements(pg):
            session.execute(text(statement))
        rows = {t.name: session.scalar(select(func.count()).select_from(t))
                for t in (analytics_elements, analytics_variants)}
        uow.commit()
    if pg:
        with bind.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE) analytics_cases, analytics_case_steps, "
                              "analytics_elements, analytics_variants, analytics_clocks"))
    return rows


def _where(session, scope: Scope, c) -> list:
    where = insight_rollup.conditions(session, scope.filters, c=c)
    if scope.deployment is not None:
        where.append(c.deployment_id == scope.deployment)
    return where


def estimate(histogram: list[int], share: float) -> int | None:
    """The nearest-rank value at `share`, interpolated inside the bucket that holds it."""
    total = sum(histogram)
    if not total:
        return None
    rank, below = max(1, math.ceil(share * total)), 0
    for i, count in enumerate(histogram):
        if count and below + count >= rank:
            low, high = bucket_range(i)
            if high is None:
                return low
            return int(low + (high - low) * (rank - below - 0.5) / count)
        below += count
    return None


def element_rows(session, scope: Scope) -> dict[tuple[str, str], dict]:
    """(source, element) → passes, cases, breached, histogram of the done passes."""
    stmt = (select(E.source, E.element, func.sum(E.passes), func.sum(E.cases), func.sum(E.breached),
                   *(func.sum(getattr(E, d)) for d in DURATIONS))
            .where(*_where(session, scope, E)).group_by(E.source, E.element)
            .having(func.sum(E.passes) > 0))
    return {(source, element): {"passes": int(p), "cases": int(n), "breached": int(b),
                                "histogram": [int(x) for x in hist]}
            for source, element, p, n, b, *hist in session.execute(stmt)}


def open_tasks(session, scope: Scope, now) -> dict[str, tuple[int, int]]:
    """Open user tasks of the matching cases: element → (open, open past their due time)."""
    from .trail import case_conditions
    late = and_(HumanTask.due_at.is_not(None), HumanTask.due_at < now)
    stmt = (select(HumanTask.spec_name, func.count(), func.count(when((late, 1))))
            .join(Case, Case.id == HumanTask.case_id)
            .where(HumanTask.status == "ready", *case_conditions(session, scope))
            .group_by(HumanTask.spec_name))
    return {name: (n, breached) for name, n, breached in session.execute(stmt)}


def variant_rows(session, scope: Scope) -> list[tuple]:
    """(path, cases, closed, rated, satisfied, lead histogram) per path."""
    stmt = (select(V.path, func.sum(V.cases), func.sum(V.closed), func.sum(V.rated),
                   func.sum(V.satisfied), *(func.sum(getattr(V, c)) for c in LEADS))
            .where(*_where(session, scope, V)).group_by(V.path).having(func.sum(V.cases) > 0))
    return [(tuple(path.split(SEP)) if path else (), int(n), int(closed), int(rated), int(happy),
             [int(x) for x in hist]) for path, n, closed, rated, happy, *hist in session.execute(stmt)]


def case_row_conditions(session, scope: Scope, c) -> list:
    """The filters over a per-case table's columns `c` (analytics_cases, analytics_clocks):
    intake time in the period, the dimensions, the deployment."""
    f = scope.filters
    where = dimension_conditions(session, f, c)
    if f.date_from is not None:
        where.append(c.created_at >= utc_start(f.date_from))
    if f.date_to is not None:
        where.append(c.created_at < utc_start(f.date_to + timedelta(days=1)))
    if scope.deployment is not None:
        where.append(c.deployment_id == scope.deployment)
    return where


def clock_conditions(session, scope: Scope) -> list:
    from app.db.models_analytics import analytics_clocks
    return case_row_conditions(session, scope, analytics_clocks.c)


def newest_cases(session, scope: Scope, paths: set[tuple], limit: int) -> list[tuple]:
    """The newest `limit` matching cases on one of `paths` (index on path, intake time)."""
    where = [AC.path.in_([SEP.join(p) for p in paths]), *case_row_conditions(session, scope, AC)]
    picked = (select(AC.case_id, AC.path).where(*where)
              .order_by(AC.created_at.desc(), AC.case_id.desc()).limit(limit).subquery())
    stmt = (select(Case.number, Case.created_at, Case.closed_at, Case.handling_seconds,
                   Case.rating, Case.deployment_id, picked.c.path)
            .join(picked, picked.c.case_id == Case.id)
            .order_by(Case.created_at.desc(), Case.id.desc()))
    return session.execute(stmt).all()


assert BUCKET_COUNT == len(DURATIONS) == len(LEADS)
