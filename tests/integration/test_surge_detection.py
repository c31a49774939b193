"""P18 surge detection run by workers: on a schedule, idempotent under concurrent detection."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app.db.models import OutboxMessage, SurgeAlert, User
from app.domain.errors import Conflict
from app.services.signals import surges
from app.worker import SurgeSchedule
from tests.api.test_insight_signals import surge
from tests.signals_support import clear_alerts


@pytest.fixture(autouse=True)
def _alerts(rt):
    yield
    clear_alerts(rt)


def counts(rt):
    with rt.uow() as uow:
        s = uow.session
        supervisors = s.scalar(select(func.count()).select_from(User).where(
            User.role == "supervisor", User.active.is_(True)))
        return (s.scalar(select(func.count()).select_from(SurgeAlert)),
                s.scalar(select(func.count()).select_from(OutboxMessage)
                         .where(OutboxMessage.template == "surge")), supervisors)


def test_schedule_runs_detection_in_a_thread_every_interval(rt, app):
    surge(rt, app)
    now = [1000.0]
    schedule = SurgeSchedule(rt, interval_minutes=60, monotonic=lambda: now[0])
    assert schedule.tick() is True          # the first round runs at once
    schedule.thread.join(30)
    assert counts(rt)[:2] == (1, counts(rt)[2])
    assert schedule.tick() is False         # not due yet
    now[0] += 3600
    assert schedule.tick() is True
    schedule.thread.join(30)
    assert counts(rt)[0] == 1               # the same day: still one alert
    assert SurgeSchedule(rt, interval_minutes=0).tick() is False


def test_two_detections_at_once_give_one_alert_and_one_message_each(rt, app, monkeypatch):
    surge(rt, app)
    monkeypatch.setattr(surges, "_try_lock", lambda session: True)  # exercise the unique insert
    barrier = threading.Barrier(2, timeout=20)
    original = surges.candidates

    def synchronised(*args):
        found = original(*args)
        barrier.wait()
        return found
    monkeypatch.setattr(surges, "candidates", synchronised)
    results = []

    def run():
        try:
            results.append(surges.run_detection(rt))
        except Conflict:  # SQLite: the second writer may find the database locked
            results.append("conflict")
    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    alerts, messages, supervisors = counts(rt)
    assert alerts == 1 and messages == supervisors >= 1, (results, alerts, messages)
    assert sorted(map(str, results)) in (["0", "1"], ["1", "conflict"]), results


def test_later_days_respect_the_cooldown(rt, app):
    surge(rt, app)
    assert surges.run_detection(rt) == 1
    rt.clock.advance(days=1)
    assert surges.run_detection(rt) == 0    # within cooldown_days of the first alert
    rt.clock.advance(days=5)                 # the surge has left the window by now
    assert surges.run_detection(rt) == 0
    assert counts(rt)[0] == 1
