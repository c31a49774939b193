"""The step log analytics read: the user tasks of the matching cases (`human_tasks`, which keeps
every task a case opened, done or not) and the fired timers (`timers`), in the order they
opened. Cases match by the dashboard's filters (intake time in the period) and, when chosen, by
their deployment."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from collections import Counter, defaultdict

from sqlalchemy import and_, case as when, distinct, func, select
from sqlalchemy.dialects.postgresql import array

from app.db.models import Case, HumanTask, Timer

from ..insight.filters import conditions, postgres
from .model import Scope
from .stats import nearest_rank


@dataclass
class CaseTrail:
    case_id: int
    number: str
    deployment_id: int
    created_at: datetime
    closed_at: datetime | None
    handling_seconds: int | None
    rating: str | None
    steps: list[str]                       # user-task element ids, in the order they opened


def case_conditions(session, scope: Scope) -> list:
    where = conditions(session, scope.filters)
    if scope.deployment is not None:
        where.append(Case.deployment_id == scope.deployment)
    return where


def task_rows(session, scope: Scope, now: datetime):
    """(element id, case id, seconds or None while open, breached) of every task of the
    matching cases. A task is breached when it finished (or is still open) after its due time."""
    stmt = (select(HumanTask.spec_name, HumanTask.case_id, HumanTask.status,
                   HumanTask.created_at, HumanTask.completed_at, HumanTask.due_at)
            .join(Case, Case.id == HumanTask.case_id)
            .where(*case_conditions(session, scope)))
    for name, case_id, status, opened, closed, due in session.execute(stmt):
        finished = status != "ready" and closed is not None
        seconds = int((closed - opened).total_seconds()) if finished else None
        breached = due is not None and (closed if finished else now) > due
        yield name, case_id, status, seconds, breached


def task_figures(session, scope: Scope, now: datetime) -> dict[str, dict]:
    """Per user-task element: passes (done or cut short), cases, open, median and p90 seconds
    (nearest rank, done passes), breached. On PostgreSQL aggregated by the database."""
    if not postgres(session):
        return _task_figures(task_rows(session, scope, now))
    done = HumanTask.status != "ready"
    seconds = func.floor(func.extract("epoch", HumanTask.completed_at - HumanTask.created_at))
    finished = and_(done, HumanTask.completed_at.is_not(None))
    late = and_(HumanTask.due_at.is_not(None),
                func.coalesce(when((done, HumanTask.completed_at)), now) > HumanTask.due_at)
    quantiles = func.percentile_disc(array([0.5, 0.9])).within_group(seconds).filter(finished)
    stmt = select(HumanTask.spec_name, func.count().filter(done), func.count().filter(~done),
                  func.count(distinct(HumanTask.case_id)).filter(done), quantiles,
                  func.count().filter(late)).group_by(HumanTask.spec_name)
    where = case_conditions(session, scope)
    if where:  # no filter at all (all time): the tasks alone, without joining every case
        stmt = stmt.join(Case, Case.id == HumanTask.case_id).where(*where)
    return {name: {"passes": passes, "open": still, "cases": cases,
                   "median_seconds": _int(q[0]) if q else None,
                   "p90_seconds": _int(q[1]) if q else None, "breached": breached}
            for name, passes, still, cases, q, breached in session.execute(stmt)}


def _int(value):
    return int(value) if value is not None else None


def _task_figures(rows) -> dict[str, dict]:
    durations, cases, breached = defaultdict(list), defaultdict(set), Counter()
    passes, opened = Counter(), Counter()
    for name, case_id, status, seconds, late in rows:
        breached[name] += late
        if status == "ready":
            opened[name] += 1
            continue
        passes[name] += 1
        cases[name].add(case_id)
        if seconds is not None:
            durations[name].append(seconds)
    out = {}
    for name in set(passes) | set(opened):
        values = sorted(durations[name])
        out[name] = {"passes": passes[name], "open": opened[name], "cases": len(cases[name]),
                     "median_seconds": nearest_rank(values, 0.5),
                     "p90_seconds": nearest_rank(values, 0.9), "breached": breached[name]}
    return out


def timer_rows(session, scope: Scope):
    """(element id, case id) of every fired timer of the matching cases."""
    stmt = (select(Timer.name, Timer.case_id).join(Case, Case.id == Timer.case_id)
            .where(Timer.status == "fired", *case_conditions(session, scope)))
    return session.execute(stmt).all()


def case_trails(session, scope: Scope, case_ids: list[int] | None = None) -> list[CaseTrail]:
    """Every matching case with its steps (direct replies have none)."""
    where = case_conditions(session, scope)
    if case_ids is not None:
        where.append(Case.id.in_(case_ids))
    cases = {}
    for row in session.execute(select(Case.id, Case.number, Case.deployment_id, Case.created_at,
                                      Case.closed_at, Case.handling_seconds, Case.rating)
                               .where(*where)):
        cases[row[0]] = CaseTrail(*row, steps=[])
    stmt = (select(HumanTask.case_id, HumanTask.spec_name)
            .join(Case, and_(Case.id == HumanTask.case_id))
            .where(*where)
            .order_by(HumanTask.case_id, HumanTask.created_at, HumanTask.spec_name))
    for case_id, name in session.execute(stmt):
        trail = cases.get(case_id)
        if trail is not None:
            trail.steps.append(name)
    return list(cases.values())
