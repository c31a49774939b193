"""P18 key figures over a filter: volume, dispatch, direct replies, on-time, satisfaction, time.

Every figure is defined in docs/insight.md ("Definitions") and in `figures.py`; red-list cases are
reported beside the total (`red_list`), with the same definitions. `returns` are the accepted
returns as `returns.py` defines them (by the returning unit), so the tile is the sum of the unit
ranking's rows under every filter.

One pass over the cases groups the counts by red list and by whole hours of handling time: the
sums give the figures, the hour histogram locates the 90th percentile, and one small indexed query
reads the exact value inside that hour.
"""
from __future__ import annotations

import math

from sqlalchemy import select

from app.db.models import Case

from ..runtime import Runtime
from . import returns, rollup
from .cache import cached
from .figures import add, columns, empty, rates
from .filters import Filters, conditions, handling_hour


@cached
def metrics(rt: Runtime, filters: Filters) -> dict:
    if rollup.enabled(rt):
        return _from_rollup(rt, filters)
    with rt.uow() as uow:
        session = uow.session
        where = conditions(session, filters)
        hour = handling_hour(session)
        cols = columns()
        rows = session.execute(select(Case.red_list, hour.label("hour"),
                                      *(c.label(k) for k, c in cols.items()))
                               .select_from(Case).where(*where)
                               .group_by(Case.red_list, hour)).all()
        total, red = empty(), empty()
        hist_all: dict[int, int] = {}
        hist_red: dict[int, int] = {}
        for row in rows:
            data = row._asdict()
            is_red, bucket = bool(data.pop("red_list")), data.pop("hour")
            add(total, data)
            if is_red:
                add(red, data)
            if bucket is not None:
                hist_all[bucket] = hist_all.get(bucket, 0) + data["handled"]
                if is_red:
                    hist_red[bucket] = hist_red.get(bucket, 0) + data["handled"]
        _count_returns(session, filters, False, total, red)
        result = rates(total)
        result["p90_handling_seconds"] = p90(session, where, hist_all)
        if filters.red_list is False:
            result["red_list"] = None
        else:
            result["red_list"] = rates(red)
            result["red_list"]["p90_handling_seconds"] = p90(
                session, [*where, Case.red_list.is_(True)], hist_red)
        result["filters"] = filters.as_query()
        return result


def p90(session, where: list, histogram: dict[int, int]) -> int | None:
    """The 90th percentile of handling time, nearest rank: the smallest handling time such that
    at least 90 % of the closed cases took no longer (None without closed cases)."""
    handled = sum(histogram.values())
    if not handled:
        return None
    rank = math.ceil(0.9 * handled)  # 1-based
    seen = 0
    for bucket in sorted(histogram):
        if seen + histogram[bucket] >= rank:
            hour = handling_hour(session)
            return session.scalar(select(Case.handling_seconds)
                                  .where(*where, hour == bucket)
                                  .order_by(Case.handling_seconds)
                                  .offset(rank - seen - 1).limit(1))
        seen += histogram[bucket]
    return None


def _from_rollup(rt: Runtime, filters: Filters) -> dict:
    """The same answer from the rollup rows (P90: the bucket counts, then one indexed lookup)."""
    with rt.uow() as uow:
        session = uow.session
        rows = session.execute(select(rollup.R.red_list, *rollup.sums())
                               .where(*rollup.conditions(session, filters))
                               .group_by(rollup.R.red_list)).all()
        total, red = empty(), empty()
        for row in rows:
            data = row._asdict()
            is_red = bool(data.pop("red_list"))
            add(total, data)
            if is_red:
                add(red, data)
        where = conditions(session, filters)
        _count_returns(session, filters, True, total, red)
        result = rates(_figures(total))
        result["p90_handling_seconds"] = rollup.p90(session, where, total)
        if filters.red_list is False:
            result["red_list"] = None
        else:
            result["red_list"] = rates(_figures(red))
            result["red_list"]["p90_handling_seconds"] = rollup.p90(
                session, [*where, Case.red_list.is_(True)], red)
        result["filters"] = filters.as_query()
        return result


def _count_returns(session, filters: Filters, use_rollup: bool, total: dict, red: dict) -> None:
    """The 退单数 of the tile and its red-list line: the returns made by the units (`returns.py`),
    not the sum of `cases.returns_count`, which under a unit filter would count the returns other
    units made of the cases now at the filtered one."""
    total["returns"], red["returns"] = returns.totals(returns.rows(session, filters, use_rollup))


def _figures(row: dict) -> dict:
    """The columns of `figures.columns()` (without the bucket counts)."""
    return {key: row.get(key, 0) for key in empty()}
