"""P18 key figures over a filter: volume, dispatch, direct replies, on-time, satisfaction, time.

Every figure is defined in README.md ("Insight (P18)") and in `figures.py`; red-list cases are
reported beside the total (`red_list`), with the same definitions.
"""
from __future__ import annotations

import math

from sqlalchemy import func, select

from app.db.models import Case

from ..runtime import Runtime
from .figures import columns, rates
from .filters import Filters, conditions


def metrics(rt: Runtime, filters: Filters) -> dict:
    with rt.uow() as uow:
        session = uow.session
        result = figures(session, filters)
        if filters.red_list is False:
            result["red_list"] = None
        else:
            result["red_list"] = figures(session, filters.with_(red_list=True))
        result["filters"] = filters.as_query()
        return result


def figures(session, filters: Filters) -> dict:
    where = conditions(session, filters)
    cols = columns()
    row = session.execute(select(*(c.label(k) for k, c in cols.items())).select_from(Case)
                          .where(*where)).one()
    out = rates(row._asdict())
    out["p90_handling_seconds"] = p90_handling(session, where, out["handled"])
    return out


def p90_handling(session, where: list, handled: int) -> int | None:
    """The 90th percentile of handling time, nearest rank: the smallest value with at least 90 %
    of closed cases at or below it (percentile_disc on PostgreSQL; ORDER BY/OFFSET elsewhere)."""
    if not handled:
        return None
    closed = [*where, Case.handling_seconds.is_not(None)]
    if session.get_bind().dialect.name == "postgresql":
        value = session.scalar(select(func.percentile_disc(0.9).within_group(
            Case.handling_seconds)).where(*closed))
    else:
        rank = math.ceil(0.9 * handled) - 1
        value = session.scalar(select(Case.handling_seconds).where(*closed)
                               .order_by(Case.handling_seconds).offset(rank).limit(1))
    return None if value is None else int(value)
