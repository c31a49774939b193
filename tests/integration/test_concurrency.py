"""One command, one transaction: concurrent writers to one case, exactly one wins (409 for the rest)."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from app.db.models import AuditEvent, Case, HumanTask


def _run_parallel(fns):
    results = [None] * len(fns)

    def call(i, fn):
        results[i] = fn()
    threads = [threading.Thread(target=call, args=(i, fn)) for i, fn in enumerate(fns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_two_completions_of_one_task_exactly_one_wins(api, rt, monkeypatch):
    number = api.submit()["number"]
    task = api.as_("dispatcher1").task_for(number, "dispatch")
    token = api.token("dispatcher1")
    # Both requests have loaded the case and its workflow before either writes.
    barrier = threading.Barrier(2, timeout=20)
    original = rt.runner.complete_user_task

    def synchronised(workflow, task_id, data):
        barrier.wait()
        return original(workflow, task_id, data)
    monkeypatch.setattr(rt.runner, "complete_user_task", synchronised)

    def complete(unit):
        def go():
            raw = api.app.test_client().post(
                f"/api/tasks/{task['id']}/complete", json={"data": {"unit_code": unit, "override_reason": "测试并发"}},
                headers={"Authorization": f"Bearer {token}"})
            return raw.status_code, raw.get_json()
        return go

    results = _run_parallel([complete("cgj"), complete("rsj")])
    statuses = sorted(status for status, _ in results)
    assert statuses == [200, 409], results
    loser = next(body for status, body in results if status == 409)
    assert loser["error"]["code"] == "conflict"

    with rt.uow() as uow:
        case = uow.session.scalar(select(Case).where(Case.number == number))
        winner_unit = next(body for status, body in results if status == 200)["unit"]["code"]
        assert uow.session.get(type(case), case.id).unit_id is not None
        completes = uow.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.case_id == case.id, AuditEvent.action == "complete_task"))
        assert completes == 1
        open_tasks = uow.session.scalars(select(HumanTask.spec_name).where(
            HumanTask.case_id == case.id, HumanTask.status == "ready")).all()
        assert open_tasks == ["sign"]
    assert api.as_("supervisor1").get(f"/api/cases/{number}").json["unit"]["code"] == winner_unit


def test_concurrent_intake_gives_unique_numbers(api, rt):
    token = api.token("agent1")
    from app.demo.data import ENTERPRISES

    def submit():
        numbers = []
        client = api.app.test_client()
        for _ in range(3):
            raw = client.post("/api/cases", headers={"Authorization": f"Bearer {token}"}, json={
                "kind": "咨询", "description": "社保缴费基数如何调整?",
                "credit_code": ENTERPRISES[3]["credit_code"], "domain": "劳动和社会保障"})
            assert raw.status_code == 201, raw.get_json()
            numbers.append(raw.get_json()["number"])
        return numbers

    results = _run_parallel([submit for _ in range(6)])
    numbers = [n for batch in results for n in batch]
    assert len(numbers) == 18 and len(set(numbers)) == 18
    assert sorted(int(n.split("-")[1]) for n in numbers) == list(range(1, 19))
