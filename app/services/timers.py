"""Durable timers: fire each due timer exactly once, from any number of workers.

A worker claims one due row with `FOR UPDATE SKIP LOCKED` (PostgreSQL; SQLite serializes
writers anyway), loads the case and its workflow, lets SpiffWorkflow fire whatever is due by the
application clock, saves state, projections and audit, and commits: one timer, one transaction.
The case's version column makes a concurrent user command and a timer exclude each other.

A timer whose process fails (a script past the sandbox's CPU or memory limit, or any other
process error) is rolled back and then marked "faulted" with the reason, in its own transaction,
together with the case's other due timers: the worker never spins on it, and the case's history
shows why (`timer_faulted`). `retry_faulted` (CLI `flask qisu retry-timers NUMBER`) makes them
waiting again, e.g. after the limits were raised.
"""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import func, select, update

from app import metrics
from app.db.models import Case, Timer, WorkflowState
from app.domain.errors import Conflict, NotFound, ProcessError
from app.domain.texts import msg

from . import audit, projection
from .command import Command, running
from .runtime import Runtime

log = logging.getLogger("qisu.timers")


def fire_one(rt: Runtime) -> str | None:
    """Fire the earliest due timer (and any others of its case due by now).

    Returns "fired", "dropped" (its activity or case ended meanwhile), "skipped" (another
    worker got there first), "faulted" (the process failed) or None when nothing is due."""
    now = rt.clock.now()
    case_ids: list[int] = []  # the claimed timer's case
    try:
        return _fire_one(rt, now, case_ids)
    except ProcessError as err:
        if not case_ids:
            raise
        return _fault(rt, case_ids[0], now, err)


def _fire_one(rt: Runtime, now: datetime, case_ids: list) -> str | None:
    with rt.uow() as uow:
        session = uow.session
        timer = session.scalar(
            select(Timer).where(Timer.status == "waiting", Timer.due_at <= now)
            .order_by(Timer.due_at, Timer.id).limit(1).with_for_update(skip_locked=True))
        if timer is None:
            return None
        # Claim it: on SQLite (no row locks) this takes the write lock and re-checks the status,
        # so a worker that read the row before another fired it backs off instead of firing twice.
        claimed = session.execute(update(Timer).where(Timer.id == timer.id, Timer.status == "waiting")
                                  .values(fired_at=None)).rowcount
        if claimed != 1:
            return "skipped"
        session.refresh(timer)
        case_ids.append(timer.case_id)
        case = session.get(Case, timer.case_id)
        state = session.get(WorkflowState, case.id)
        if state is None:
            timer.status = "dropped"
            uow.commit()
            return timer.status
        bundle = rt.specs.get(session, case.deployment_id)
        workflow = rt.runner.load(bundle, state.state)
        command = Command(uow, rt, None, case, now, workflow)
        projection.announce_timers(command, workflow)  # the trail shows the timer first
        with running(command):
            rt.runner.fire_timers(workflow)
            projection.save(command, workflow)
        projection.flush(command)
        if timer.status == "fired":
            timer.fired_at = rt.clock.now()  # after the engine ran, just before the commit
        # A timer whose case ended or whose activity completed meanwhile is now "dropped".
        if timer.status == "waiting":
            # SpiffWorkflow did not consider it due (e.g. it was moved): never spin on it.
            log.warning("timer %s of case %s not fired by the engine; dropped", timer.name, case.number)
            timer.status = "dropped"
        uow.commit()
        if timer.status == "fired":
            metrics.timer_fired(timer.name, (timer.fired_at - timer.due_at).total_seconds())
        return timer.status


def _fault(rt: Runtime, case_id: int, now: datetime, err: ProcessError) -> str:
    """Mark the case's due timers faulted with `err`'s reason, one trail entry each."""
    reason = err.message
    with rt.uow() as uow:
        session = uow.session
        case = session.get(Case, case_id)
        rows = session.scalars(select(Timer).where(
            Timer.case_id == case_id, Timer.status == "waiting", Timer.due_at <= now)).all()
        command = Command(uow, rt, None, case, now)
        for row in rows:
            row.status, row.fault = "faulted", reason
            audit.record(command, "timer_faulted", task_id=row.task_id, task_name=row.name,
                         after={"due_at": row.due_at.isoformat(), "reason": reason})
        names, number = ", ".join(row.name for row in rows), case.number
        uow.commit()
    log.error("timer(s) %s of case %s faulted: %s", names, number, reason)
    return "faulted"


def faulted_timers(rt: Runtime) -> list[dict]:
    """Every faulted timer (admins: which cases wait for a fix, and why)."""
    with rt.uow() as uow:
        rows = uow.session.execute(
            select(Case.number, Timer.name, Timer.due_at, Timer.fault).join(Case, Case.id == Timer.case_id)
            .where(Timer.status == "faulted").order_by(Timer.due_at, Timer.id)).all()
    return [{"case": number, "timer": name, "due_at": due_at.isoformat(), "reason": fault}
            for number, name, due_at, fault in rows]


def retry_faulted(rt: Runtime, number: str) -> int:
    """Make the faulted timers of case `number` waiting again; returns how many."""
    with rt.uow() as uow:
        session = uow.session
        case = session.scalar(select(Case).where(Case.number == number))
        if case is None:
            raise NotFound(msg("case.number_not_found", "诉求 {number} 不存在", number=number))
        count = session.execute(update(Timer).where(Timer.case_id == case.id, Timer.status == "faulted")
                                .values(status="waiting", fault=None)).rowcount
        if count:
            audit.event(session, case.id, rt.clock.now(), None, "timer_retried", after={"timers": count})
        uow.commit()
    return count


def fire_due(rt: Runtime, limit: int = 1000) -> int:
    """Fire due timers until none is left (or `limit`); conflicts are retried on the next round."""
    fired = rounds = 0
    while rounds < limit:
        rounds += 1
        try:
            outcome = fire_one(rt)
        except Conflict:
            log.info("timer conflicted with a concurrent command; retrying later")
            break
        if outcome is None:
            break
        fired += outcome == "fired"
    return fired


def next_due(rt: Runtime) -> datetime | None:
    with rt.uow() as uow:
        return uow.session.scalar(select(func.min(Timer.due_at)).where(Timer.status == "waiting"))
