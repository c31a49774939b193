"""P18 breakdowns: the unit ranking, the trend series and the town × domain grid."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import case, func, select

from app.clock import local
from app.db.models import Case, Unit
from app.db.rollup_sql import NONE_UNIT

from ..runtime import Runtime
from . import returns, rollup
from .cache import cached
from .figures import TREND_KEYS, add, columns, count_if, empty, rates
from .filters import GRANULARITIES, Filters, auto_granularity, conditions, local_day, roll_up

UNCLASSIFIED = "未分类"
UNIT_SORTS = ("volume", "resolution_on_time_rate", "satisfaction_rate", "returns", "extensions",
              "avg_handling_seconds")


@cached
def units(rt: Runtime, filters: Filters, sort: str = "volume") -> list[dict]:
    """One row per receiving unit: volume, on-time rates, satisfaction, returns, extensions, time.

    A row's figures are those of the cases now at the unit, but its `returns` are the accepted
    returns made *by* it (`returns.py`): a unit that returned every case it got still has a row
    (volume 0). Under a unit filter only that unit's row is shown, the same figures as the tiles."""
    with rt.uow() as uow:
        session = uow.session
        use_rollup = rollup.enabled(rt)
        if use_rollup:
            rows = _units_rollup(session, filters)
        else:
            cols = columns()
            cols.pop("returns")
            rows = [r._asdict() for r in session.execute(
                select(Case.unit_id, *(c.label(k) for k, c in cols.items()))
                .where(*conditions(session, filters), Case.unit_id.is_not(None))
                .group_by(Case.unit_id))]
        returned = returns.by_unit(returns.rows(session, filters, use_rollup))
        names = {u.id: u for u in session.scalars(select(Unit))}
        result = []
        for data in rows:
            unit = names[data.pop("unit_id")]
            data["returns"] = returned.pop(unit.id, 0)
            result.append({"unit_code": unit.code, "unit_name": unit.name, **rates(data)})
        for unit_id, count in returned.items():  # returned everything it got in the period
            if unit_id in names:
                result.append({"unit_code": names[unit_id].code, "unit_name": names[unit_id].name,
                               **rates(empty() | {"returns": count})})
        key = sort if sort in UNIT_SORTS else "volume"
        result.sort(key=lambda r: (r[key] is None, -(r[key] or 0), r["unit_code"]))
        return result


@cached
def trend(rt: Runtime, filters: Filters, granularity: str | None = None) -> dict:
    """The figures by local day, week (from Monday) or month (one pass by day, rolled up); each
    bucket says which of its days the figures cover (`_days`)."""
    today = local(rt.clock.now()).date()
    with rt.uow() as uow:
        session = uow.session
        granularity = granularity if granularity in GRANULARITIES else \
            auto_granularity(filters, today)
        if rollup.enabled(rt):
            names = tuple(k for k in TREND_KEYS if k != "consultations")
            where = rollup.conditions(session, filters, months=granularity == "month")
            rows = session.execute(select(rollup.R.period.label("day"), *rollup.sums(names))
                                   .where(*where).group_by(rollup.R.period)
                                   .having(rollup.nonempty())).all()
        else:
            day = local_day(session)
            cols = columns(TREND_KEYS)
            rows = session.execute(select(day.label("day"), *(c.label(k) for k, c in cols.items()))
                                   .select_from(Case).where(*conditions(session, filters))
                                   .group_by(day)).all()
    buckets: dict[date, dict] = {}
    for row in rows:
        data = row._asdict()
        value = data.pop("day")
        first = value.date() if isinstance(value, datetime) else value if isinstance(value, date) \
            else date.fromisoformat(str(value)[:10])
        add(buckets.setdefault(roll_up(first, granularity), empty()), data)
    series = [{"period": key.isoformat(), **_days(key, granularity, filters, today),
               **_trend_figures(rates(buckets[key]))} for key in sorted(buckets)]
    return {"granularity": granularity, "series": series}


def _days(first: date, granularity: str, filters: Filters, today: date) -> dict:
    """The days of a bucket its figures cover: `start`, `end` (both included; not after today).
    `cut` when that is less than the whole day, week or month (cut by the period's start or end,
    or a week or month still running), `ongoing` when the bucket holds today, which is not over
    (its figures still grow), and `partial` when either holds: the bucket is not a full one."""
    if granularity == "week":
        last = first + timedelta(days=6)
    elif granularity == "month":
        last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    else:
        last = first
    start = max(first, filters.date_from) if filters.date_from else first
    end = min(last, filters.date_to) if filters.date_to else last
    ongoing = start <= today <= end
    end = max(start, min(end, today))
    cut = (start, end) != (first, last)
    return {"start": start.isoformat(), "end": end.isoformat(), "partial": cut or ongoing,
            "cut": cut, "ongoing": ongoing}


NOT_IN_TREND = ("closed", "returns", "extensions", "response_finished", "response_on_time",
                "response_on_time_rate", "solution_finished", "solution_on_time",
                "solution_on_time_rate")


def _trend_figures(row: dict) -> dict:
    return {key: value for key, value in row.items() if key not in NOT_IN_TREND}


@cached
def towns(rt: Runtime, filters: Filters) -> dict:
    """Counts by town and domain (the heat map), with each town's total and red-list share."""
    with rt.uow() as uow:
        session = uow.session
        if rollup.enabled(rt):
            rows = _towns_rollup(session, filters)
        else:
            where = conditions(session, filters)
            town = func.coalesce(Case.town, UNCLASSIFIED).label("town")
            domain = func.coalesce(Case.domain, UNCLASSIFIED).label("domain")
            rows = session.execute(select(town, domain, func.count().label("n"),
                                          count_if(Case.red_list.is_(True)).label("red"),
                                          count_if(Case.kind == "投诉").label("complaints"))
                                   .where(*where).group_by(town, domain)).all()
    totals: dict[str, dict] = {}
    cells = []
    for row in rows:
        cells.append({"town": row.town, "domain": row.domain, "count": int(row.n),
                      "complaints": int(row.complaints)})
        total = totals.setdefault(row.town, {"town": row.town, "volume": 0, "red_list": 0,
                                             "complaints": 0})
        total["volume"] += int(row.n)
        total["red_list"] += int(row.red)
        total["complaints"] += int(row.complaints)
    town_rows = sorted(totals.values(), key=lambda t: (-t["volume"], t["town"]))
    domains = sorted({c["domain"] for c in cells},
                     key=lambda d: (-sum(c["count"] for c in cells if c["domain"] == d), d))
    return {"towns": town_rows, "domains": domains,
            "cells": sorted(cells, key=lambda c: (c["town"], c["domain"]))}


def _towns_rollup(session, filters: Filters) -> list:
    R = rollup.R
    town = rollup.labelled(R.town).label("town")
    domain = rollup.labelled(R.domain).label("domain")
    return session.execute(select(town, domain, func.sum(R.volume).label("n"),
                                  func.sum(case((R.red_list.is_(True), R.volume), else_=0))
                                  .label("red"),
                                  func.sum(case((R.kind == "投诉", R.volume), else_=0))
                                  .label("complaints"))
                           .where(*rollup.conditions(session, filters)).group_by(town, domain)
                           .having(rollup.nonempty())).all()


def _units_rollup(session, filters: Filters) -> list[dict]:
    """Rows per unit from insight_rollup."""
    R = rollup.R
    names = tuple(k for k in columns() if k not in ("consultations", "returns"))
    return [r._asdict() for r in session.execute(
        select(R.unit_id, *rollup.sums(names))
        .where(*rollup.conditions(session, filters), R.unit_id != NONE_UNIT)
        .group_by(R.unit_id).having(rollup.nonempty()))]
