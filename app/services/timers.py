"""Durable timers: fire each due timer exactly once, from any number of workers.

A worker claims one due row with `FOR UPDATE SKIP LOCKED` (PostgreSQL; SQLite serializes
writers anyway), loads the case and its workflow, lets SpiffWorkflow fire whatever is due by the
application clock, saves state, projections and audit, and commits: one timer, one transaction.
The case's version column makes a concurrent user command and a timer exclude each other.
"""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import func, select, update

from app import metrics
from app.db.models import Case, Timer, WorkflowState
from app.domain.errors import Conflict

from . import projection
from .command import Command, running
from .runtime import Runtime

log = logging.getLogger("qisu.timers")


def fire_one(rt: Runtime) -> str | None:
    """Fire the earliest due timer (and any others of its case due by now).

    Returns "fired", "dropped" (its activity or case ended meanwhile), "skipped" (another
    worker got there first) or None when nothing is due."""
    now = rt.clock.now()
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
