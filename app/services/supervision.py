"""P8/P12 supervision views: overdue, soon overdue, dissatisfied, and the red-list watch list."""
from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from sqlalchemy import exists, select

from app.clock import iso
from app.db.models import Case, Enterprise, HumanTask, SlaClock, Unit
from app.domain.case_number import HISTORY_PREFIX
from app.domain.vocab import CASE_STATUSES, CLOCKS, FINAL_STATUSES

from .runtime import Runtime

# Open cases with a workflow: synthetic history (LS…, P18) is never supervised (its tasks and
# clocks, written for process analytics, are all finished).
OPEN = Case.status.not_in(tuple(FINAL_STATUSES)) & Case.number.not_like(f"{HISTORY_PREFIX}%")


def _rows(session, cases: list[Case], now, with_open_tasks: bool = False) -> list[dict]:
    """The rows of a list, in one query each for units, enterprises, clocks and open tasks
    whatever the list's length (not one per case)."""
    if not cases:
        return []
    ids = [case.id for case in cases]
    units = dict(session.execute(select(Unit.id, Unit.name).where(
        Unit.id.in_({c.unit_id for c in cases if c.unit_id}))).all())
    enterprises = dict(session.execute(select(Enterprise.id, Enterprise.name).where(
        Enterprise.id.in_({c.enterprise_id for c in cases}))).all())
    clocks: dict[int, list[SlaClock]] = defaultdict(list)
    for clock in session.scalars(select(SlaClock).where(
            SlaClock.case_id.in_(ids), SlaClock.outcome.in_(("running", "violated"))).order_by(SlaClock.id)):
        clocks[clock.case_id].append(clock)
    open_tasks: dict[int, list[HumanTask]] = defaultdict(list)
    for task in session.scalars(select(HumanTask).where(
            HumanTask.case_id.in_(ids), HumanTask.status == "ready")
            .order_by(HumanTask.created_at, HumanTask.id)):
        open_tasks[task.case_id].append(task)
    rows = []
    for case in cases:
        row = _row(case, units.get(case.unit_id), enterprises.get(case.enterprise_id),
                   clocks[case.id], open_tasks[case.id], now)
        if with_open_tasks:
            row["open_tasks"] = [{"id": t.id, "title": t.title, "role": t.role, "due_at": iso(t.due_at)}
                                 for t in open_tasks[case.id]]
        rows.append(row)
    return rows


def _row(case: Case, unit: str | None, enterprise: str, clocks: list[SlaClock],
         open_tasks: list[HumanTask], now) -> dict:
    return {
        "number": case.number, "status": case.status,
        "status_label": CASE_STATUSES.get(case.status, (case.status,))[0],
        "current_step": case.current_step, "red_list": case.red_list, "overdue": case.overdue,
        "kind": case.kind, "enterprise": enterprise, "unit": unit,
        "dissatisfied_rounds": case.dissatisfied_rounds,
        "clocks": [clock_view(c, now) for c in clocks],
        # the supervisor's own open task on the case (督办回访, 超期督办, 延期审批 …), to act from the list
        "supervisor_task": next((t.id for t in open_tasks if t.role == "supervisor"), None),
    }


def clock_view(clock: SlaClock, now) -> dict:
    reference = clock.met_at or now
    return {"clock": clock.clock, "label": CLOCKS[clock.clock][0], "round": clock.round,
            "calendar": clock.calendar, "started_at": iso(clock.started_at),
            "due_at": iso(clock.due_at), "met_at": iso(clock.met_at), "outcome": clock.outcome,
            "extensions": clock.extensions,
            "seconds_left": int((clock.due_at - reference).total_seconds()),
            "overdue": clock.outcome == "violated" or (clock.met_at is None and now > clock.due_at)}


def overdue(rt: Runtime) -> list[dict]:
    """Open cases with a violated clock; red list first, oldest deadline first."""
    now = rt.clock.now()
    with rt.uow() as uow:
        s = uow.session
        violated = exists().where(SlaClock.case_id == Case.id, SlaClock.outcome == "violated")
        cases = list(s.scalars(select(Case).where(OPEN, violated | Case.overdue)
                               .order_by(Case.red_list.desc(), Case.created_at)))
        return _rows(s, cases, now)


def due_soon(rt: Runtime, hours: int = 4) -> list[dict]:
    """Running clocks past their warning time or due within `hours`, soonest first."""
    now = rt.clock.now()
    horizon = now + timedelta(hours=hours)
    with rt.uow() as uow:
        s = uow.session
        rows = s.execute(select(SlaClock, Case).join(Case, Case.id == SlaClock.case_id).where(
            OPEN, SlaClock.outcome == "running", SlaClock.met_at.is_(None),
            (SlaClock.warn_at <= now) | (SlaClock.due_at <= horizon))
            .order_by(Case.red_list.desc(), SlaClock.due_at)).all()
        seen, cases = set(), []
        for _clock, case in rows:
            if case.id not in seen:
                seen.add(case.id)
                cases.append(case)
        return _rows(s, cases, now)


def dissatisfied(rt: Runtime) -> list[dict]:
    now = rt.clock.now()
    with rt.uow() as uow:
        s = uow.session
        cases = list(s.scalars(select(Case).where(OPEN, Case.dissatisfied_rounds > 0)
                               .order_by(Case.red_list.desc(), Case.dissatisfied_rounds.desc())))
        return _rows(s, cases, now)


def watch_list(rt: Runtime) -> list[dict]:
    """P12 强力督办: every open red-list case with its current step, open tasks and clocks."""
    now = rt.clock.now()
    with rt.uow() as uow:
        s = uow.session
        cases = list(s.scalars(select(Case).where(OPEN, Case.red_list).order_by(Case.created_at)))
        return _rows(s, cases, now, with_open_tasks=True)
