"""Open cases by status and how many of them are past a deadline (the /metrics gauges)."""
from __future__ import annotations

from sqlalchemy import case as when, func, select

from app.db.models import Case
from app.domain.vocab import FINAL_STATUSES

from .runtime import Runtime


def open_by_status(rt: Runtime) -> list[tuple[str, int, int]]:
    """(status, open cases, of which overdue) per status of the open cases."""
    with rt.uow() as uow:
        return [(status, count, int(late or 0)) for status, count, late in uow.session.execute(
            select(Case.status, func.count(), func.sum(when((Case.overdue.is_(True), 1), else_=0)))
            .where(Case.status.not_in(FINAL_STATUSES)).group_by(Case.status)).all()]
