"""Durable timers: several worker processes fire each due timer exactly once (P8 warnings)."""
from __future__ import annotations

import multiprocessing
import time
from sqlalchemy import func, select

from app.clock import FixedClock
from app.db.models import AuditEvent, Case, SlaClock, Timer
from app.demo.data import ENTERPRISES
from app.services import auth, intake, tasks
from app.services.timers import fire_due

WORKERS = 4


def _actor(rt, username):
    from app.db.models import User
    with rt.uow() as uow:
        user_id = uow.session.scalar(select(User.id).where(User.username == username))
    return auth.actor_by_id(rt, user_id)


def _worker(database_url: str, now_iso: str, results) -> None:
    """A separate process: its own app, engine and connections; fires until nothing is due."""
    from datetime import datetime

    from app import create_app
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "QISU_AUTO_DEPLOY": False})
    rt = app.extensions["qisu"]
    rt.clock = FixedClock(datetime.fromisoformat(now_iso))
    fired, deadline = 0, time.monotonic() + 120
    while time.monotonic() < deadline:
        count = fire_due(rt)
        fired += count
        if count == 0:
            with rt.uow() as uow:
                due = uow.session.scalar(select(func.count()).select_from(Timer).where(
                    Timer.status == "waiting", Timer.due_at <= rt.clock.now()))
            if not due:
                break
    results.put(fired)


def test_workers_fire_each_due_timer_once(app, rt, database_url):
    cases = 500 if database_url.startswith("postgresql") else 80
    agent, dispatcher = _actor(rt, "agent1"), _actor(rt, "dispatcher1")
    plain = [e for e in ENTERPRISES if not e["red_list"]]  # red list has 30-minute deadlines
    for i in range(cases):
        number = intake.submit_case(rt, agent, {
            "kind": "求助", "description": f"第{i}件:员工社保转移办理咨询",
            "credit_code": plain[i % len(plain)]["credit_code"],
            "domain": "劳动和社会保障"})["number"]
        tasks.complete_for_case(rt, dispatcher, number, "dispatch",
                                {"unit_code": "rsj", "override_reason": "人社业务"})
    with rt.uow() as uow:
        waiting = uow.session.scalar(select(func.count()).select_from(Timer).where(Timer.status == "waiting"))
    assert waiting == 6 * cases  # warn + due for response, solution and resolution

    rt.clock.advance(minutes=50)  # past every response warning (75% of 60 min), before the deadline
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    procs = [context.Process(target=_worker, args=(database_url, rt.clock.now().isoformat(), results))
             for _ in range(WORKERS)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(180)
        assert proc.exitcode == 0
    fired_per_worker = [results.get(timeout=5) for _ in procs]

    with rt.uow() as uow:
        s = uow.session
        fired = s.scalar(select(func.count()).select_from(Timer).where(Timer.status == "fired"))
        assert fired == cases and sum(fired_per_worker) == cases
        assert s.scalar(select(func.count()).select_from(Timer).where(
            Timer.status == "fired", Timer.name != "timer_response_warn")) == 0
        per_case = dict(s.execute(select(AuditEvent.case_id, func.count()).where(
            AuditEvent.action == "urge").group_by(AuditEvent.case_id)).all())
        assert len(per_case) == cases and set(per_case.values()) == {1}
        warned = s.scalar(select(func.count()).select_from(SlaClock).where(
            SlaClock.clock == "response", SlaClock.warned_at.is_not(None)))
        assert warned == cases
        versions = set(s.scalars(select(Case.version)))
        assert len(versions) == 1  # every case advanced by exactly one more command


def test_restarting_workers_loses_nothing_and_closed_cases_drop_their_timers(api, rt):
    number = api.submit()["number"]
    api.dispatch(number, "cgj")
    rt.clock.advance(minutes=50)
    # A worker that "crashed" before committing leaves the row waiting; the next one fires it.
    assert fire_due(rt) == 1
    assert fire_due(rt) == 0
    api.unit_handles(number)  # the unit finishes: its remaining timers are dropped, not fired
    with rt.uow() as uow:
        case_id = uow.session.scalar(select(Case.id).where(Case.number == number))
        statuses = dict(uow.session.execute(select(Timer.name, Timer.status).where(Timer.case_id == case_id)).all())
    assert statuses["timer_response_warn"] == "fired"
    assert all(status in ("fired", "dropped") for name, status in statuses.items()
               if name.startswith(("timer_response", "timer_solution", "timer_resolution")))
    rt.clock.advance(hours=73)  # the rating window (P11) is the only timer left, and it fires
    assert fire_due(rt) == 1
    assert api.as_("supervisor1").task_for(number, "revisit") is not None
