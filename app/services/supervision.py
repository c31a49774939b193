"""P8/P12 supervision views: overdue, soon overdue, dissatisfied, and the red-list watch list."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import exists, select

from app.clock import iso
from app.db.models import Case, Enterprise, HumanTask, SlaClock, Unit
from app.domain.case_number import HISTORY_PREFIX
from app.domain.vocab import CASE_STATUSES, CLOCKS, FINAL_STATUSES

from .runtime import Runtime

# Open cases with a workflow: synthetic history (LS…, P18) has no tasks or clocks to supervise.
OPEN = Case.status.not_in(tuple(FINAL_STATUSES)) & Case.number.not_like(f"{HISTORY_PREFIX}%")


def _row(session, case: Case, now, clocks: list[SlaClock] | None = None) -> dict:
    unit = session.get(Unit, case.unit_id) if case.unit_id else None
    enterprise = session.get(Enterprise, case.enterprise_id)
    clocks = clocks if clocks is not None else list(session.scalars(
        select(SlaClock).where(SlaClock.case_id == case.id,
                               SlaClock.outcome.in_(("running", "violated"))).order_by(SlaClock.id)))
    return {
        "number": case.number, "status": case.status,
        "status_label": CASE_STATUSES.get(case.status, (case.status,))[0],
        "current_step": case.current_step, "red_list": case.red_list, "overdue": case.overdue,
        "kind": case.kind, "enterprise": enterprise.name, "unit": unit.name if unit else None,
        "dissatisfied_rounds": case.dissatisfied_rounds,
        "clocks": [clock_view(c, now) for c in clocks],
        # the supervisor's own open task on the case (督办回访, 超期督办, 延期审批 …), to act from the list
        "supervisor_task": session.scalar(select(HumanTask.id).where(
            HumanTask.case_id == case.id, HumanTask.status == "ready", HumanTask.role == "supervisor")
            .order_by(HumanTask.created_at, HumanTask.id).limit(1)),
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
        cases = s.scalars(select(Case).where(OPEN, violated | Case.overdue)
                          .order_by(Case.red_list.desc(), Case.created_at))
        return [_row(s, c, now) for c in cases]


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
        seen, result = set(), []
        for clock, case in rows:
            if case.id not in seen:
                seen.add(case.id)
                result.append(_row(s, case, now))
        return result


def dissatisfied(rt: Runtime) -> list[dict]:
    now = rt.clock.now()
    with rt.uow() as uow:
        s = uow.session
        cases = s.scalars(select(Case).where(OPEN, Case.dissatisfied_rounds > 0)
                          .order_by(Case.red_list.desc(), Case.dissatisfied_rounds.desc()))
        return [_row(s, c, now) for c in cases]


def watch_list(rt: Runtime) -> list[dict]:
    """P12 强力督办: every open red-list case with its current step, open tasks and clocks."""
    now = rt.clock.now()
    with rt.uow() as uow:
        s = uow.session
        result = []
        for case in s.scalars(select(Case).where(OPEN, Case.red_list).order_by(Case.created_at)):
            row = _row(s, case, now)
            row["open_tasks"] = [
                {"id": t.id, "title": t.title, "role": t.role, "due_at": iso(t.due_at)}
                for t in s.scalars(select(HumanTask).where(HumanTask.case_id == case.id,
                                                           HumanTask.status == "ready")
                                   .order_by(HumanTask.created_at, HumanTask.id))]
            result.append(row)
        return result
