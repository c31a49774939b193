"""bench/crash_checks.py: the crash test's checks pass on a sound database and report each kind of
damage a crash could cause (a copy of the data corrupted on purpose)."""
from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from app.db.models import AuditEvent, Case, HumanTask, Timer
from app.demo.data import ENTERPRISES
from app.services.timers import fire_due

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import crash_checks  # noqa: E402


def _intake(api, key: str) -> str:
    body = {"kind": "求助", "description": f"员工社保转移办理咨询 [{key}]",
            "credit_code": ENTERPRISES[3]["credit_code"], "domain": "劳动和社会保障", "town": ""}
    raw = api.client.post("/api/cases", json=body, headers={
        "Authorization": f"Bearer {api.token('agent1')}", "Idempotency-Key": key})
    assert raw.status_code == 201, raw.get_json()
    return raw.get_json()["number"]


@pytest.fixture
def run(api, rt):
    """Two acknowledged intakes, one dispatched whose response warning and deadline fired."""
    keys = [f"crash-{uuid.uuid4().hex}" for _ in range(2)]
    numbers = [_intake(api, key) for key in keys]
    assert api.dispatch(numbers[0], unit_code="rsj").status == 200
    rt.clock.advance(minutes=65)  # past the 60-minute response deadline (warning at 45)
    fire_due(rt)  # one firing fires every timer of the case due by now
    with rt.uow() as uow:
        fired = uow.session.scalars(select(Timer.name).where(Timer.status == "fired")).all()
    assert sorted(fired) == ["timer_response_due", "timer_response_warn"]
    acks = [{"key": k, "user": "agent1", "number": n} for k, n in zip(keys, numbers)]
    return {"acks": acks, "timer_cases": [numbers[0]], "end_at": rt.clock.now()}


def _verify(rt, run, advance=False):
    return crash_checks.verify(rt, run["acks"], run["timer_cases"], run["end_at"], advance=advance)


def test_sound_database_passes_and_every_open_case_advances(rt, run):
    report = _verify(rt, run, advance=True)
    assert report.failures == [], report.lines
    assert "2 of 2 open cases advanced one task" in "\n".join(report.lines)


def _copy(row, **changes):
    columns = {c.key: getattr(row, c.key) for c in row.__mapper__.column_attrs}
    return type(row)(**(columns | changes))


def _duplicate_task(session, case_id):
    task = session.scalars(select(HumanTask).where(HumanTask.case_id == case_id,
                                                   HumanTask.status == "ready")).first()
    session.add(_copy(task, id=str(uuid.uuid4())))


def _double_fired_timer(session, case_id):
    timer = session.scalars(select(Timer).where(Timer.case_id == case_id, Timer.status == "fired")).first()
    event = session.scalars(select(AuditEvent).where(AuditEvent.task_id == timer.task_id)).first()
    session.add(_copy(event, id=None))


def _duplicated_intake(session, case_id):
    case = session.get(Case, case_id)
    session.add(_copy(case, id=None, number=case.number + "-2", version=1))


def _lost_timer(session, case_id):
    timer = session.scalars(select(Timer).where(Timer.case_id == case_id, Timer.status == "waiting")).first()
    timer.due_at = timer.due_at.replace(year=2000)


def _lost_effect(session, case_id):
    session.delete(session.scalars(select(AuditEvent).where(
        AuditEvent.case_id == case_id, AuditEvent.action == "urge")).first())


def _projection_drift(session, case_id):
    task = session.scalars(select(HumanTask).where(HumanTask.case_id == case_id,
                                                   HumanTask.status == "ready")).first()
    task.status = "completed"


def _timer_not_fired(session, case_id):
    timer = session.scalars(select(Timer).where(Timer.case_id == case_id,
                                                Timer.name == "timer_response_due")).one()
    timer.status = "dropped"
    session.execute(AuditEvent.__table__.delete().where(AuditEvent.task_id == timer.task_id,
                                                        AuditEvent.action == "timer_fired"))


@pytest.mark.parametrize("corrupt, expected", [
    (_duplicate_task, "ready 2×"),
    (_double_fired_timer, "audited 2×"),
    (_duplicated_intake, "made 2 cases"),
    (_lost_timer, "still waiting (lost)"),
    (_lost_effect, "effect (urge/overdue) 0×"),
    (_projection_drift, "≠ human_tasks ready"),
    (_timer_not_fired, "timer_response_due fired 0×"),
])
def test_each_kind_of_damage_is_reported(rt, run, corrupt, expected):
    with rt.uow() as uow:
        case_id = uow.session.scalar(select(Case.id).where(Case.number == run["timer_cases"][0]))
        corrupt(uow.session, case_id)
        uow.session.commit()
    report = _verify(rt, run)
    assert any(expected in failure for failure in report.failures), report.lines
    assert any("[FAIL]" in line for line in report.lines)
