"""P18 returns (退单数): one definition for every tile, ranking row and export.

A unit's returns are the accepted returns made *by* that unit: a 退单 the dispatcher approved
(audit action `redispatch`, the returning unit in `before`), whichever unit the case went to next.
They count on the returning unit's ranking row, and the 退单数 tile is the sum of the rows.

The other filters select the returned cases as every figure does (intake day in the period, town,
kind, domain, channel, red list); the unit filter selects the returning unit, not the unit the
case is at now. So under a unit filter the tile and the ranking show that unit's returns only,
and no other unit appears in the ranking for a case it returned to the filtered one.

Both sources answer the same: `insight_returns` (the rollup, kept by triggers) and the audit
trail over `cases` (the reference, setting `insight_rollup` False).
"""
from __future__ import annotations

from sqlalchemy import func, select

from app.db.models import AuditEvent, Case, Unit
from app.db.rollup_sql import NONE_UNIT

from . import rollup
from .filters import Filters, conditions


def rows(session, filters: Filters, use_rollup: bool) -> list[tuple[int, bool, int]]:
    """[(returning unit id, red list, accepted returns)] of the cases of `filters`."""
    if use_rollup:
        T = rollup.RETURNS
        found = session.execute(
            select(T.unit_id, T.red_list, func.sum(T.returned))
            .where(*rollup.conditions(session, filters, c=T), T.unit_id != NONE_UNIT)
            .group_by(T.unit_id, T.red_list).having(func.sum(T.returned) > 0)).all()
    else:
        returned_by = AuditEvent.before["unit_id"].as_integer()
        where = conditions(session, filters.with_(unit=None))
        if filters.unit is not None:
            unit_id = session.scalar(select(Unit.id).where(Unit.code == filters.unit))
            where.append(returned_by == (unit_id if unit_id is not None else -1))
        found = session.execute(
            select(returned_by, Case.red_list, func.count())
            .join(Case, Case.id == AuditEvent.case_id)
            .where(AuditEvent.action == "redispatch", returned_by.is_not(None),
                   returned_by != NONE_UNIT, *where)
            .group_by(returned_by, Case.red_list)).all()
    return [(int(unit), bool(red), int(n)) for unit, red, n in found]


def by_unit(found: list[tuple[int, bool, int]]) -> dict[int, int]:
    """{returning unit id: its returns}."""
    out: dict[int, int] = {}
    for unit, _, n in found:
        out[unit] = out.get(unit, 0) + n
    return out


def totals(found: list[tuple[int, bool, int]]) -> tuple[int, int]:
    """(all returns, returns of red-list cases): the 退单数 tile and its red-list line."""
    return sum(n for _, _, n in found), sum(n for _, red, n in found if red)
